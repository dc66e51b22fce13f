import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cached, cacheDir } from '../../src/playbook/cache.js';
import { tempDir } from '../helpers.js';

describe('the validated-file cache', () => {
  it('loads once for the same texts, again when a text changes, and never caches a failure', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    let loads = 0;
    const load = (value: string) => () => (loads++, { value });
    expect(cached(env, { kind: 'grading', texts: ['a: 1'] }, load('first'))).toEqual({ value: 'first' });
    expect(cached(env, { kind: 'grading', texts: ['a: 1'] }, load('second'))).toEqual({ value: 'first' });
    expect(loads).toBe(1);
    expect(cached(env, { kind: 'grading', texts: ['a: 2'] }, load('third'))).toEqual({ value: 'third' });
    expect(loads).toBe(2);
    const failing = () => {
      throw new Error('invalid');
    };
    expect(() => cached(env, { kind: 'grading', texts: ['bad'] }, failing)).toThrow('invalid');
    expect(() => cached(env, { kind: 'grading', texts: ['bad'] }, failing)).toThrow('invalid');
  });

  it('a damaged entry is ignored and rewritten', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    cached(env, { kind: 'teams', texts: ['x'] }, () => 1);
    const [file] = readdirSync(cacheDir(env));
    writeFileSync(join(cacheDir(env), file!), '{not json');
    expect(cached(env, { kind: 'teams', texts: ['x'] }, () => 2)).toBe(2);
    expect(cached(env, { kind: 'teams', texts: ['x'] }, () => 3)).toBe(2);
  });

  it('an entry whose stored texts differ is not used even under the same name', () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    cached(env, { kind: 'playbook', texts: ['one'] }, () => 'one');
    const [file] = readdirSync(cacheDir(env));
    // simulate a hash collision: the entry is there, but for other texts
    writeFileSync(join(cacheDir(env), file!), JSON.stringify({ texts: ['stamp', 'other'], value: 'wrong' }));
    expect(cached(env, { kind: 'playbook', texts: ['one'] }, () => 'fresh')).toBe('fresh');
  });
});

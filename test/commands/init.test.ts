// init at a terminal: asks what the flags did not give, with the same checks as the flags.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as init } from '../../src/commands/init.js';
import type { Context } from '../../src/context.js';
import { InputError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { tempDir } from '../helpers.js';

const script = vi.hoisted(() => ({ answers: {} as Record<string, unknown>, asked: [] as { key: string; validate?: (v: string) => true | string }[] }));
vi.mock('../../src/ui/prompts.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/ui/prompts.js')>()),
  createPrompter: () => {
    const answer = async (q: { key: string; validate?: (v: string) => true | string }) => {
      script.asked.push(q);
      if (!(q.key in script.answers)) throw new Error(`unexpected question ${q.key}`);
      return script.answers[q.key];
    };
    return { input: answer, select: answer, confirm: answer, checkbox: answer, resumable: () => undefined };
  },
}));

function context(): Context {
  return {
    lang: 'en',
    messages: messages('en'),
    color: false,
    db: '/unused',
    playbooksDir: '/unused',
    templatesDir: '/unused',
    timezone: 'Asia/Shanghai',
    firm: {},
    json: false,
    out: () => undefined,
    err: () => undefined,
    now: () => Date.parse('2026-11-28T10:00:00+08:00'),
    env: { HOME: '/home/x' },
    cwd,
    queued: new Set(),
    stdinIsTTY: true,
    stdoutIsTTY: true,
  };
}

let cwd: string;
beforeEach(() => {
  script.answers = {};
  script.asked = [];
  cwd = tempDir();
});
afterEach(() => vi.restoreAllMocks());

describe('init at a terminal', () => {
  it('asks only what the flags did not give, checking answers as it checks flags', async () => {
    script.answers = { 'init.website': '', 'init.lang': 'zh', 'init.timezone': 'Asia/Shanghai', 'init.db': './audit.db' };
    expect(await init(context(), [], { firmName: '示例证券', hotline: '95000' })).toBe(0);
    expect(script.asked.map((q) => q.key)).toEqual(['init.website', 'init.lang', 'init.timezone', 'init.db']);
    const db = script.asked.find((q) => q.key === 'init.db')!.validate!;
    expect(db('postgres://ops:secret@127.0.0.1/x')).toMatch(/~\/\.pgpass or PGPASSWORD/);
    expect(db('postgres://ops@127.0.0.1/x')).toBe(true);
    expect(script.asked.find((q) => q.key === 'init.timezone')!.validate!('Mars/Base')).toMatch(/unknown time zone "Mars\/Base"/);
    const file = readFileSync(join(cwd, 'sec-incident.yaml'), 'utf8');
    expect(file).toContain('name: 示例证券');
    expect(file).toContain('lang: zh');
    expect(file).toContain('db: ./audit.db');
    expect(file).not.toContain('website');
  });

  it('an existing file is replaced only after a yes', async () => {
    writeFileSync(join(cwd, 'sec-incident.yaml'), 'lang: en\n');
    script.answers = { 'init.overwrite': false };
    await expect(init(context(), [], { yes: false, firmName: 'x', hotline: '1', website: 'w', lang: 'en', timezone: 'UTC', db: 'a.db' })).rejects.toThrow(InputError);
    expect(readFileSync(join(cwd, 'sec-incident.yaml'), 'utf8')).toBe('lang: en\n');
    script.answers = { 'init.overwrite': true };
    expect(await init(context(), [], { firmName: 'x', hotline: '1', website: 'w', lang: 'en', timezone: 'UTC', db: 'a.db' })).toBe(0);
    expect(readFileSync(join(cwd, 'sec-incident.yaml'), 'utf8')).toContain('timezone: UTC');
    expect(existsSync(join(cwd, 'playbooks'))).toBe(false);
  });
});

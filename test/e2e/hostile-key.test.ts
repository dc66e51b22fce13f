// Issue 17, finding 1: the audit key is part of a chain's identity. A writer with a missing or
// different key, or a key on an unkeyed store, is refused before it appends; verify says which.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { keyCheckValue } from '../../src/store/keycheck.js';
import { cli, hasStackTrace, json, tempDir } from '../helpers.js';
import { pgSchemas, pgUrl } from '../support/pg.js';

const KEY = 'correct horse battery staple';
const OTHER = 'another key entirely';
let dir: string;
let db: string;
const run = (args: string[], env: Record<string, string> = {}) => cli([...args, '--db', db], { env });
const keyed = { SEC_INCIDENT_AUDIT_KEY: KEY };

function open(env: Record<string, string> = {}): string {
  const r = run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--title', 'Keyed', '--impact', 'partial', '--json'], env);
  // nothing about the key; the fixture's example members bring the readiness warning (issue 16)
  expect(r.stderr.split('\n').filter((l) => l !== '' && !l.includes('teams.yaml'))).toEqual([]);
  return json(r).id as string;
}
const events = (id: string) => (new Database(db, { readonly: true }).prepare('SELECT count(*) AS n FROM events WHERE incident_id = ?').get(id) as { n: number }).n;

beforeEach(() => {
  dir = tempDir();
  db = join(dir, 'audit.db');
});

describe('the key is part of the chain (SQLite)', () => {
  it('a keyed store records a key check value, never the key', () => {
    open(keyed);
    const row = new Database(db, { readonly: true }).prepare("SELECT value FROM meta WHERE key = 'key_check'").get() as { value: string };
    expect(row.value).toBe(keyCheckValue(KEY));
    expect(row.value).not.toContain(KEY);
  });

  it.each([
    ['no key', {}, /this database is keyed; set SEC_INCIDENT_AUDIT_KEY \(or _FILE\)/],
    ['another key', { SEC_INCIDENT_AUDIT_KEY: OTHER }, /does not match/],
  ])('a write with %s is refused, exit 2, nothing appended', (_name, env, message) => {
    const id = open(keyed);
    const before = events(id);
    for (const args of [['step', id, 'confirm-grading', 'note', '--note', 'x'], ['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial']]) {
      const r = run(args, env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect(events(id)).toBe(before);
    expect(run(['verify', id], keyed).code).toBe(0);
  });

  it('a key on an unkeyed store is refused', () => {
    const id = open();
    const r = run(['step', id, 'confirm-grading', 'note', '--note', 'x'], keyed);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not keyed/);
    expect(run(['verify', id]).code).toBe(0);
  });

  it('verify says "key missing" or "key does not match", never broken (exit 2)', () => {
    const id = open(keyed);
    const missing = run(['verify', id]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('keyed: key missing');
    expect(missing.stdout).not.toMatch(/BROKEN/);
    const other = run(['verify', '--json'], { SEC_INCIDENT_AUDIT_KEY: OTHER });
    expect(other.code).toBe(2);
    expect(json(other)).toMatchObject({ ok: false, key: 'mismatch', incidents: [{ id, ok: false, firstBadSeq: null, problem: 'key-mismatch' }] });
    expect(run(['verify', id], keyed).code).toBe(0);
  });

  it('without the key, verify still checks the links: a deleted event is broken (exit 3)', () => {
    const id = open(keyed);
    run(['step', id, 'confirm-grading', 'note', '--note', 'x'], keyed);
    const d = new Database(db);
    d.exec('DROP TRIGGER events_no_delete');
    d.prepare('DELETE FROM events WHERE incident_id = ? AND seq = 2').run(id);
    d.close();
    const r = run(['verify', id, '--json']);
    expect(r.code).toBe(3);
    expect(json(r).incidents[0]).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'missing' });
  });

  it('a store from before the check value is judged by its first event, and then records one', () => {
    const id = open(keyed);
    const d = new Database(db);
    d.exec("DROP TRIGGER meta_no_delete; DELETE FROM meta; DROP TABLE meta; PRAGMA user_version = 3");
    d.close();
    expect(run(['step', id, 'confirm-grading', 'note', '--note', 'x']).code).toBe(2);
    expect(run(['step', id, 'confirm-grading', 'note', '--note', 'x'], keyed).code).toBe(0);
    expect(run(['verify', id], keyed).code).toBe(0);
  });
});

describe('db copy carries the keying (finding 13)', () => {
  it('refuses to mix keyed and unkeyed chains, or two keys; a fresh target takes the key check value', () => {
    const keyedDb = db;
    const id = open(keyed);
    const unkeyedDb = join(dir, 'unkeyed.db');
    db = unkeyedDb;
    open();
    for (const [env, to] of [[{}, join(dir, 'fresh.db')], [keyed, unkeyedDb], [{ SEC_INCIDENT_AUDIT_KEY: OTHER }, join(dir, 'fresh2.db')]] as const) {
      const r = cli(['db', 'copy', '--from', keyedDb, '--to', to], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/keyed|does not match/);
    }
    const fresh = join(dir, 'fresh3.db');
    expect(cli(['db', 'copy', '--from', keyedDb, '--to', fresh, id], { env: keyed }).code).toBe(0);
    const row = new Database(fresh, { readonly: true }).prepare("SELECT value FROM meta WHERE key = 'key_check'").get() as { value: string };
    expect(row.value).toBe(keyCheckValue(KEY));
    db = fresh;
    expect(run(['verify', id], keyed).code).toBe(0);
    expect(run(['step', id, 'confirm-grading', 'note', '--note', 'x']).code).toBe(2);
  });
});

describe('SEC_INCIDENT_AUDIT_KEY_FILE', () => {
  const keyFile = (mode: number, text = `${KEY}\n`) => {
    const file = join(dir, `key-${mode.toString(8)}`);
    writeFileSync(file, text, { mode });
    chmodSync(file, mode);
    return file;
  };

  it('reads the key from the file\'s first line: the same chain as the variable', () => {
    const id = open({ SEC_INCIDENT_AUDIT_KEY_FILE: keyFile(0o600) });
    expect(run(['verify', id], keyed).code).toBe(0);
    expect(run(['step', id, 'confirm-grading', 'note', '--note', 'x'], { SEC_INCIDENT_AUDIT_KEY_FILE: keyFile(0o400) }).code).toBe(0);
  });

  it.each([0o640, 0o604, 0o644])('a key file of mode %o is refused, and the key never printed', (mode) => {
    const r = run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial'], { SEC_INCIDENT_AUDIT_KEY_FILE: keyFile(mode) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/chmod 600/);
    expect(r.stderr + r.stdout).not.toContain(KEY);
  });

  it('a FIFO, a folder or /dev/zero is not a key file; both variables at once is refused', () => {
    mkdirSync(join(dir, 'folder'));
    const zero = join(dir, 'zero');
    symlinkSync('/dev/zero', zero);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    for (const file of [join(dir, 'folder'), zero, fifo]) {
      const r = run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial'], { SEC_INCIDENT_AUDIT_KEY_FILE: file });
      expect(r.code).toBe(2);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    const both = run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial'], { SEC_INCIDENT_AUDIT_KEY_FILE: keyFile(0o600), SEC_INCIDENT_AUDIT_KEY: KEY });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/set one of them/);
  });
});

describe('the key is part of the chain (PostgreSQL)', () => {
  const pgs = pgSchemas('hostile_key');

  it('a keyed shared store refuses writers without the key, or with another; verify says which', () => {
    db = pgUrl({ schema: pgs.schema() });
    expect(run(['db', 'init'], keyed).code).toBe(0);
    // keyed from db init on: even the first writer without the key is refused
    expect(run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial']).code).toBe(2);
    const id = open(keyed);
    const none = run(['step', id, 'confirm-grading', 'note', '--note', 'x']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/this database is keyed; set SEC_INCIDENT_AUDIT_KEY \(or _FILE\)/);
    expect(run(['step', id, 'confirm-grading', 'note', '--note', 'x'], { SEC_INCIDENT_AUDIT_KEY: OTHER }).code).toBe(2);
    expect(json(run(['verify', '--json']))).toMatchObject({ ok: false, key: 'missing', incidents: [{ id, problem: 'key-missing' }] });
    expect(run(['verify', id], keyed).code).toBe(0);
  });

  it('an unkeyed shared store is decided by its first writer and refuses a key after', () => {
    db = pgUrl({ schema: pgs.schema() });
    expect(run(['db', 'init']).code).toBe(0);
    const id = open();
    const r = run(['step', id, 'confirm-grading', 'note', '--note', 'x'], keyed);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not keyed/);
    expect(run(['verify', id]).code).toBe(0);
  });
});

// Issue 17, finding 8: an auditor's copy on read-only media can be checked. verify, list, status,
// log and report open the database read-only, and immutable where SQLite cannot create its -shm
// beside it; a -wal lying there (events such an open cannot see) is said; writers are refused
// clearly. The medium is a real read-only bind mount (we run as root, so chmod stops nothing);
// where mounting is impossible the suite fails instead of passing without having tried.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliEnv, hasStackTrace, json, ROOT, type CliResult } from '../helpers.js';

let base: string;
/** The writable original and the same folder mounted read-only: the auditor's medium. */
let src: string;
let ro: string;
let out: string;
let id: string;
/** The events of the clean copy. */
let count: number;
let mounted = false;

const run = (db: string, args: string[], env: Record<string, string> = {}) => cli([...args, '--db', db], { env });
/** The events a database holds, read by a connection that, closing last, folds its WAL back in. */
function events(db: string): number {
  const d = new Database(db);
  try {
    return (d.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    d.close();
  }
}
/** stderr without the readiness warning the fixture's example members bring (issue 16). */
const said = (r: CliResult) => r.stderr.split('\n').filter((l) => l !== '' && !/teams\.yaml|firm\.name/.test(l));

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'sec-incident-ro-'));
  src = join(base, 'src');
  ro = join(base, 'ro');
  out = join(base, 'out');
  for (const d of [src, ro, out]) mkdirSync(d);
  const db = join(src, 'audit.db');
  const opened = run(db, ['open', '--type', 'trading-outage', '--var', 'systems=APP', '--title', 'Copied for audit', '--impact', 'partial', '--json']);
  expect(opened.code).toBe(0);
  id = json(opened).id as string;
  expect(run(db, ['step', id, 'confirm-grading', 'note', '--note', 'before the copy']).code).toBe(0);
  count = events(db);
  // the last connection checkpointed and removed the WAL: a clean copy is the file alone
  expect(readdirSync(src)).toEqual(['audit.db']);

  execFileSync('mount', ['--bind', src, ro]);
  mounted = true;
  execFileSync('mount', ['-o', 'remount,ro,bind', ro]);
  // the medium really is read-only, even to root
  expect(() => writeFileSync(join(ro, 'probe'), 'x')).toThrow(/EROFS|read-only/);
});

afterAll(() => {
  if (mounted) execFileSync('umount', [ro]);
  rmSync(base, { recursive: true, force: true });
});

describe('a clean copy on read-only media (finding 8)', () => {
  it('verify passes (exit 0) and says nothing more', () => {
    const r = run(join(ro, 'audit.db'), ['verify']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${id}: ${count} events, chain intact`);
    expect(json(run(join(ro, 'audit.db'), ['verify', '--json']))).toMatchObject({ ok: true, incidents: [{ id, ok: true, events: count }] });
  });

  it('list, status and log read it', () => {
    const db = join(ro, 'audit.db');
    const list = run(db, ['list', '--json']);
    expect(list.code).toBe(0);
    expect(json(list)).toMatchObject([{ id, title: 'Copied for audit', events: count }]);
    const status = run(db, ['status', id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Copied for audit');
    const log = run(db, ['log', id]);
    expect(log.code).toBe(0);
    expect(log.stdout).toContain('before the copy');
    for (const r of [list, status, log]) expect(said(r)).toEqual([]);
  });

  it('report writes its output to a writable folder', () => {
    const file = join(out, 'report.md');
    const r = run(join(ro, 'audit.db'), ['report', id, '--out', file]);
    expect(r.code).toBe(0);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('Copied for audit');
  });

  it('nothing is left beside the copy', () => {
    expect(readdirSync(ro)).toEqual(['audit.db']);
  });
});

describe('a copy with a -wal beside it (finding 8)', () => {
  let copy: string;
  let walEvents: number;

  beforeAll(() => {
    // another connection keeps the WAL alive while a writer commits into it, and the copy is
    // taken then: the database and its -wal, without the -shm, as a hurried copier would
    const original = join(src, 'audit.db');
    const holder = new Database(original);
    holder.pragma('wal_autocheckpoint = 0');
    holder.prepare('SELECT count(*) FROM events').get();
    expect(run(original, ['step', id, 'confirm-grading', 'note', '--note', 'only in the wal']).code).toBe(0);
    copy = join(src, 'walcopy.db');
    copyFileSync(original, copy);
    copyFileSync(`${original}-wal`, `${copy}-wal`);
    holder.close();
    expect(statSync(`${copy}-wal`).size).toBeGreaterThan(0);
    walEvents = events(original);
    expect(walEvents).toBe(count + 1);
  });

  it.each([
    ['verify', () => ['verify', '--db', join(ro, 'walcopy.db')]],
    ['list', () => ['list', '--db', join(ro, 'walcopy.db')]],
    ['status', () => ['status', id, '--db', join(ro, 'walcopy.db')]],
    ['log', () => ['log', id, '--db', join(ro, 'walcopy.db')]],
    ['report', () => ['report', id, '--out', join(out, 'wal-report.md'), '--force', '--db', join(ro, 'walcopy.db')]],
    ['db copy', () => ['db', 'copy', '--from', join(ro, 'walcopy.db'), '--to', join(out, 'copied.db')]],
  ])('%s warns, naming the -wal whose events it cannot see', (_command, args) => {
    const r = cli(args());
    expect(r.code).toBe(0);
    expect(said(r).join('\n')).toMatch(new RegExp(`${join(ro, 'walcopy.db-wal').replaceAll('.', '\\.')}.*read-only medium`));
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('the warning is true: the events in the -wal are not shown', () => {
    const log = run(join(ro, 'walcopy.db'), ['log', id]);
    expect(log.stdout).toContain('before the copy');
    expect(log.stdout).not.toContain('only in the wal');
    // the same pair of files copied to a writable folder shows everything
    const writable = join(out, 'walcopy.db');
    copyFileSync(join(ro, 'walcopy.db'), writable);
    copyFileSync(join(ro, 'walcopy.db-wal'), `${writable}-wal`);
    expect(events(writable)).toBe(walEvents);
    expect(run(writable, ['log', id]).stdout).toContain('only in the wal');
  });

  it('in Chinese too', () => {
    const r = run(join(ro, 'walcopy.db'), ['verify', '--lang', 'zh']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(join(ro, 'walcopy.db-wal'));
    expect(r.stderr).toMatch(/只读介质/);
  });
});

describe('writes on read-only media (finding 8)', () => {
  it.each([
    ['a step on an existing copy', 'audit.db', () => ['step', id, 'confirm-grading', 'note', '--note', 'x']],
    ['a new incident on an existing copy', 'audit.db', () => ['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial']],
    ['a new database', 'new.db', () => ['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial']],
  ])('%s is refused clearly (exit 2), nothing changed', (_name, file, args) => {
    const before = events(join(src, 'audit.db'));
    const r = run(join(ro, file), args());
    expect(r.code).toBe(2);
    expect(said(r)).toEqual([`${join(ro, file)} is read-only: cannot record events (check the file's and the folder's permissions, or whether the medium is mounted read-only)`]);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(events(join(src, 'audit.db'))).toBe(before);
  });
});

/**
 * The CLI as `nobody`: root's chmod stops nothing, another user's does. `nobody` runs a copy of
 * the built CLI (its bundle, its SQLite driver, the bundled library) in a folder it can read: CI's
 * clone may sit in a 0700 temp folder. The Node binary it runs on may too (Node 24's lane), so it
 * keeps CAP_DAC_READ_SEARCH for the exec alone; every write stays subject to the modes under test.
 */
let copied: string | undefined;
function nobodysCli(): string {
  if (copied) return copied;
  const root = join(base, 'cli');
  // what the bundle loads at run time besides itself: the SQLite driver and the holiday data
  for (const part of ['bin', 'dist/bundle', 'package.json', 'playbooks', 'templates', 'node_modules/better-sqlite3', 'node_modules/bindings', 'node_modules/file-uri-to-path', 'node_modules/chinese-days']) {
    cpSync(join(ROOT, part), join(root, part), { recursive: true });
  }
  execFileSync('chmod', ['-R', 'a+rX', root]);
  return (copied = join(root, 'bin', 'sec-incident.js'));
}

function asNobody(args: string[]): CliResult {
  const caps = ['--inh-caps=+dac_read_search', '--ambient-caps=+dac_read_search'];
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...caps, process.execPath, nobodysCli(), ...args], {
    env: cliEnv() as NodeJS.ProcessEnv,
    cwd: base,
    encoding: 'utf8',
    input: '',
    timeout: 30_000,
  });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe('permissions instead of a read-only medium', () => {
  let folder: string;
  beforeAll(() => {
    folder = join(base, 'perm');
    mkdirSync(folder);
    chmodSync(base, 0o755);
    copyFileSync(join(src, 'audit.db'), join(folder, 'audit.db'));
    chmodSync(join(folder, 'audit.db'), 0o444);
  });

  it('a folder another user cannot write (0555): that user reads and verifies it', () => {
    chmodSync(folder, 0o555);
    const db = join(folder, 'audit.db');
    const verify = asNobody(['verify', '--db', db]);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('chain intact');
    expect(asNobody(['status', id, '--db', db]).code).toBe(0);
    const write = asNobody(['step', id, 'confirm-grading', 'note', '--note', 'x', '--db', db]);
    expect(write.code).toBe(2);
    expect(write.stderr).toMatch(/is read-only: cannot record events/);
    expect(readdirSync(folder)).toEqual(['audit.db']);
  });

  it('a read-only file (0444) in a folder that user can write: read, and writes refused clearly', () => {
    chmodSync(folder, 0o777);
    const db = join(folder, 'audit.db');
    const before = events(db);
    expect(asNobody(['verify', '--db', db]).code).toBe(0);
    expect(asNobody(['log', id, '--db', db]).stdout).toContain('before the copy');
    const write = asNobody(['step', id, 'confirm-grading', 'note', '--note', 'x', '--db', db]);
    expect(write.code).toBe(2);
    expect(write.stderr).toMatch(/is read-only: cannot record events/);
    expect(hasStackTrace(write.stderr)).toBe(false);
    expect(events(db)).toBe(before);
    expect(existsSync(db)).toBe(true);
  });
});

describe('SQLite URIs, enabled for the immutable open', () => {
  it('leave a --db named file:… a file name, as it always was', () => {
    const name = 'file:named.db?immutable=1';
    const r = cli(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--db', name], { cwd: out });
    expect(r.code).toBe(0);
    expect(existsSync(join(out, name))).toBe(true);
    expect(existsSync(join(out, 'named.db'))).toBe(false);
    expect(cli(['list', '--json', '--db', name], { cwd: out }).stdout).toContain('"events"');
  });
});

// The shared store through the built CLI (issue 13): eight responders writing at once, an owner
// tampering with psql, and servers that cannot be used.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalEvent, canonicalJson, chainHash } from '../../src/store/hash.js';
import { BIN, cli, hasStackTrace, json, ROOT, tempDir, type CliResult } from '../helpers.js';
import { refusingServer, silentServer } from '../support/fake-pg.js';
import { ownerQuery, pgSchemas, pgUrl, TEST_PG } from '../support/pg.js';

const pgs = pgSchemas('e2e_pg');
let schema = pgs.schema();
let db = pgUrl({ schema });
const KEY = 'audit-key-for-the-pg-tests';

const run = (args: string[], env: Record<string, string> = {}) => cli([...args, '--db', db], { env });

/** The CLI without blocking this process: the fake servers answer from its event loop. */
function cliAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'en_US.UTF-8', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function psql(sql: string): string {
  const url = new URL(TEST_PG);
  const r = spawnSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username) || 'postgres', '-d', url.pathname.slice(1), '-c', `SET search_path TO "${schema}"; ${sql}`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

/** As the owner would: the guard triggers off for the one statement, on again after. */
const asOwner = (sql: string) => psql(`BEGIN; ALTER TABLE events DISABLE TRIGGER USER; ${sql}; ALTER TABLE events ENABLE TRIGGER USER; COMMIT;`);

function openIncident(env: Record<string, string> = {}): string {
  const r = run(['open', '--type', 'trading-outage', '--title', 'APP login failures', '--impact', 'partial', '--var', 'systems=APP', '--json', '--actor', 'oncall'], env);
  return json(r).id as string;
}

function withNotes(count: number, env: Record<string, string> = {}): string {
  const id = openIncident(env);
  for (let i = 0; i < count; i++) expect(run(['step', id, 'confirm-grading', 'note', '--note', `n${i}`, '--actor', 'oncall'], env).code).toBe(0);
  return id;
}

const verifyJson = (id: string, env: Record<string, string> = {}) => {
  const r = run(['verify', id, '--json'], env);
  return { code: r.code, report: json(r).incidents[0] };
};

describe('a shared PostgreSQL store through the CLI', () => {
  beforeAll(() => {
    expect(run(['db', 'init']).code).toBe(0);
  });

  it('db init creates the store and prints the grants; running it again changes nothing', () => {
    const own = pgs.schema();
    const init = () => cli(['db', 'init', '--role', 'responders', '--db', pgUrl({ schema: own })]);
    const first = init();
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`GRANT INSERT ON "${own}".events TO "responders";`);
    expect(first.stdout).not.toMatch(/UPDATE|DELETE/);
    expect(first.stderr).toContain('at version 3 (was 0)');
    const again = init();
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('at version 3 (was 3)');
  });

  it('8 processes × 50 notes on one incident: every one recorded once, seq contiguous, chain valid', async () => {
    const id = openIncident();
    const opening = json<unknown[]>(run(['log', id, '--json'])).length;
    const writer = async (w: number) => {
      for (let n = 0; n < 50; n++) {
        const r = await cliAsync(['step', id, 'confirm-grading', 'note', '--note', `w${w} n${n}`, '--actor', `w${w}`, '--db', db]);
        if (r.code !== 0) throw new Error(`w${w} n${n}: exit ${r.code}: ${r.stderr}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const log = json<{ seq: number; type: string; payload: { text?: string } }[]>(run(['log', id, '--json']));
    expect(log).toHaveLength(opening + 400);
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: opening + 400 }, (_, i) => i + 1));
    const notes = log.filter((e) => e.type === 'note.added').map((e) => e.payload.text);
    expect(new Set(notes).size).toBe(400);
    for (let w = 0; w < 8; w++) for (let n = 0; n < 50; n++) expect(notes).toContain(`w${w} n${n}`);
    expect(verifyJson(id)).toMatchObject({ code: 0, report: { ok: true, events: opening + 400 } });
    expect(json<{ id: string; events: number }[]>(run(['list', '--json'])).find((x) => x.id === id)?.events).toBe(opening + 400);
  }, 600_000);

  it('every event records the session user as recorded_by; status and list are the team view', () => {
    const id = openIncident();
    const rows = psql(`SELECT DISTINCT recorded_by FROM events WHERE incident_id = '${id}'`).trim();
    expect(rows).toBe(new URL(TEST_PG).username || 'postgres');
    expect(json(run(['status', id, '--json']))).toMatchObject({ id, state: 'open' });
    // the actor (oncall) is what the responder says; recorded_by is what the server knows
    const user = new URL(TEST_PG).username || 'postgres';
    expect(json<any[]>(run(['log', id, '--json']))[0]).toMatchObject({ actor: 'oncall', recordedBy: user, recordedByVerified: true });
    expect(cli(['log', id, '--db', db], { env: { COLUMNS: '200' } }).stdout).toContain(`recorded by ${user}, verified by the server`);
    expect(run(['list']).stdout).toContain(id);
  });

  it('the report names who recorded each event, and the store without its password', () => {
    const id = openIncident();
    const withPassword = new URL(db);
    withPassword.password = 'pw-not-to-be-seen'; // the test server trusts, so any password logs in
    const out = join(tempDir(), 'report.md');
    const r = cli(['report', id, '--out', out, '--db', withPassword.toString()]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('pw-not-to-be-seen');
    expect(text).toContain(':***@');
    expect(text).toContain(`recorded by ${new URL(TEST_PG).username || 'postgres'}, verified by the server`);
  });

  describe('tampering by the owner with psql is found by verify (exit 3)', () => {
    it('an edited payload', () => {
      const id = withNotes(3);
      asOwner(`UPDATE events SET payload = replace(payload, 'n1', 'nothing happened') WHERE incident_id = '${id}' AND payload LIKE '%"n1"%'`);
      const { code, report } = verifyJson(id);
      expect(code).toBe(3);
      expect(report).toMatchObject({ ok: false, problem: 'hash' });
    });

    it('a deleted event in the middle', () => {
      const id = withNotes(3);
      const middle = Number(psql(`SELECT seq FROM events WHERE incident_id = '${id}' AND payload LIKE '%"n1"%'`));
      asOwner(`DELETE FROM events WHERE incident_id = '${id}' AND seq = ${middle}`);
      expect(verifyJson(id)).toMatchObject({ code: 3, report: { ok: false, firstBadSeq: middle, problem: 'missing' } });
    });

    it('two events swapped', () => {
      const id = withNotes(3);
      const a = Number(psql(`SELECT seq FROM events WHERE incident_id = '${id}' AND payload LIKE '%"n0"%'`));
      asOwner(
        `UPDATE events SET seq = 100000 WHERE incident_id = '${id}' AND seq = ${a};` +
          `UPDATE events SET seq = ${a} WHERE incident_id = '${id}' AND seq = ${a + 1};` +
          `UPDATE events SET seq = ${a + 1} WHERE incident_id = '${id}' AND seq = 100000`,
      );
      expect(verifyJson(id)).toMatchObject({ code: 3, report: { ok: false, firstBadSeq: a } });
    });

    it('an event re-timed', () => {
      const id = withNotes(2);
      asOwner(`UPDATE events SET at = '2020-01-01T00:00:00.000Z' WHERE incident_id = '${id}' AND payload LIKE '%"n0"%'`);
      expect(verifyJson(id)).toMatchObject({ code: 3, report: { ok: false, problem: 'hash' } });
    });

    it('with the HMAC key set, a forged event with a recomputed plain SHA-256', () => {
      const env = { SEC_INCIDENT_AUDIT_KEY: KEY };
      // a keyed store of its own: the key is part of a store's identity (issue 17)
      const unkeyed = [schema, db] as const;
      schema = pgs.schema();
      db = pgUrl({ schema });
      expect(run(['db', 'init'], env).code).toBe(0);
      try {
        forgedUnderKey(env);
      } finally {
        [schema, db] = unkeyed;
      }
    });

    function forgedUnderKey(env: Record<string, string>): void {
      const id = withNotes(1, env);
      expect(verifyJson(id, env).code).toBe(0);
      const [seq, hash, at] = psql(`SELECT seq, hash, at FROM events WHERE incident_id = '${id}' ORDER BY seq DESC LIMIT 1`).trim().split('|');
      const row = {
        incident_id: id,
        seq: Number(seq) + 1,
        at: at!,
        recorded_at: at!,
        type: 'step.completed',
        actor: 'mallory',
        recorded_by: 'postgres',
        payload: canonicalJson({ step: 'reportability', note: 'reported on time (forged)' }),
      };
      const forged = chainHash(hash!, canonicalEvent(row), undefined);
      asOwner(
        `INSERT INTO events (incident_id, seq, at, recorded_at, type, actor, recorded_by, payload, prev_hash, hash) VALUES ` +
          `('${id}', ${row.seq}, '${row.at}', '${row.recorded_at}', '${row.type}', '${row.actor}', session_user, '${row.payload}', '${hash}', '${forged}')`,
      );
      expect(verifyJson(id, env)).toMatchObject({ code: 3, report: { ok: false, firstBadSeq: row.seq, problem: 'hash' } });
      const all = run(['verify', '--json'], env);
      expect(all.code).toBe(3);
    }
  });
});

describe('a server that cannot be used, through the CLI', () => {
  it('a refused password: exit 1, the URL shown without the password', async () => {
    const { port } = await refusingServer();
    const r = await cliAsync(['list', '--db', `postgres://alice:hunter2@127.0.0.1:${port}/db`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the server refused the login');
    expect(r.stderr + r.stdout).not.toContain('hunter2');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('a password from PGPASSWORD is used and never shown either', async () => {
    const { port } = await refusingServer();
    const r = await cliAsync(['status', 'INC-20261128-001', '--db', `postgres://alice@127.0.0.1:${port}/db`], { PGPASSWORD: 'hunter3' });
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).not.toContain('hunter3');
  });

  it('a server that never answers: exit 1 once the connect timeout (SEC_INCIDENT_DB_TIMEOUT) is up', async () => {
    const { port } = await silentServer();
    const r = await cliAsync(['list', '--db', `postgres://alice:hunter2@127.0.0.1:${port}/db`], { SEC_INCIDENT_DB_TIMEOUT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the database postgres:\/\/alice:\*\*\*@127\.0\.0\.1:\d+\/db \(waited up to 1 s\)/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('an unreachable host: exit 1', async () => {
    const r = await cliAsync(['verify', '--db', 'postgres://postgres:pw@127.0.0.1:1/test']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the database postgres://postgres:***@127.0.0.1:1/test');
  });

  it('an unparseable URL: exit 2, without the password', () => {
    const r = cli(['list', '--db', 'postgres://alice:hunter2@127.0.0.1:nope/db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the database URL');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('a store nobody initialised: exit 1, naming db init', () => {
    const r = cli(['list', '--db', pgUrl({ schema: pgs.schema() })]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('sec-incident db init');
  });
});

// the owner's own connection is used for the checks above; make sure the server is the one meant
it('the test server answers', async () => {
  expect((await ownerQuery('SELECT 1 AS one')).rows[0].one).toBe(1);
});

describe('db copy between stores', () => {
  const dir = tempDir();
  const sqliteA = join(dir, 'a.db');
  const sqliteC = join(dir, 'c.db');
  const copyDb = pgUrl({ schema: pgs.schema() });
  const onFile = (file: string, args: string[]) => cli([...args, '--db', file, ...(['log', 'verify', 'list'].includes(args[0]!) ? [] : ['--actor', 'oncall'])]);
  const rowsOf = (store: string, id: string) => json<{ seq: number; type: string; hash: string; prevHash: string; payload: unknown }[]>(cli(['log', id, '--json', '--db', store]));

  it('SQLite → PostgreSQL → SQLite: the chain arrives as it was each time, closed by a db.imported event', () => {
    expect(cli(['db', 'init', '--db', copyDb]).code).toBe(0);
    const id = json(onFile(sqliteA, ['open', '--type', 'trading-outage', '--title', 'to copy', '--impact', 'partial', '--var', 'systems=APP', '--json'])).id as string;
    expect(onFile(sqliteA, ['step', id, 'confirm-grading', 'note', '--note', 'before the copy']).code).toBe(0);
    const original = rowsOf(sqliteA, id);

    const there = cli(['db', 'copy', '--from', sqliteA, '--to', copyDb, '--actor', 'copier']);
    expect(there.code).toBe(0);
    expect(there.stdout).toContain(`${id}: ${original.length} events copied`);
    const onPg = rowsOf(copyDb, id);
    expect(onPg.slice(0, original.length)).toEqual(original);
    expect(onPg[original.length]).toMatchObject({ type: 'db.imported', actor: 'copier', prevHash: original.at(-1)!.hash, recordedByVerified: true });
    expect(onPg[original.length]!.payload).toMatchObject({ head: original.at(-1)!.hash, events: original.length });
    // the copied events' recorded_by is the SQLite OS user's claim, not the server's word
    expect(json<any[]>(cli(['log', id, '--json', '--db', copyDb]))[0].recordedByVerified).toBe(false);
    expect(cli(['verify', id, '--db', copyDb]).code).toBe(0);

    const back = cli(['db', 'copy', id, '--from', copyDb, '--to', sqliteC]);
    expect(back.code).toBe(0);
    const onC = rowsOf(sqliteC, id);
    expect(onC.slice(0, onPg.length)).toEqual(onPg.map((e) => ({ ...e, recordedByVerified: false })));
    expect(onC[original.length - 1]!.hash).toBe(original.at(-1)!.hash); // the original head, unchanged after two copies
    expect(onC[onPg.length]).toMatchObject({ type: 'db.imported', prevHash: onPg.at(-1)!.hash });
    expect(cli(['verify', id, '--db', sqliteC]).code).toBe(0);

    // again: identical, skipped, nothing appended
    const again = cli(['db', 'copy', '--from', sqliteA, '--to', copyDb]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('identical: skipped');
    expect(rowsOf(copyDb, id)).toHaveLength(onPg.length);
  });

  it('an id the target holds with other content is refused: ids are inside the hash', () => {
    const other = join(dir, 'other.db');
    const id = json(onFile(other, ['open', '--type', 'trading-outage', '--title', 'someone else', '--impact', 'partial', '--var', 'systems=APP', '--json'])).id as string;
    const sameId = json(onFile(sqliteA, ['list', '--json'])).map((x: { id: string }) => x.id);
    expect(sameId).toContain(id); // both files numbered their first incident of the day alike
    const r = cli(['db', 'copy', id, '--from', other, '--to', copyDb]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot be renamed');
  });

  it('a broken chain is not copied (exit 3)', () => {
    const broken = join(dir, 'broken.db');
    const id = json(onFile(broken, ['open', '--type', 'trading-outage', '--title', 'tampered', '--impact', 'partial', '--var', 'systems=APP', '--json'])).id as string;
    const raw = new Database(broken);
    raw.exec("DROP TRIGGER events_no_update; UPDATE events SET actor = 'mallory' WHERE seq = 1");
    raw.close();
    const r = cli(['db', 'copy', id, '--from', broken, '--to', join(dir, 'fresh.db')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('broken at event 1');
  });
});

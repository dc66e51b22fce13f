// Issue 17, findings 3 and 4: verify checks everything the tool shows — the listing against the
// events, the guard triggers — and heads anchored outside the database catch truncation and rollback.
import { appendFileSync, copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, json, tempDir } from '../helpers.js';
import { ownerQuery, pgSchemas, pgUrl } from '../support/pg.js';

let dir: string;
let db: string;
const run = (args: string[], env: Record<string, string> = {}) => cli([...args, '--db', db], { env });
const sql = (statements: string) => {
  const d = new Database(db);
  d.exec(statements);
  d.close();
};

function open(title = 'Listed'): string {
  return json(run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--title', title, '--impact', 'partial', '--json'])).id as string;
}

beforeEach(() => {
  dir = tempDir();
  db = join(dir, 'audit.db');
});

describe('verify checks the listing and the guards (finding 3)', () => {
  it('a forged tier and title in the listing: verify names the fields, exit 3; the next writer rebuilds the row and says so', () => {
    const id = open();
    expect(run(['verify']).code).toBe(0);
    sql(`UPDATE incidents SET tier = 'severe', title = 'nothing happened' WHERE id = '${id}'`);
    const r = run(['verify', '--json']);
    expect(r.code).toBe(3);
    expect(json(r).incidents[0]).toMatchObject({ id, ok: false, listing: ['title', 'tier'] });
    expect(run(['verify']).stdout).toMatch(/listing disagrees with the events \(title, tier\)/);
    const w = run(['step', id, 'confirm-grading', 'note', '--note', 'x']);
    expect(w.code).toBe(0);
    expect(w.stderr).toMatch(new RegExp(`listing of ${id} disagreed with its events \\(title, tier\\)`));
    expect(json(run(['list', '--json']))[0]).toMatchObject({ id, title: 'Listed', tier: 'mild' });
    expect(run(['verify']).code).toBe(0);
  });

  it('a deleted listing row is named; the incident is listed again after the next write', () => {
    const id = open();
    sql(`DELETE FROM incidents WHERE id = '${id}'`);
    expect(json(run(['list', '--json']))).toEqual([]);
    const r = run(['verify', '--json']);
    expect(r.code).toBe(3);
    expect(json(r).incidents[0]).toMatchObject({ id, listing: ['listed'] });
    expect(run(['step', id, 'confirm-grading', 'note', '--note', 'x']).code).toBe(0);
    expect(json(run(['list', '--json'])).map((x: { id: string }) => x.id)).toEqual([id]);
  });

  it('dropped append-only triggers are reported by verify and put back by the next writer', () => {
    const id = open();
    sql('DROP TRIGGER events_no_update; DROP TRIGGER events_no_replace');
    const r = run(['verify', '--json']);
    expect(r.code).toBe(3);
    expect(json(r).guards.missing).toEqual(['events_no_update', 'events_no_replace']);
    const w = run(['step', id, 'confirm-grading', 'note', '--note', 'x']);
    expect(w.stderr).toMatch(/guards events_no_update, events_no_replace were missing/);
    expect(() => sql(`UPDATE events SET actor = 'x'`)).toThrow(/append-only/);
    expect(run(['verify']).code).toBe(0);
  });
});

describe('anchors outside the database (finding 4)', () => {
  it('anchor appends the heads as JSON lines (mode 0600); verify --anchors passes on the same chains', () => {
    const a = open('one');
    const b = open('two');
    const anchors = join(dir, 'anchors.jsonl');
    expect(run(['anchor', '--out', anchors]).code).toBe(0);
    expect(statSync(anchors).mode & 0o777).toBe(0o600);
    const lines = readFileSync(anchors, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.incident).sort()).toEqual([a, b].sort());
    expect(lines[0]).toEqual({ incident: expect.any(String), seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), time: expect.any(String) });
    run(['step', a, 'confirm-grading', 'note', '--note', 'later']);
    expect(run(['verify', '--anchors', anchors]).code).toBe(0);
  });

  it('a rollback to an older copy of the database is caught: the anchored head is gone (exit 3)', () => {
    const id = open();
    const older = join(dir, 'older.db');
    copyFileSync(db, older);
    run(['step', id, 'confirm-grading', 'note', '--note', 'after the copy']);
    const anchors = join(dir, 'anchors.jsonl');
    run(['anchor', '--out', anchors]);
    // the older copy verifies on its own: chain and listing agree
    db = older;
    expect(run(['verify']).code).toBe(0);
    const r = run(['verify', '--anchors', anchors, '--json']);
    expect(r.code).toBe(3);
    expect(json(r).incidents[0]).toMatchObject({ id, ok: false, anchors: [{ seq: expect.any(Number) }] });
    expect(run(['verify', '--anchors', anchors]).stdout).toMatch(/no longer in the chain: truncated or rolled back/);
  });

  it('a tail cut off with the listing edited to match is caught by the anchor alone', () => {
    const id = open();
    run(['step', id, 'confirm-grading', 'note', '--note', 'x']);
    const anchors = join(dir, 'anchors.jsonl');
    run(['anchor', '--out', anchors]);
    const head = (new Database(db).prepare('SELECT max(seq) AS n FROM events').get() as { n: number }).n;
    sql(`DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = ${head}; UPDATE incidents SET events = ${head - 1};`);
    sql("CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END");
    expect(run(['verify']).code).toBe(0);
    expect(run(['verify', '--anchors', anchors]).code).toBe(3);
  });

  it('an anchors file that is not one is refused with file:line, exit 2', () => {
    open();
    const anchors = join(dir, 'anchors.jsonl');
    run(['anchor', '--out', anchors]);
    const bad = join(dir, 'bad.jsonl');
    copyFileSync(anchors, bad);
    appendFileSync(bad, '{"incident": "x"}\n');
    const r = run(['verify', '--anchors', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:\d+:1: not an anchor line/);
  });
});

describe('PostgreSQL: the listing and guards belong to the owner (finding 3)', () => {
  const pgs = pgSchemas('hostile_listing');

  it('a forged listing row and a disabled guard are named by verify; db init --repair puts both right', async () => {
    const schema = pgs.schema();
    db = pgUrl({ schema });
    expect(run(['db', 'init']).code).toBe(0);
    const id = open();
    await ownerQuery(`UPDATE "${schema}".incidents SET tier = 'severe' WHERE id = $1`, [id]);
    await ownerQuery(`ALTER TABLE "${schema}".events DISABLE TRIGGER events_no_change`);
    const r = run(['verify', '--json']);
    expect(r.code).toBe(3);
    expect(json(r)).toMatchObject({ ok: false, guards: { missing: ['events_no_change'] }, incidents: [{ id, listing: ['tier'] }] });
    expect(run(['db', 'init', '--repair']).code).toBe(0);
    expect(run(['verify']).code).toBe(0);
  });
});

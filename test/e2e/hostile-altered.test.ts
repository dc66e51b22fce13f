// Issue 17, finding 2: every reader survives an altered log — report included — and says what it
// could not read. Each event type's payload is replaced by the JSON an editor might leave.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, hasStackTrace, json, tempDir } from '../helpers.js';

let dir: string;
let pristine: string;
let id: string;
let types: { seq: number; type: string; payload: string }[];

beforeAll(() => {
  dir = tempDir();
  pristine = join(dir, 'pristine.db');
  const run = (args: string[]) => cli([...args, '--db', pristine]);
  id = json(run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--title', 'Altered', '--impact', 'partial', '--json'])).id;
  expect(run(['step', id, 'confirm-grading', 'done', '--note', 'ok']).code).toBe(0);
  expect(run(['step', id, 'confirm-grading', 'note', '--note', 'a note']).code).toBe(0);
  expect(run(['regrade', id, '--impact', 'material']).code).toBe(0);
  expect(run(['recover', id]).code).toBe(0);
  expect(run(['close', id, '--summary', 'done', '--force', '--reason', 'test']).code).toBeLessThanOrEqual(2);
  const rows = new Database(pristine, { readonly: true }).prepare('SELECT seq, type, payload FROM events WHERE incident_id = ? ORDER BY seq').all(id) as typeof types;
  // one event of each type
  types = rows.filter((r, i) => rows.findIndex((x) => x.type === r.type) === i);
});

/** Every string field of a payload turned into a number, every array into an object. */
function retyped(payload: string): string {
  const value = JSON.parse(payload);
  if (typeof value !== 'object' || value === null) return '5';
  for (const k of Object.keys(value)) {
    if (typeof value[k] === 'string') value[k] = 7;
    else if (Array.isArray(value[k])) value[k] = { x: 1 };
    else if (typeof value[k] === 'object' && value[k] !== null) value[k] = 'x';
  }
  return JSON.stringify(value);
}

const MUTATIONS: [string, (payload: string) => string][] = [
  ['null', () => 'null'],
  ['an array', () => '[]'],
  ['an empty object', () => '{}'],
  ['not JSON', () => '{"team": '],
  ['fields of other types', retyped],
];

describe('readers of an altered log (finding 2)', () => {
  it('the incident has the event types the matrix alters', () => {
    expect(types.map((t) => t.type)).toEqual(expect.arrayContaining(['incident.opened', 'incident.graded', 'team.activated', 'step.completed', 'note.added', 'incident.recovered']));
  });

  it.each(MUTATIONS)('a payload replaced by %s: report, status and log say what they could not read; no crash', (_name, mutate) => {
    for (const { seq, type, payload } of types) {
      if (mutate(payload) === payload) continue;
      const db = join(dir, `altered-${seq}.db`);
      copyFileSync(pristine, db);
      const raw = new Database(db);
      raw.exec('DROP TRIGGER events_no_update');
      raw.prepare('UPDATE events SET payload = ? WHERE incident_id = ? AND seq = ?').run(mutate(payload), id, seq);
      raw.close();
      for (const command of ['report', 'status', 'log']) {
        const r = cli([command, id, '--db', db]);
        const where = `${command} with event ${seq} (${type}) altered: ${r.stderr}`;
        expect(r.stderr, where).not.toMatch(/internal error/);
        expect(hasStackTrace(r.stderr), where).toBe(false);
        expect([0, 1], where).toContain(r.code);
        // a reader that could not read it all says so, naming the event
        if (r.code === 1) expect(r.stderr, where).toMatch(new RegExp(`event ${seq}\\b|cannot be read`));
      }
      const report = cli(['report', id, '--db', db]);
      if (report.code === 0 && seq > 1) expect(report.stderr, `report, event ${seq}`).toMatch(/failed verification|could not be read/);
    }
  }, 120_000); // some forty CLI runs: 15 s alone, over a minute beside the suite's PostgreSQL writers
});

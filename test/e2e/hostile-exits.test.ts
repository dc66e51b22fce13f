// Issue 17, finding 10: honest exits — preconditions checked before the first write, a folder of
// drills says what it recorded when it stops, and a busy database is "could not be done" (exit 1).
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, hasStackTrace, json, ROOT, tempDir } from '../helpers.js';

let dir: string;
let db: string;
const run = (args: string[]) => cli([...args, '--db', db]);

beforeEach(() => {
  dir = tempDir();
  db = join(dir, 'audit.db');
});

describe('honest exits (finding 10)', () => {
  it('drill --report-dir naming a file is refused before the drill is recorded', () => {
    const drills = join(dir, 'drills');
    cpSync(join(ROOT, 'drills', 'rumor-hacked-claim.yaml'), join(drills, 'a.yaml'), { recursive: true });
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = cli(['drill', drills, '--report-dir', file, '--db', db], { env: { SEC_INCIDENT_PLAYBOOKS: join(ROOT, 'playbooks'), SEC_INCIDENT_TEMPLATES: join(ROOT, 'templates') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is a file, not a folder: nothing was recorded/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(json(run(['list', '--drills', '--json']))).toEqual([]);
  });

  it('a database held locked by another process: exit 1 (could not be done), nothing recorded', () => {
    const id = json(run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--json'])).id as string;
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const r = run(['step', id, 'confirm-grading', 'note', '--note', 'x']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/busy/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(json(run(['status', id, '--json'])).steps.length).toBeGreaterThan(0);
  });
});

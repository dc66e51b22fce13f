import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../src/engine/events.js';
import { AuditStore } from '../../src/store/store.js';
import { verifyIncident } from '../../src/store/verify.js';
import { tempDir } from '../helpers.js';
import { refusal } from '../support/engine.js';

const opened = (title: string, mode: 'real' | 'drill' = 'real'): EventDraft =>
  ({
    type: 'incident.opened',
    at: Date.parse('2026-03-16T01:30:00Z'),
    actor: 't',
    payload: { type: 'trading-outage', title, mode, timezone: 'Asia/Shanghai', playbook: { id: 'x', version: 1, sha256: '', file: '' } },
  }) as EventDraft;

describe('audit store', () => {
  const dir = tempDir();

  it('numbers ids per day and prefix, past 999', () => {
    const store = AuditStore.open(join(dir, 'ids.db'));
    const ids = store.transact(() =>
      Array.from({ length: 1001 }, (_, i) => {
        const id = store.nextId('INC', '2026-03-16');
        store.append(id, [opened(`n${i}`)]);
        return id;
      }),
    );
    expect(ids[0]).toBe('INC-20260316-001');
    expect(ids[998]).toBe('INC-20260316-999');
    expect(ids[1000]).toBe('INC-20260316-1001');
    expect(store.transact(() => store.nextId('DRL', '2026-03-16'))).toBe('DRL-20260316-001');
    expect(store.transact(() => store.nextId('INC', '2026-03-17'))).toBe('INC-20260317-001');
    store.close();
  });

  it('the listing projection can be rebuilt from the events alone', () => {
    const store = AuditStore.open(join(dir, 'projection.db'));
    store.transact(() => {
      store.append('INC-20260316-001', [opened('real one')]);
      store.append('DRL-20260316-001', [opened('drill one', 'drill')]);
      store.append('INC-20260316-001', [{ type: 'incident.recovered', at: Date.parse('2026-03-16T02:00:00Z'), actor: 't', payload: {} }]);
    });
    const before = store.list('all');
    store.db.exec("UPDATE incidents SET state = 'closed', title = 'wrong'");
    store.rebuildProjection();
    expect(store.list('all')).toEqual(before);
    expect(before.map((r) => [r.id, r.mode, r.state, r.events])).toEqual([
      ['INC-20260316-001', 'real', 'recovered', 2],
      ['DRL-20260316-001', 'drill', 'open', 1],
    ]);
    expect(store.list('real').map((r) => r.id)).toEqual(['INC-20260316-001']);
    expect(before[0]!.openedAt).toBe('2026-03-16T09:30:00+08:00');
    store.close();
  });

  it('a truncated tail is caught against the projection', () => {
    const file = join(dir, 'tail.db');
    const store = AuditStore.open(file);
    store.transact(() => store.append('INC-20260316-001', [opened('a'), { type: 'note.added', at: Date.now(), actor: 't', payload: { text: 'x' } }]));
    store.close();
    const raw = new Database(file);
    raw.exec('DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 2');
    raw.close();
    const again = AuditStore.open(file);
    expect(verifyIncident(again, 'INC-20260316-001', undefined)).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'truncated' });
    again.close();
  });

  it('migrates an empty file and refuses a foreign SQLite database', () => {
    const foreign = join(dir, 'foreign.db');
    const raw = new Database(foreign);
    raw.exec('CREATE TABLE customers (id INTEGER)');
    raw.close();
    expect(refusal(() => AuditStore.open(foreign))).toMatch(/not a sec-incident one/);
    // a table named events is not enough: ours always carry a schema version
    const lookalike = join(dir, 'lookalike.db');
    const other = new Database(lookalike);
    other.exec('CREATE TABLE events (x INTEGER)');
    other.close();
    expect(refusal(() => AuditStore.open(lookalike, { readonly: true }))).toMatch(/not a sec-incident one/);
    expect(refusal(() => AuditStore.open(lookalike))).toMatch(/not a sec-incident one/);
    const fresh = AuditStore.open(join(dir, 'fresh.db'));
    expect(fresh.db.pragma('user_version', { simple: true })).toBe(4);
    fresh.close();
  });
});

describe('listJson', () => {
  it('is the same list as list(), as a JSON document', () => {
    const store = AuditStore.open(join(tempDir(), 'json.db'));
    expect(JSON.parse(store.listJson('all'))).toEqual([]);
    store.transact(() => {
      store.append('INC-20260316-001', [opened('a "quoted" title, with 中文')]);
      store.append('DRL-20260316-001', [opened('drill', 'drill')]);
    });
    for (const filter of ['real', 'drill', 'all'] as const) expect(JSON.parse(store.listJson(filter))).toEqual(store.list(filter));
    store.close();
  });

  it('follows every change of the projection, not only the opening', () => {
    const store = AuditStore.open(join(tempDir(), 'changes.db'));
    store.transact(() => {
      store.append('INC-20260316-001', [opened('a')]);
      store.append('INC-20260316-001', [{ type: 'incident.graded', at: Date.parse('2026-03-16T01:31:00Z'), actor: 't', payload: { tier: 'severe', result: { direction: 'B' } } } as EventDraft]);
      store.append('INC-20260316-001', [{ type: 'incident.recovered', at: Date.parse('2026-03-16T03:00:00Z'), actor: 't', payload: {} }]);
    });
    expect(JSON.parse(store.listJson('all'))).toEqual([
      expect.objectContaining({ tier: 'severe', direction: 'B', state: 'recovered', events: 3, updatedAt: '2026-03-16T11:00:00+08:00' }),
    ]);
    store.close();
  });

  it('is the same document from a file of schema 1, read-only before and after it is migrated', () => {
    const file = join(tempDir(), 'v1.db');
    const store = AuditStore.open(file);
    store.transact(() => {
      store.append('INC-20260316-001', [opened('one')]);
      store.append('INC-20260316-002', [opened('two, "quoted"')]);
    });
    const expected = store.listJson('all');
    store.close();
    const raw = new Database(file);
    raw.exec('DROP TABLE meta; ALTER TABLE events DROP COLUMN recorded_by; ALTER TABLE incidents DROP COLUMN listed; DROP TRIGGER events_no_replace; PRAGMA user_version = 1');
    raw.close();

    const reader = AuditStore.open(file, { readonly: true });
    expect(reader.listJson('all')).toBe(expected);
    expect(reader.db.pragma('user_version', { simple: true })).toBe(1);
    reader.close();

    const writer = AuditStore.open(file);
    expect(writer.db.pragma('user_version', { simple: true })).toBe(4);
    expect(writer.listJson('all')).toBe(expected);
    writer.close();
  });
});

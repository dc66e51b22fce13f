// Issue 17, finding 9: an event is never recorded before the chain's last one; a clock set back is
// said by a clock.skew event, and verify reports a chain whose times run backwards.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../src/engine/events.js';
import { canonicalEvent, canonicalJson, chainHash, GENESIS, type EventRow } from '../../src/store/hash.js';
import { AuditStore } from '../../src/store/store.js';
import { verifyIncident, verifyRows } from '../../src/store/verify.js';
import { tempDir } from '../helpers.js';

const T2026 = Date.parse('2026-03-16T01:30:00Z');
const T2016 = Date.parse('2016-03-16T01:30:00Z');
const opened: EventDraft = {
  type: 'incident.opened',
  at: T2026,
  actor: 't',
  payload: { type: 'trading-outage', title: 'x', mode: 'real', timezone: 'Asia/Shanghai', playbook: { id: 'x', version: 1, sha256: '', file: '' } },
} as EventDraft;
const note = (at: number, text: string): EventDraft => ({ type: 'note.added', at, actor: 't', payload: { text } });

describe('monotonic time (finding 9)', () => {
  const dir = tempDir();

  it('a clock set back ten years: the event is dated at the last one, after a clock.skew event; the chain verifies', () => {
    const store = AuditStore.open(join(dir, 'skew.db'));
    store.transact(() => store.append('INC-1', [opened]));
    const stored = store.transact(() => store.append('INC-1', [note(T2016, 'typed under a wrong clock')]));
    expect(stored.map((e) => e.type)).toEqual(['clock.skew', 'note.added']);
    expect(stored.map((e) => e.at)).toEqual([T2026, T2026]);
    expect(stored[0]!.payload).toEqual({ clock: new Date(T2016).toISOString(), last: new Date(T2026).toISOString() });
    expect(verifyIncident(store, 'INC-1', undefined)).toMatchObject({ ok: true, events: 3 });
    store.close();
  });

  it("a drill's virtual clock is held to the order without a skew event", () => {
    const store = AuditStore.open(join(dir, 'drill.db'));
    store.transact(() => store.append('DRL-1', [opened]));
    const stored = store.transact(() => store.append('DRL-1', [note(T2016, 'x')], { virtualClock: true }));
    expect(stored.map((e) => [e.type, e.at])).toEqual([['note.added', T2026]]);
    store.close();
  });

  it('verify reports a chain whose times run backwards, even with every hash recomputed', () => {
    const rows: EventRow[] = [];
    let prev = GENESIS;
    [T2026, T2026 + 60_000, T2016].forEach((at, i) => {
      const row = { incident_id: 'INC-1', seq: i + 1, at: new Date(at).toISOString(), recorded_at: new Date(at).toISOString(), type: 'note.added', actor: 't', payload: canonicalJson({ text: String(i) }) };
      const hash = chainHash(prev, canonicalEvent(row), undefined);
      rows.push({ ...row, prev_hash: prev, hash });
      prev = hash;
    });
    expect(verifyRows('INC-1', rows, undefined)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'time' });
    expect(verifyRows('INC-1', rows.slice(0, 2), undefined)).toMatchObject({ ok: true });
    // and through a database, as `verify` reads it
    const file = join(dir, 'backwards.db');
    AuditStore.open(file).close();
    const raw = new Database(file);
    const insert = raw.prepare('INSERT INTO events (incident_id, seq, at, recorded_at, type, actor, payload, prev_hash, hash) VALUES (@incident_id, @seq, @at, @recorded_at, @type, @actor, @payload, @prev_hash, @hash)');
    for (const { recorded_by: _, ...row } of rows) insert.run(row);
    raw.close();
    const store = AuditStore.open(file, { readonly: true });
    expect(verifyIncident(store, 'INC-1', undefined)).toMatchObject({ ok: false, problem: 'time' });
    store.close();
  });
});

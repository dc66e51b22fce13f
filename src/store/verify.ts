import type { AuditStore } from './store.js';
import type { KeyVerdict } from './keycheck.js';
import type { IncidentStore } from './port.js';
import { canonicalEvent, chainHash, GENESIS, type EventRow } from './hash.js';

export type ChainProblem = 'missing' | 'sequence' | 'link' | 'hash' | 'truncated' | 'time' | KeyProblem;
/** The hashes could not be checked: the links were (keycheck.ts). Not "broken". */
export type KeyProblem = 'key-missing' | 'key-mismatch' | 'key-unexpected';

export function isKeyProblem(problem: ChainProblem | null): problem is KeyProblem {
  return problem !== null && problem.startsWith('key-');
}

export interface ChainReport {
  id: string;
  events: number;
  ok: boolean;
  firstBadSeq: number | null;
  problem: ChainProblem | null;
  head: string | null;
}

/**
 * Walks one incident's chain in order; the first event that does not check out is named. A `null`
 * key checks sequence and links only: the hashes need a key the caller does not have.
 */
export function verifyRows(id: string, rows: Iterable<EventRow>, key: string | undefined | null, expectedEvents?: number): ChainReport {
  let expected = 1;
  let prev = GENESIS;
  let count = 0;
  let lastAt = -Infinity;
  let bad: { seq: number; problem: ChainProblem } | null = null;
  for (const row of rows) {
    count++;
    if (bad) continue;
    if (row.seq !== expected) bad = { seq: Math.min(expected, row.seq), problem: row.seq > expected ? 'missing' : 'sequence' };
    else if (row.prev_hash !== prev) bad = { seq: row.seq, problem: 'link' };
    else if (key !== null && chainHash(prev, canonicalEvent(row), key) !== row.hash) bad = { seq: row.seq, problem: 'hash' };
    // a chain whose times run backwards was written under a clock set back (or re-dated and re-hashed)
    else if (Date.parse(row.at) < lastAt) bad = { seq: row.seq, problem: 'time' };
    lastAt = Math.max(lastAt, Date.parse(row.at) || lastAt);
    prev = row.hash;
    expected++;
  }
  // events the listing recorded but the log no longer has: the tail was cut off
  if (!bad && expectedEvents !== undefined && expectedEvents > count) bad = { seq: count + 1, problem: 'truncated' };
  return { id, events: count, ok: bad === null, firstBadSeq: bad?.seq ?? null, problem: bad?.problem ?? null, head: count ? prev : null };
}

/** `visit` sees every row as it is checked, so a reader (the report) needs only one pass over the log. */
export function verifyIncident(store: AuditStore, id: string, key: string | undefined | null, visit?: (row: EventRow) => void): ChainReport {
  const rows = store.db.prepare('SELECT * FROM events WHERE incident_id = ? ORDER BY seq').iterate(id) as Iterable<EventRow>;
  const recorded = store.db.prepare('SELECT events FROM incidents WHERE id = ?').get(id) as { events: number } | undefined;
  return verifyRows(id, visit ? tap(rows, visit) : rows, key, recorded?.events);
}

function* tap(rows: Iterable<EventRow>, visit: (row: EventRow) => void): Iterable<EventRow> {
  for (const row of rows) {
    visit(row);
    yield row;
  }
}

/**
 * One chain checked with the key in use, given how that key meets the store: a key missing,
 * different or unexpected checks the links alone and says so — never "broken" for a key problem.
 */
export async function checkChain(store: IncidentStore, id: string, key: string | undefined, verdict: KeyVerdict, visit?: (row: EventRow) => void): Promise<ChainReport> {
  const problem: KeyProblem | null = verdict === 'missing' ? 'key-missing' : verdict === 'mismatch' ? 'key-mismatch' : verdict === 'unexpected' ? 'key-unexpected' : null;
  if (!problem) return store.verify(id, key, visit);
  const links = await store.verify(id, null, visit);
  return links.ok ? { ...links, ok: false, problem } : links;
}

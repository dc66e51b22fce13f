// The key check value on the shared store (keycheck.ts, issue 17): kept in the meta table, which
// responders may read; recorded once by the owner's record_key_check(), never changed.
import type { EventRow } from '../hash.js';
import { inferKey, judgeKey, recordFor, refuseUnlessWritable, type KeyVerdict } from '../keycheck.js';
import { COLUMNS, type Query } from './connection.js';

export async function keyVerdictOn(q: Query, s: string, key: string | undefined): Promise<KeyVerdict> {
  const recorded = (await q(`SELECT value FROM ${s}.meta WHERE key = 'key_check'`)).rows[0]?.value as string | undefined;
  if (recorded !== undefined) return judgeKey(recorded, key);
  const first = (await q(`SELECT ${COLUMNS} FROM ${s}.events WHERE seq = 1 ORDER BY incident_id LIMIT 1`)).rows[0] as EventRow | undefined;
  return first ? inferKey(first, key).verdict : 'undecided';
}

/**
 * Before an append: the key must be the store's; a store without a record gets one. Returns
 * whether the record was found already there (committed), so the caller may stop asking: one
 * made in a transaction that is rolled back (and retried) must be read again.
 */
export async function checkKeyOn(q: Query, s: string, key: string | undefined, location: string): Promise<boolean> {
  const recorded = (await q(`SELECT value FROM ${s}.meta WHERE key = 'key_check'`)).rows[0]?.value as string | undefined;
  if (recorded !== undefined) {
    refuseUnlessWritable(judgeKey(recorded, key), location);
    return true;
  }
  refuseUnlessWritable(await keyVerdictOn(q, s, key), location);
  // another writer may have recorded first, with another key
  const now = (await q(`SELECT ${s}.record_key_check($1) AS v`, [recordFor(key)])).rows[0].v as string;
  refuseUnlessWritable(judgeKey(now, key), location);
  return false;
}

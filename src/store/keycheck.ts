// The audit key is part of a chain's identity (SPEC §6, issue 17): a keyed store records a key
// check value — an HMAC of a fixed label, never the key — so a writer with a missing or different
// key is refused before it appends, and `verify` can say "key missing" instead of "broken".
import { createHmac } from 'node:crypto';
import { InputError } from '../errors.js';
import { canonicalEvent, chainHash, GENESIS, type EventRow } from './hash.js';

const LABEL = 'sec-incident key check v1';
/** What an unkeyed store records in place of a check value. */
export const UNKEYED = 'none';

/** The key check value of a key: an HMAC of a fixed label (the key cannot be recovered from it). */
export function keyCheckValue(key: string): string {
  return createHmac('sha256', key).update(LABEL).digest('hex');
}

/**
 * How the key in use meets the store: `matches` (keyed, same key), `unkeyed` (neither has one),
 * `missing` (keyed, no key set), `mismatch` (keyed, another key), `unexpected` (a key on an unkeyed
 * store), `undecided` (nothing recorded and no event yet: the first writer decides).
 */
export type KeyVerdict = 'matches' | 'unkeyed' | 'missing' | 'mismatch' | 'unexpected' | 'undecided';

/** The verdict from what the store recorded (a check value, or UNKEYED). */
export function judgeKey(recorded: string, key: string | undefined): KeyVerdict {
  if (recorded === UNKEYED) return key ? 'unexpected' : 'unkeyed';
  if (!key) return 'missing';
  return keyCheckValue(key) === recorded ? 'matches' : 'mismatch';
}

/**
 * A store from before the check value: what its first event says. Plain SHA-256 ⇒ unkeyed; the
 * key's HMAC ⇒ keyed with this key; neither ⇒ keyed with a key we do not have (or altered).
 */
export function inferKey(first: EventRow, key: string | undefined): { verdict: KeyVerdict; record?: string } {
  const content = canonicalEvent(first);
  const prev = GENESIS;
  if (chainHash(prev, content, undefined) === first.hash) return { verdict: key ? 'unexpected' : 'unkeyed', record: UNKEYED };
  if (key && chainHash(prev, content, key) === first.hash) return { verdict: 'matches', record: keyCheckValue(key) };
  return { verdict: key ? 'mismatch' : 'missing' };
}

/** What a writer records on a store that has no record yet. */
export function recordFor(key: string | undefined): string {
  return key ? keyCheckValue(key) : UNKEYED;
}

/** A writer goes on only when its key is the store's: anything else is refused before an append (exit 2). */
export function refuseUnlessWritable(verdict: KeyVerdict, location: string): void {
  if (verdict === 'missing') throw new InputError('key.missing', { db: location });
  if (verdict === 'mismatch') throw new InputError('key.mismatch', { db: location });
  if (verdict === 'unexpected') throw new InputError('key.unexpected', { db: location });
}

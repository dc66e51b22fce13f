import { createHash, createHmac } from 'node:crypto';
import { InputError } from '../errors.js';

export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every depth and no white space. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface EventRow {
  incident_id: string;
  seq: number;
  at: string;
  recorded_at: string;
  type: string;
  actor: string;
  /** Who the store knows wrote the event (schema 3 on); null on events written before it. */
  recorded_by?: string | null;
  payload: string;
  prev_hash: string;
  hash: string;
}

/**
 * The canonical JSON of an event's fields other than the hashes. The payload column already
 * holds canonical JSON, so it is embedded as it is (docs/audit.md gives the recipe). recorded_by
 * enters the content from schema 3 on; an event without one keeps the recipe it was written with.
 * Both backends hash with this one function, so a chain copied between them verifies alike.
 */
export function canonicalEvent(row: Omit<EventRow, 'prev_hash' | 'hash'>): string {
  const recordedBy = row.recorded_by == null ? '' : `"recorded_by":${JSON.stringify(row.recorded_by)},`;
  return (
    `{"actor":${JSON.stringify(row.actor)},"at":${JSON.stringify(row.at)},"incident_id":${JSON.stringify(row.incident_id)},` +
    `"payload":${row.payload},"recorded_at":${JSON.stringify(row.recorded_at)},${recordedBy}"seq":${row.seq},"type":${JSON.stringify(row.type)}}`
  );
}

/** SHA-256 over prev_hash and the canonical event, or HMAC-SHA-256 when a key is set. */
export function chainHash(prevHash: string, canonical: string, key: string | undefined): string {
  const h = key ? createHmac('sha256', key) : createHash('sha256');
  return h.update(prevHash).update(canonical).digest('hex');
}

/**
 * The HMAC key, when one is set. Set but empty is refused: a key lost to an empty variable would
 * silently switch new chains to plain SHA-256, and keyed ones would no longer verify.
 */
export function auditKey(env: NodeJS.ProcessEnv): string | undefined {
  const key = env.SEC_INCIDENT_AUDIT_KEY;
  if (key === undefined) return undefined;
  if (key.trim() === '') throw new InputError('key.empty');
  return key;
}

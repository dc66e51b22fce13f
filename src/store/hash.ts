import { createHash, createHmac } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
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
 * The HMAC key, when one is set: SEC_INCIDENT_AUDIT_KEY, or the first line of the file
 * SEC_INCIDENT_AUDIT_KEY_FILE names. Set but empty is refused: a key lost to an empty variable
 * would silently switch new chains to plain SHA-256, and keyed ones would no longer verify.
 */
export function auditKey(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.SEC_INCIDENT_AUDIT_KEY_FILE;
  const direct = env.SEC_INCIDENT_AUDIT_KEY;
  if (file !== undefined && direct !== undefined) throw new InputError('key.both');
  const key = file !== undefined ? readKeyFile(file) : direct;
  if (key === undefined) return undefined;
  if (key.trim() === '') throw new InputError('key.empty');
  return key;
}

/** Largest key file read: a key is a line, not a document. */
const KEY_FILE_MAX = 4096;

/**
 * The key from a file the firm keeps: a regular file, readable by its owner alone (like ssh's
 * private keys), bounded in size. Its first line is the key; the file is never echoed.
 */
function readKeyFile(file: string): string {
  if (file === '') throw new InputError('key.fileEmptyName');
  let fd: number;
  try {
    // non-blocking: a FIFO named as the key file must not hang the command
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputError('key.fileUnreadable', { file, code: (error as { code?: string }).code ?? 'EIO' });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError('key.fileNotRegular', { file });
    if ((stat.mode & 0o077) !== 0) throw new InputError('key.fileMode', { file, mode: (stat.mode & 0o777).toString(8).padStart(4, '0') });
    if (stat.size > KEY_FILE_MAX) throw new InputError('key.fileTooBig', { file, max: KEY_FILE_MAX });
    const buffer = Buffer.alloc(KEY_FILE_MAX + 1);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    if (n > KEY_FILE_MAX) throw new InputError('key.fileTooBig', { file, max: KEY_FILE_MAX });
    return buffer.subarray(0, n).toString('utf8').split(/\r?\n/)[0]!;
  } finally {
    closeSync(fd);
  }
}

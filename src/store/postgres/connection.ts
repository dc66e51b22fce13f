// The connection to the shared store and how its failures are said (exit 1, the URL without its
// password); the advisory lock's keys.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { CliError, WorkError } from '../../errors.js';
import type { PgTarget } from './target.js';

export const COLUMNS = 'incident_id, seq, at, recorded_at, type, actor, recorded_by, payload, prev_hash, hash';
/** The advisory locks' first key: ours, so other applications' locks on the database do not meet them. */
export const LOCK_SPACE = 0x5ec1_0c1d | 0;
/** Attempts of one action before a conflict is given up with a clear error. */
export const MAX_ATTEMPTS = 8;
export const RETRYABLE = new Set(['40001', '40P01', '23505']);

export type Query = (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

/** The advisory lock's second key: a stable 32-bit hash of the incident id (a collision only serialises more). */
export function lockKey(incidentId: string): number {
  return createHash('sha256').update(incidentId).digest().readInt32BE(0);
}

export function sqlState(error: unknown): string {
  return (error as { code?: string }).code ?? '';
}

/** How long an action waits for another writer's lock on the same incident. */
export const LOCK_TIMEOUT_S = 30;

/** A server or connection error as the CLI says it: exit 1, the URL without its password. */
export function translatePg(error: unknown, target: PgTarget): unknown {
  if (error instanceof CliError) return error;
  const code = sqlState(error);
  const detail = (error as Error).message ?? String(error);
  // the service's own errors pass: only what came from the server or the connection is ours to say
  if (!code && !/connection|terminated|queryable|timeout/i.test(detail)) return error;
  const url = target.shown;
  if (code === '55P03') return new WorkError('db.pg.busy', { url, seconds: LOCK_TIMEOUT_S });
  if (code === '28P01' || code === '28000' || /password|SASL|SCRAM/i.test(detail)) return new WorkError('db.pg.auth', { url });
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code) || /timeout/i.test(detail)) {
    return new WorkError('db.pg.unreachable', { url, seconds: target.timeoutMs / 1000, detail });
  }
  if (code === '3D000') return new WorkError('db.pg.noDatabase', { url });
  if (code === '42P01' || code === '3F000') return new WorkError('db.pg.notInit', { url, schema: target.schema });
  if (code === '42501') return new WorkError('db.pg.denied', { url, detail });
  if (code.startsWith('08') || code === '57P01' || code === 'ECONNRESET' || /terminated|not queryable|Connection/i.test(detail)) {
    return new WorkError('db.pg.lost', { url });
  }
  return new WorkError('db.pg.failed', { url, detail });
}

export async function connect(target: PgTarget, onLost: () => void = () => undefined): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: target.timeoutMs, application_name: 'sec-incident' });
  // a connection lost between queries is reported by the next query, not as an unhandled event
  client.on('error', onLost);
  client.on('end', onLost);
  try {
    await client.connect();
    // an incident locked by a writer that stopped mid-action is said, not waited for forever
    await client.query(`SET lock_timeout = '${LOCK_TIMEOUT_S}s'`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translatePg(error, target);
  }
  return client;
}

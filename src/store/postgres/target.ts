// Which PostgreSQL a `--db postgres://…` names, read without connecting: the URL handed to `pg`,
// the URL fit to print (never a password), the schema holding the store, the connect timeout.
import { InputError } from '../../errors.js';

export interface PgTarget {
  /** For `pg`, without the parameters that are ours (schema, connect_timeout). */
  url: string;
  /** The URL with its password masked: the only form that is ever printed. */
  shown: string;
  schema: string;
  timeoutMs: number;
}

export const DEFAULT_SCHEMA = 'sec_incident';
export const DEFAULT_TIMEOUT_S = 5;

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The URL with any password replaced by ***, parseable or not. */
export function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
  }
}

function seconds(value: string, shown: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0)) throw new InputError('db.pg.badTimeout', { value, url: shown });
  return Math.round(n * 1000);
}

/**
 * `?schema=name` picks the schema (default sec_incident; one database can hold several stores,
 * as the tests do); the connect timeout is `?connect_timeout=s` (libpq's name), else
 * SEC_INCIDENT_DB_TIMEOUT, else 5 s. A password may also come from PGPASSWORD or ~/.pgpass (pg
 * reads both when the URL has none).
 */
export function parsePgTarget(value: string, env: NodeJS.ProcessEnv): PgTarget {
  const shown = maskUrl(value);
  let url: URL;
  try {
    url = new URL(value);
    if (!isPostgresUrl(value)) throw new Error('not postgres://');
    if (url.port && !/^\d+$/.test(url.port)) throw new Error('port');
    decodeURIComponent(url.password);
    decodeURIComponent(url.username);
  } catch {
    throw new InputError('db.pg.badUrl', { url: shown });
  }
  const schema = url.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new InputError('db.pg.badSchema', { value: schema, url: shown });
  const rawTimeout = url.searchParams.get('connect_timeout') ?? env.SEC_INCIDENT_DB_TIMEOUT;
  const timeoutMs = rawTimeout === undefined || rawTimeout === '' ? DEFAULT_TIMEOUT_S * 1000 : seconds(rawTimeout, shown);
  url.searchParams.delete('schema');
  url.searchParams.delete('connect_timeout');
  return { url: url.toString(), shown, schema, timeoutMs };
}

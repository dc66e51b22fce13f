// Which backend a `--db` value selects (SPEC §6): postgres:// or postgresql:// is a shared
// PostgreSQL store, anything else an SQLite file. The pg client loads only when it is needed.
import type { Message } from '../errors.js';
import type { IncidentStore } from './port.js';
import { isPostgresUrl, parsePgTarget } from './postgres/target.js';
import { SqliteStore } from './sqlite.js';

export interface StoreOptions {
  readonly?: boolean;
  /** SEC_INCIDENT_AUDIT_KEY, when set. */
  key?: string;
  /** recorded_by on SQLite (the OS user); PostgreSQL takes the session's user and nothing else. */
  recordedBy?: string;
  env: NodeJS.ProcessEnv;
  /** Where a writer says what it put right (SQLite: a guard recreated, a listing row rebuilt). */
  warn?: (said: Message) => void;
}

export { isPostgresUrl };

export async function openIncidentStore(db: string, options: StoreOptions): Promise<IncidentStore> {
  if (isPostgresUrl(db)) {
    const target = parsePgTarget(db, options.env);
    const { PgStore } = await import('./postgres/store.js');
    return PgStore.open(target, { key: options.key });
  }
  return SqliteStore.open(db, { readonly: options.readonly, key: options.key, recordedBy: options.recordedBy, warn: options.warn });
}

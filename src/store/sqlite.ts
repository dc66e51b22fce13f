// The SQLite adapter of the store port: the embedded AuditStore (one file, one machine) behind
// the async contract. better-sqlite3 is synchronous; a transaction spanning awaits is an explicit
// BEGIN IMMEDIATE … COMMIT on the one connection, and callers queue for it — all the connections
// of this process to one file in one queue: better-sqlite3 waits for a lock by blocking the thread,
// so a second connection waiting here would stop the first from ever committing.
import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import type { EventDraft, IncidentEvent } from '../engine/events.js';
import { WorkError } from '../errors.js';
import type { EventRow } from './hash.js';
import { WATCH_POLL_MS, type IncidentStore, type ListFilter, type StoreTransaction } from './port.js';
import { AuditStore, translate, type OpenOptions } from './store.js';
import { verifyIncident } from './verify.js';

export class SqliteStore implements IncidentStore {
  readonly backend = 'sqlite';
  readonly recorderVerified = false;
  private readonly current = new AsyncLocalStorage<StoreTransaction>();
  /** The transactions of this process, by file. */
  private static readonly queues = new Map<string, Promise<unknown>>();

  constructor(readonly audit: AuditStore) {}

  static open(file: string, options: OpenOptions = {}): SqliteStore {
    return new SqliteStore(AuditStore.open(file, options));
  }

  get location(): string {
    return this.audit.file;
  }

  async transact<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const joined = this.current.getStore();
    if (joined) return fn(joined);
    const key = resolve(this.audit.file);
    const run = (SqliteStore.queues.get(key) ?? Promise.resolve()).then(() => this.runTransaction(fn));
    const settled = run.catch(() => undefined);
    SqliteStore.queues.set(key, settled);
    // the map keeps no finished queue alive
    void settled.then(() => SqliteStore.queues.get(key) === settled && SqliteStore.queues.delete(key));
    return run;
  }

  private async runTransaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const tx = this.transaction();
    this.audit.exec('BEGIN IMMEDIATE'); // the write lock before anything is read
    try {
      const result = await this.current.run(tx, () => fn(tx));
      this.audit.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.audit.db.inTransaction) this.audit.db.exec('ROLLBACK');
      if (((error as { code?: string }).code ?? '').startsWith('SQLITE_')) translate(this.audit.file, error);
      throw error;
    }
  }

  private transaction(): StoreTransaction {
    const audit = this.audit;
    return {
      headSeq: (id) => this.headSeq(id),
      events: (id) => this.events(id),
      eventsAfter: (id, seq) => this.eventsAfter(id, seq),
      rows: (id) => this.rows(id),
      hasIncident: (id) => this.hasIncident(id),
      isListed: (id) => this.isListed(id),
      nextId: async (prefix, date) => audit.nextId(prefix, date),
      append: async (id, drafts, options) => audit.append(id, drafts, options),
      importIncident: async (rows: readonly EventRow[], marker: EventDraft): Promise<IncidentEvent> => {
        // as PostgreSQL's import_events(): a whole incident, numbered from 1, that this store lacks
        const id = rows[0]?.incident_id ?? '';
        if (audit.headSeq(id) > 0 || audit.isListed(id)) throw new WorkError('db.copy.differs', { id, db: audit.file });
        if (rows.some((r, i) => r.incident_id !== id || r.seq !== i + 1)) throw new WorkError('db.copy.broken', { id, seq: 1, db: audit.file });
        audit.importRows(rows);
        return audit.append(id, [marker])[0]!;
      },
    };
  }

  async headSeq(id: string): Promise<number> {
    return this.audit.headSeq(id);
  }

  async events(id: string): Promise<IncidentEvent[]> {
    return this.audit.events(id);
  }

  async eventsAfter(id: string, seq: number): Promise<IncidentEvent[]> {
    return this.audit.eventsAfter(id, seq);
  }

  async rows(id: string): Promise<EventRow[]> {
    return this.audit.rows(id);
  }

  async hasIncident(id: string): Promise<boolean> {
    return this.audit.hasIncident(id);
  }

  async isListed(id: string): Promise<boolean> {
    return this.audit.isListed(id);
  }

  async incidentIds(): Promise<string[]> {
    return this.audit.incidentIds();
  }

  async list(filter: ListFilter) {
    return this.audit.list(filter);
  }

  async listJson(filter: ListFilter): Promise<string> {
    return this.audit.listJson(filter);
  }

  async listed(id: string) {
    return this.audit.listed(id);
  }

  async missingGuards() {
    return this.audit.missingGuards();
  }

  async keyVerdict(key: string | undefined) {
    return this.audit.keyVerdict(key);
  }

  async verify(id: string, key: string | undefined | null, visit?: (row: EventRow) => void) {
    return verifyIncident(this.audit, id, key, visit);
  }

  /** Polls the head (SQLite has no change feed): another process's commit shows within a poll. */
  watch(id: string, onChange: () => void): () => void {
    let seen = this.audit.headSeq(id);
    const timer = setInterval(() => {
      let head: number;
      try {
        head = this.audit.headSeq(id);
      } catch {
        return; // busy or closing: the next poll looks again
      }
      if (head > seen) {
        seen = head;
        onChange();
      }
    }, WATCH_POLL_MS);
    timer.unref();
    return () => clearInterval(timer);
  }

  async close(): Promise<void> {
    this.audit.close();
  }
}

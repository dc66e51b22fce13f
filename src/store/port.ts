// The store as the service sees it (SPEC §6): one async contract, two adapters — SQLite, the
// embedded default (sqlite.ts), and PostgreSQL, shared by a team (postgres/store.ts).
import type { EventDraft, IncidentEvent } from '../engine/events.js';
import type { EventRow } from './hash.js';
import type { KeyVerdict } from './keycheck.js';
import type { ListedFields } from './listing.js';
import type { IncidentSummary } from './store.js';
import type { ChainReport } from './verify.js';

export type { IncidentSummary } from './store.js';
export type ListFilter = 'real' | 'drill' | 'all';
export type Backend = 'sqlite' | 'postgres';

/** What can be read, in a transaction or out of one. */
export interface StoreReader {
  /** The last sequence number of an incident's chain, 0 when it has none. */
  headSeq(incidentId: string): Promise<number>;
  events(incidentId: string): Promise<IncidentEvent[]>;
  eventsAfter(incidentId: string, seq: number): Promise<IncidentEvent[]>;
  /** The rows as stored, hashes and all. */
  rows(incidentId: string): Promise<EventRow[]>;
  hasIncident(incidentId: string): Promise<boolean>;
  /** Whether the listing knows the incident, whatever is left of its log. */
  isListed(incidentId: string): Promise<boolean>;
}

export interface AppendOptions {
  /**
   * The drafts' `at` is a virtual clock (a drill) and is kept. Otherwise a store with a clock of
   * its own (PostgreSQL) stamps `at` with it, never earlier than the previous event's.
   */
  virtualClock?: boolean;
}

/** Inside one transaction: the incident's append lock is held, the head cannot move. */
export interface StoreTransaction extends StoreReader {
  /** The next INC-/DRL-YYYYMMDD-NNN for a day (`date` as YYYY-MM-DD). */
  nextId(prefix: 'INC' | 'DRL', date: string): Promise<string>;
  /** Appends to the chain: seq, prev_hash, hash, recorded_at and recorded_by are the store's. */
  append(incidentId: string, drafts: readonly EventDraft[], options?: AppendOptions): Promise<IncidentEvent[]>;
  /**
   * A whole incident from another store, rows as they are (their chain verified by the caller),
   * followed by the copier's `db.imported` marker appended as an event of this store.
   */
  importIncident(rows: readonly EventRow[], marker: EventDraft): Promise<IncidentEvent>;
}

export interface IncidentStore extends StoreReader {
  readonly backend: Backend;
  /** Where the store is, fit to print: a file, or a URL without its password. */
  readonly location: string;
  /** Whether recorded_by is checked by the store (PostgreSQL) or only claimed (SQLite). */
  readonly recorderVerified: boolean;
  /**
   * Runs fn in one transaction; with `incidentId`, holding that incident's append lock first. A
   * conflict the store can retry (PostgreSQL: serialization failure, deadlock, unique violation)
   * runs fn again, a bounded number of times: fn reads what it needs through `tx`. Nested calls
   * join the outer transaction.
   */
  transact<T>(fn: (tx: StoreTransaction) => Promise<T>, incidentId?: string): Promise<T>;
  /** Every incident the log or the listing knows. */
  incidentIds(): Promise<string[]>;
  list(filter: ListFilter): Promise<IncidentSummary[]>;
  /** The same list as a JSON document (`list --json`). */
  listJson(filter: ListFilter): Promise<string>;
  /** The listing's row of an incident (the fields verify compares with the events), if any. */
  listed(incidentId: string): Promise<Partial<ListedFields> | undefined>;
  /** The append-only guards (triggers) the store should have and has not, or has disabled. */
  missingGuards(): Promise<string[]>;
  /** How an audit key (or none) meets the key check value the store records (keycheck.ts). */
  keyVerdict(key: string | undefined): Promise<KeyVerdict>;
  /** Checks one chain; `visit` sees every row as it is checked. */
  verify(incidentId: string, key: string | undefined | null, visit?: (row: EventRow) => void): Promise<ChainReport>;
  /**
   * Calls onChange (at most about once a second on SQLite, which is polled; at once on
   * PostgreSQL, which LISTENs) when the incident's chain has grown, by anyone. Returns the stop.
   */
  watch(incidentId: string, onChange: () => void): () => void;
  close(): Promise<void>;
}

/** How often a store without a change feed (SQLite) looks at an incident's head. */
export const WATCH_POLL_MS = 1000;

// The audit store: an append-only, hash-chained event log in SQLite (SPEC §6). The only module
// that touches the database.
import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, message, WorkError, type Message } from '../errors.js';
import { makeDirs } from '../fsutil.js';
import type { EventDraft, IncidentEvent } from '../engine/events.js';
import { formatInZone } from '../time/zone.js';
import { canonicalEvent, canonicalJson, chainHash, GENESIS, type EventRow } from './hash.js';
import { inferKey, judgeKey, recordFor, refuseUnlessWritable, type KeyVerdict } from './keycheck.js';
import { GUARD_TRIGGERS, listedEntry, migrate, SCHEMA_VERSION } from './schema.js';
import { listingMismatches, listingOf, type ListedFields } from './listing.js';

export interface IncidentSummary {
  id: string;
  mode: 'real' | 'drill';
  type: string;
  title: string;
  tier: string;
  direction: string;
  state: 'open' | 'recovered' | 'closed';
  openedAt: string;
  updatedAt: string;
  events: number;
}

export interface OpenOptions {
  readonly?: boolean;
  key?: string;
  /** recorded_by of the events this store appends: on SQLite the OS user, claimed (SPEC §6). */
  recordedBy?: string;
  /** Where a writer says what it put right (a guard recreated, a listing row rebuilt). */
  warn?: (said: Message) => void;
}

// SQLite reads `file:` URIs (immutable=1 below) only when the process enables them, before the
// native addon loads (better-sqlite3 reads SQLITE_USE_URI then); every plain name is then passed
// so that it cannot be read as a URI.
process.env.SQLITE_USE_URI = '1';

/** A file name SQLite takes as a name even with URIs enabled: `file:x.db` is the file `./file:x.db`. */
function plainName(file: string): string {
  return file.startsWith('file:') ? `./${file}` : file;
}

/**
 * A reader's connection (finding 8). Read-only first: a live database's -wal and -shm are read as
 * they are. When SQLite cannot open it so because it cannot create the -shm of a WAL database
 * beside it (a read-only medium, a folder this user cannot write), the file is opened immutable:
 * no lock, no -shm, the file as it is — and a -wal lying beside it, whose events such an open
 * cannot see, is said.
 */
function openReader(file: string, warn: (said: Message) => void = () => undefined): Database.Database {
  const db = new Database(plainName(file), { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    db.pragma('user_version'); // the first read opens the WAL, or cannot
    return db;
  } catch (error) {
    db.close();
    if (!cannotWriteBeside(file, error)) throw error;
  }
  const immutable = new Database(`file:${resolve(file).replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}?mode=ro&immutable=1`, {
    readonly: true,
    fileMustExist: true,
  });
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) warn(message('db.walUnseen', { file, wal }));
  return immutable;
}

/** The reader failed because the folder cannot take SQLite's -shm: not for a folder it could write. */
function cannotWriteBeside(file: string, error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  if (code !== 'SQLITE_CANTOPEN' && !code.startsWith('SQLITE_READONLY')) return false;
  try {
    accessSync(dirname(resolve(file)), constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/** An SQLite error as the CLI says it (exit 2, naming the file); anything else is thrown as it is. */
export function translate(file: string, error: unknown): never {
  const code = (error as { code?: string }).code ?? '';
  const detail = (error as Error).message;
  if (code === 'SQLITE_NOTADB' || /not a database/.test(detail)) throw new InputError('db.notSqlite', { file });
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EROFS') throw new InputError('db.readonly', { file });
  // the environment, not the input: busy, locked and full are "could not be done" (SPEC §5: exit 1)
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) throw new WorkError('db.busy', { file });
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') throw new WorkError('db.full', { file });
  if (error instanceof InputError) throw error;
  throw new InputError('db.cannotOpen', { file, detail });
}

export class AuditStore {
  private constructor(
    readonly file: string,
    readonly db: Database.Database,
    private readonly key: string | undefined,
    private readonly recordedBy: string | null = null,
    private readonly warn: (said: Message) => void = () => undefined,
  ) {}

  /** The schema version of the file as opened: a read-only open does not migrate an older one. */
  private version = SCHEMA_VERSION;
  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, compiled once per store: appends run the same few statements. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.db.prepare(sql)));
    return prepared;
  }

  /** Opens (and for writers creates, mode 0600) the database, migrating it forward. */
  static open(file: string, options: OpenOptions = {}): AuditStore {
    try {
      if (!options.readonly && !existsSync(file)) {
        makeDirs(dirname(file), 0o700);
        closeSync(openSync(file, 'wx', 0o600));
      }
      const db = options.readonly ? openReader(file, options.warn) : new Database(plainName(file), { fileMustExist: true, timeout: 10_000 });
      const store = new AuditStore(file, db, options.key, options.recordedBy ?? null, options.warn);
      store.prepare(Boolean(options.readonly));
      return store;
    } catch (error) {
      // a writer on a read-only medium: SQLite opened the file for reading and then could not
      // create the -shm beside it — read-only, not "unable to open"
      if (!options.readonly && existsSync(file) && cannotWriteBeside(file, error)) throw new InputError('db.readonly', { file });
      translate(file, error);
    }
  }

  /**
   * Before a responder answers a single question: will this database take the incident? Fails as
   * opening it would (exit 2 with the reason). Creates the folder, never the file.
   */
  static preflight(file: string, key?: string): void {
    try {
      if (existsSync(file)) {
        const store = AuditStore.open(file, { key });
        try {
          refuseUnlessWritable(store.keyVerdict(), file);
        } finally {
          store.close();
        }
        return;
      }
      const dir = dirname(file);
      makeDirs(dir, 0o700);
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir}: not a directory`), { code: 'ENOTDIR' });
      accessSync(dir, constants.W_OK);
    } catch (error) {
      translate(file, error);
    }
  }

  private prepare(readonly: boolean): void {
    this.db.pragma('busy_timeout = 10000');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new InputError('db.newer', { file: this.file, found: version, known: SCHEMA_VERSION });
    this.version = version;
    // our files get their schema and user_version in one transaction: tables without a version
    // belong to someone else, even one that happens to have a table named events
    if (version === 0 && this.hasAnyTable()) throw new InputError('db.foreign', { file: this.file });
    if (readonly) return;
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    if (version < SCHEMA_VERSION) migrate(this.db, version);
    this.version = SCHEMA_VERSION;
    this.restoreGuards();
  }

  /** The guard triggers this file's schema should have and has not (dropped by someone with the file). */
  missingGuards(): string[] {
    if (this.isEmpty) return [];
    const present = new Set(this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]);
    return Object.entries(GUARD_TRIGGERS)
      .filter(([name, g]) => g.since <= this.version && !present.has(name))
      .map(([name]) => name);
  }

  /** A writer puts dropped guards back, and says so: the log was open to change meanwhile. */
  private restoreGuards(): void {
    const missing = this.missingGuards();
    if (missing.length === 0) return;
    this.db.transaction(() => {
      for (const name of missing) this.db.exec(GUARD_TRIGGERS[name]!.sql);
    }).immediate();
    this.warn(message('guards.restored', { names: missing.join(', '), file: this.file }));
  }

  /** The listing's row of an incident, the fields verify compares. */
  listed(incidentId: string): Partial<ListedFields> | undefined {
    if (this.isEmpty) return undefined;
    return this.statement('SELECT mode, type, title, tier, direction, state FROM incidents WHERE id = ?').get(incidentId) as ListedFields | undefined;
  }

  private readonly listingChecked = new Set<string>();

  /**
   * Before a writer's first append to an incident: a listing row that disagrees with the events (or
   * is missing) is rebuilt from them, and said. Inside transact().
   */
  private repairListing(incidentId: string): void {
    if (this.listingChecked.has(incidentId)) return;
    this.listingChecked.add(incidentId);
    const rows = this.rows(incidentId);
    if (rows.length === 0) return;
    const wrong = listingMismatches(this.listed(incidentId), listingOf(rows));
    if (wrong.length === 0) return;
    this.statement('DELETE FROM incidents WHERE id = ?').run(incidentId);
    this.project(incidentId, rows.map(storedEvent), rows[rows.length - 1]!.seq);
    this.warn(message('listing.rebuilt', { id: incidentId, fields: wrong.join(', ') }));
  }

  private hasAnyTable(): boolean {
    return (this.statement("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n > 0;
  }

  get isEmpty(): boolean {
    return !this.hasAnyTable();
  }

  close(): void {
    this.db.close();
  }

  /** Runs fn in an IMMEDIATE transaction: the write lock is taken before anything is read. */
  transact<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_')) translate(this.file, error);
      throw error;
    }
  }

  /** A statement outside transact(): a transaction opened by hand, for callers that await in it. */
  exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (error) {
      translate(this.file, error);
    }
  }

  /** The next human-friendly id for a day: INC-YYYYMMDD-NNN or DRL-YYYYMMDD-NNN. */
  nextId(prefix: 'INC' | 'DRL', date: string): string {
    const stem = `${prefix}-${date.replaceAll('-', '')}-`;
    const row = this.db
      .prepare('SELECT max(CAST(substr(id, ?) AS INTEGER)) AS n FROM incidents WHERE id LIKE ?')
      .get(stem.length + 1, `${stem}%`) as { n: number | null };
    return `${stem}${String((row.n ?? 0) + 1).padStart(3, '0')}`;
  }

  /** The key check value the store records, or UNKEYED; undefined before the first writer. */
  keyRecord(): string | undefined {
    if (this.version < 4) return undefined;
    const row = this.statement("SELECT value FROM meta WHERE key = 'key_check'").get() as { value: string } | undefined;
    return row?.value;
  }

  /** How the key in use meets this store (keycheck.ts); a store from before the record is judged by its first event. */
  keyVerdict(key: string | undefined = this.key): KeyVerdict {
    if (this.isEmpty) return 'undecided';
    const recorded = this.keyRecord();
    if (recorded !== undefined) return judgeKey(recorded, key);
    const first = this.db.prepare('SELECT * FROM events WHERE seq = 1 ORDER BY incident_id LIMIT 1').get() as EventRow | undefined;
    return first ? inferKey(first, key).verdict : 'undecided';
  }

  private keyChecked = false;

  /** Before the first append: the key must be the store's; a store without a record gets one. Inside transact(). */
  private checkKey(): void {
    if (this.keyChecked) return;
    refuseUnlessWritable(this.keyVerdict(), this.file);
    if (this.keyRecord() === undefined) {
      this.statement("INSERT INTO meta (key, value) VALUES ('key_check', ?)").run(recordFor(this.key));
    }
    this.keyChecked = true;
  }

  private headStatement?: Database.Statement<[string], { seq: number; hash: string; at: string }>;
  private insertStatement?: Database.Statement<EventRow>;

  /** Appends events to an incident's chain. Call inside transact() so the head cannot move. */
  append(incidentId: string, drafts: readonly EventDraft[], options: { virtualClock?: boolean } = {}): IncidentEvent[] {
    this.checkKey();
    this.repairListing(incidentId);
    drafts = monotonic(drafts, this.headAt(incidentId), Boolean(options.virtualClock));
    this.headStatement ??= this.db.prepare('SELECT seq, hash, at FROM events WHERE incident_id = ? ORDER BY seq DESC LIMIT 1');
    this.insertStatement ??= this.db.prepare(
      'INSERT INTO events (incident_id, seq, at, recorded_at, type, actor, recorded_by, payload, prev_hash, hash) VALUES (@incident_id, @seq, @at, @recorded_at, @type, @actor, @recorded_by, @payload, @prev_hash, @hash)',
    );
    const head = this.headStatement.get(incidentId);
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS;
    const recordedAt = new Date().toISOString();
    const stored: IncidentEvent[] = [];
    for (const draft of drafts) {
      seq += 1;
      const row = {
        incident_id: incidentId,
        seq,
        at: new Date(draft.at).toISOString(),
        recorded_at: recordedAt,
        type: draft.type,
        actor: draft.actor,
        recorded_by: this.recordedBy,
        payload: canonicalJson(draft.payload),
      };
      const hash = chainHash(prev, canonicalEvent(row), this.key);
      this.insertStatement.run({ ...row, prev_hash: prev, hash });
      const recordedBy = this.recordedBy === null ? {} : { recordedBy: this.recordedBy };
      stored.push({ ...draft, incidentId, seq, recordedAt, prevHash: prev, hash, ...recordedBy } as IncidentEvent);
      prev = hash;
    }
    this.project(incidentId, drafts, seq);
    return stored;
  }

  /** The time of an incident's last event, -Infinity before its first. */
  private headAt(incidentId: string): number {
    const row = this.statement('SELECT at FROM events WHERE incident_id = ? ORDER BY seq DESC LIMIT 1').get(incidentId) as { at: string } | undefined;
    return row ? Date.parse(row.at) : -Infinity;
  }

  /** Keeps the listing projection in step with the log (rebuildable: rebuildProjection). */
  private project(incidentId: string, drafts: readonly EventDraft[], lastSeq: number): void {
    for (const d of drafts) {
      if (d.type === 'incident.opened') {
        const tz = d.payload.timezone ?? 'Asia/Shanghai';
        const at = formatInZone(d.at, tz);
        this.statement(
          "INSERT INTO incidents (id, mode, type, title, tier, direction, state, timezone, opened_ms, opened_at, updated_at, events) VALUES (?, ?, ?, ?, 'mild', 'A', 'open', ?, ?, ?, ?, 0)",
        ).run(incidentId, d.payload.mode, d.payload.type, d.payload.title, tz, d.at, at, at);
      } else if (d.type === 'incident.graded') {
        this.statement('UPDATE incidents SET tier = ?, direction = ? WHERE id = ?').run(d.payload.tier, d.payload.result.direction, incidentId);
      } else if (d.type === 'incident.recovered') {
        this.statement("UPDATE incidents SET state = 'recovered' WHERE id = ?").run(incidentId);
      } else if (d.type === 'incident.closed') {
        this.statement("UPDATE incidents SET state = 'closed' WHERE id = ?").run(incidentId);
      }
    }
    const last = drafts[drafts.length - 1];
    if (!last) return;
    const row = this.statement('SELECT timezone FROM incidents WHERE id = ?').get(incidentId) as { timezone: string } | undefined;
    if (!row) return;
    this.statement(`UPDATE incidents SET updated_at = @at, events = @events, listed = ${listedEntry('@at', 'CAST(@events AS INTEGER)')} WHERE id = @id`).run({
      at: formatInZone(last.at, row.timezone),
      events: lastSeq,
      id: incidentId,
    });
  }

  /**
   * Rows from another store, as they are (db copy): the chain was verified by the copier and its
   * hashes cannot be recomputed here. Call inside transact(), on an incident this store lacks.
   */
  importRows(rows: readonly EventRow[]): void {
    this.checkKey();
    const insert = this.statement(
      'INSERT INTO events (incident_id, seq, at, recorded_at, type, actor, recorded_by, payload, prev_hash, hash) VALUES (@incident_id, @seq, @at, @recorded_at, @type, @actor, @recorded_by, @payload, @prev_hash, @hash)',
    );
    for (const row of rows) insert.run({ ...row, recorded_by: row.recorded_by ?? null });
    const last = rows[rows.length - 1];
    if (last) this.project(last.incident_id, rows.map(rowToEvent), last.seq);
  }

  rebuildProjection(): void {
    this.transact(() => {
      this.db.exec('DELETE FROM incidents');
      const ids = this.db.prepare('SELECT DISTINCT incident_id AS id FROM events ORDER BY incident_id').all() as { id: string }[];
      for (const { id } of ids) {
        const events = this.events(id);
        this.project(id, events, events.length ? events[events.length - 1]!.seq : 0);
      }
    });
  }

  rows(incidentId: string): EventRow[] {
    return this.db.prepare('SELECT * FROM events WHERE incident_id = ? ORDER BY seq').all(incidentId) as EventRow[];
  }

  /** The last sequence number of an incident's chain, 0 when it has none. */
  headSeq(incidentId: string): number {
    if (this.isEmpty) return 0;
    const row = this.statement('SELECT max(seq) AS seq FROM events WHERE incident_id = ?').get(incidentId) as { seq: number | null };
    return row.seq ?? 0;
  }

  eventsAfter(incidentId: string, seq: number): IncidentEvent[] {
    return (this.statement('SELECT * FROM events WHERE incident_id = ? AND seq > ? ORDER BY seq').all(incidentId, seq) as EventRow[]).map(rowToEvent);
  }

  hasIncident(incidentId: string): boolean {
    if (this.isEmpty) return false;
    return this.db.prepare('SELECT 1 FROM events WHERE incident_id = ? LIMIT 1').get(incidentId) !== undefined;
  }

  events(incidentId: string): IncidentEvent[] {
    return this.rows(incidentId).map(rowToEvent);
  }

  /** Whether the listing knows the incident, whatever is left of its log. */
  isListed(incidentId: string): boolean {
    if (this.isEmpty) return false;
    return this.db.prepare('SELECT 1 FROM incidents WHERE id = ?').get(incidentId) !== undefined;
  }

  /** Every incident the log or the listing knows: an incident whose events were all deleted is still named. */
  incidentIds(): string[] {
    if (this.isEmpty) return [];
    return this.db.prepare('SELECT incident_id FROM events UNION SELECT id FROM incidents ORDER BY 1').pluck().all() as string[];
  }

  private listQuery(
    filter: 'real' | 'drill' | 'all',
    columns = 'id, mode, type, title, tier, direction, state, opened_at AS openedAt, updated_at AS updatedAt, events',
  ): { sql: string; args: string[] } {
    const where = filter === 'all' ? '' : 'WHERE mode = ?';
    return {
      sql: `SELECT ${columns} FROM incidents ${where} ORDER BY opened_ms DESC, id DESC`,
      args: filter === 'all' ? [] : [filter],
    };
  }

  list(filter: 'real' | 'drill' | 'all'): IncidentSummary[] {
    if (this.isEmpty) return [];
    const { sql, args } = this.listQuery(filter);
    return this.db.prepare(sql).all(...args) as IncidentSummary[];
  }

  /**
   * The same list as a JSON document, joined from entries the projection keeps rendered: for
   * thousands of incidents a join of strings, not thousands of objects (BENCHMARKS.md).
   */
  listJson(filter: 'real' | 'drill' | 'all'): string {
    if (this.isEmpty) return '[]';
    // a file from before the column, opened read-only, renders the entries as it reads them
    const { sql, args } = this.listQuery(filter, `${this.version >= 2 ? 'listed' : listedEntry()} AS listed`);
    const entries = this.db.prepare(sql).pluck().all(...args) as string[];
    return entries.length === 0 ? '[]' : `[\n${entries.join(',\n')}\n]`;
  }
}

export function rowToEvent(row: EventRow): IncidentEvent {
  return {
    incidentId: row.incident_id,
    seq: row.seq,
    at: Date.parse(row.at),
    recordedAt: row.recorded_at,
    type: row.type,
    actor: row.actor,
    payload: JSON.parse(row.payload),
    prevHash: row.prev_hash,
    hash: row.hash,
    ...(row.recorded_by == null ? {} : { recordedBy: row.recorded_by }),
  } as IncidentEvent;
}

/**
 * An event as it is stored, for readers that must show an altered log (log, the report): a payload
 * that is no longer JSON is kept as the text it is instead of failing the read.
 */
export function storedEvent(row: EventRow): IncidentEvent {
  try {
    return rowToEvent(row);
  } catch {
    return { ...rowToEvent({ ...row, payload: 'null' }), payload: row.payload } as unknown as IncidentEvent;
  }
}


/**
 * Events are never dated before the chain's last (SPEC §6): `at = max(at, last)`. On the wall
 * clock a clock that went back is said by a `clock.skew` event before the first event it moved;
 * a drill's virtual clock is only held to the order.
 */
export function monotonic(drafts: readonly EventDraft[], lastAt: number, virtualClock: boolean): EventDraft[] {
  const out: EventDraft[] = [];
  let last = lastAt;
  let said = false;
  for (const draft of drafts) {
    if (draft.at < last) {
      if (!virtualClock && !said) {
        out.push({ type: 'clock.skew', at: last, actor: draft.actor, payload: { clock: new Date(draft.at).toISOString(), last: new Date(last).toISOString() } });
        said = true;
      }
      out.push({ ...draft, at: last } as EventDraft);
    } else {
      out.push(draft);
      last = draft.at;
    }
  }
  return out;
}

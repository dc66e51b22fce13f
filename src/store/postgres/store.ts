// The PostgreSQL adapter of the store port (SPEC §6): one server database shared by the team.
// One transaction per action; appends to an incident serialised by pg_advisory_xact_lock (a
// FOR UPDATE would need UPDATE rights responders do not hold), PRIMARY KEY (incident_id, seq)
// as the backstop; `at`, `recorded_at` and `recorded_by` from the server, read in the transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { WorkError } from '../../errors.js';
import type { IncidentEvent } from '../../engine/events.js';
import { formatInZone } from '../../time/zone.js';
import type { EventRow } from '../hash.js';
import { WATCH_POLL_MS, type IncidentStore, type IncidentSummary, type ListFilter, type StoreTransaction } from '../port.js';
import { rowToEvent } from '../store.js';
import { verifyRows, type ChainReport } from '../verify.js';
import { connect, LOCK_SPACE, MAX_ATTEMPTS, RETRYABLE, sqlState, translatePg, type Query } from './connection.js';
import { CHANGE_CHANNEL, guardTriggers, ident, migrations, PG_SCHEMA_VERSION, responderGrants } from './schema.js';
import type { PgTarget } from './target.js';
import { PgTransaction, readHead, readRows } from './transaction.js';
import { checkKeyOn, keyVerdictOn } from './keycheck.js';
import type { ListedFields } from '../listing.js';

/** The triggers that keep the shared log append-only, its recorders honest and its listing in step. */
const PG_GUARDS = ['events_no_change', 'events_no_truncate', 'events_recorder', 'events_project'];
import { judgeKey, recordFor, refuseUnlessWritable, type KeyVerdict } from '../keycheck.js';


/**
 * `db init`: the schema, its tables, triggers and functions, migrated forward in one transaction
 * (idempotent; a newer version is refused). Returns the version before and after, and the GRANTs.
 */
export async function initSchema(target: PgTarget, role: string, key?: string): Promise<{ from: number; to: number; grants: string[] }> {
  const client = await connect(target);
  const s = ident(target.schema);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SPACE]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
    const found = await client.query(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
    const from = found.rows.length ? Number(found.rows[0].value) : 0;
    if (from > PG_SCHEMA_VERSION) throw new WorkError('db.newer', { file: target.shown, found: from, known: PG_SCHEMA_VERSION });
    const steps = migrations(target.schema);
    for (let v = from; v < PG_SCHEMA_VERSION; v++) await client.query(steps[v]!);
    await client.query(`DELETE FROM ${s}.meta WHERE key = 'schema_version'`);
    await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1)`, [String(PG_SCHEMA_VERSION)]);
    // with the key set, the store is keyed from the start (a store with events keeps what they say)
    const hasEvents = (await client.query(`SELECT 1 FROM ${s}.events LIMIT 1`)).rows.length > 0;
    if (key && !hasEvents) {
      const now = (await client.query(`SELECT ${s}.record_key_check($1) AS v`, [recordFor(key)])).rows[0].v as string;
      refuseUnlessWritable(judgeKey(now, key), target.shown);
    }
    await client.query('COMMIT');
    return { from, to: PG_SCHEMA_VERSION, grants: responderGrants(target.schema, role) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePg(error, target);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `db init --repair`, as the schema owner: the guards enabled and any missing one recreated, then
 * the listing rebuilt from the events (the projections belong to the owner). Returns the events
 * folded and the guards recreated.
 */
export async function repairSchema(target: PgTarget): Promise<{ events: number; recreated: string[] }> {
  const client = await connect(target);
  const s = ident(target.schema);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SPACE]);
    await client.query(`ALTER TABLE ${s}.events ENABLE TRIGGER USER`);
    const found = await client.query(
      `SELECT t.tgname AS name FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'events' AND NOT t.tgisinternal`,
      [target.schema],
    );
    const present = new Set(found.rows.map((r) => r.name as string));
    const recreated: string[] = [];
    for (const [name, sql] of Object.entries(guardTriggers(target.schema))) {
      if (present.has(name)) continue;
      await client.query(sql);
      recreated.push(name);
    }
    const events = Number((await client.query(`SELECT ${s}.rebuild_listing() AS n`)).rows[0].n);
    await client.query('COMMIT');
    return { events, recreated };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw translatePg(error, target);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PgOpenOptions {
  key?: string;
}

export class PgStore implements IncidentStore {
  readonly backend = 'postgres';
  readonly recorderVerified = true;
  private readonly current = new AsyncLocalStorage<StoreTransaction>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly s: string;

  /** Set when the server went away (restarted, say): the next action connects again. */
  private lost = false;

  /** The change feed: watchers by incident, and the connection that LISTENs for them. */
  private readonly watchers = new Map<string, Set<() => void>>();
  private listener: Promise<pg.Client | undefined> | undefined;
  private feedUp = false;

  private constructor(
    private client: pg.Client,
    readonly target: PgTarget,
    private readonly key: string | undefined,
    /** The server's session_user: what recorded_by must be. */
    readonly sessionUser: string,
  ) {
    this.s = ident(target.schema);
  }

  get location(): string {
    return this.target.shown;
  }

  static async open(target: PgTarget, options: PgOpenOptions = {}): Promise<PgStore> {
    let store: PgStore | undefined;
    const client = await connect(target, () => store?.markLost());
    try {
      const s = ident(target.schema);
      const who = await client.query('SELECT session_user::text AS name');
      const meta = await client.query(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
      const version = meta.rows.length ? Number(meta.rows[0].value) : 0;
      if (version > PG_SCHEMA_VERSION) throw new WorkError('db.newer', { file: target.shown, found: version, known: PG_SCHEMA_VERSION });
      if (version < PG_SCHEMA_VERSION) throw new WorkError('db.pg.old', { url: target.shown, schema: target.schema, found: version, known: PG_SCHEMA_VERSION });
      store = new PgStore(client, target, options.key, who.rows[0].name as string);
      return store;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw translatePg(error, target);
    }
  }

  private markLost(): void {
    this.lost = true;
  }

  /** After the server went away: a new connection (and the same session user, or the store is not the same). */
  private async reconnect(): Promise<void> {
    if (!this.lost) return;
    const old = this.client;
    this.client = await connect(this.target, () => this.markLost());
    this.lost = false;
    await old.end().catch(() => undefined);
  }

  /** Runs fn with the connection to itself: inside this flow's transaction, or queued after the others. */
  private use<T>(fn: (query: Query) => Promise<T>): Promise<T> {
    const query: Query = (sql, params) => this.client.query(sql, params);
    if (this.current.getStore()) return fn(query);
    const run = this.queue.then(async () => {
      await this.reconnect();
      return fn(query);
    });
    this.queue = run.catch(() => undefined);
    return run.catch((error: unknown) => {
      throw translatePg(error, this.target);
    });
  }

  async transact<T>(fn: (tx: StoreTransaction) => Promise<T>, incidentId?: string): Promise<T> {
    const joined = this.current.getStore();
    if (joined) {
      if (incidentId) await (joined as PgTransaction).lock(incidentId);
      return fn(joined);
    }
    return this.use(async (query) => {
      for (let attempt = 1; ; attempt++) {
        const tx = new PgTransaction(this.internals, query);
        try {
          await query('BEGIN');
          if (incidentId) await tx.lock(incidentId);
          const result = await this.current.run(tx, () => fn(tx));
          await query('COMMIT');
          return result;
        } catch (error) {
          await query('ROLLBACK').catch(() => undefined);
          if (!RETRYABLE.has(sqlState(error))) throw error;
          if (attempt >= MAX_ATTEMPTS) throw new WorkError('db.pg.conflict', { url: this.location, tries: attempt, detail: (error as Error).message });
          // another writer got there first: back off a little, at random, and decide again
          await new Promise((done) => setTimeout(done, Math.random() * 10 * attempt));
        }
      }
    });
  }

  /** For the transaction: the schema-qualified table names, the key and the server's user. */
  get internals() {
    return { s: this.s, key: this.key, sessionUser: this.sessionUser, checkKey: (q: Query) => this.checkKey(q) };
  }

  listed(id: string): Promise<Partial<ListedFields> | undefined> {
    return this.use(async (q) => (await q(`SELECT mode, type, title, tier, direction, state FROM ${this.s}.incidents WHERE id = $1`, [id])).rows[0]);
  }

  /** The guard triggers of the events table, present and enabled (an owner may disable them). */
  missingGuards(): Promise<string[]> {
    return this.use(async (q) => {
      const found = await q(
        `SELECT t.tgname AS name FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = 'events' AND NOT t.tgisinternal AND t.tgenabled <> 'D'`,
        [this.target.schema],
      );
      const present = new Set(found.rows.map((r) => r.name as string));
      return PG_GUARDS.filter((name) => !present.has(name));
    });
  }

  keyVerdict(key: string | undefined): Promise<KeyVerdict> {
    return this.use((q) => keyVerdictOn(q, this.s, key));
  }

  private keyChecked = false;

  /** Before an append (keycheck.ts); remembered once the record is seen committed. */
  private async checkKey(q: Query): Promise<void> {
    if (this.keyChecked) return;
    this.keyChecked = await checkKeyOn(q, this.s, this.key, this.location);
  }

  headSeq(id: string): Promise<number> {
    return this.use((q) => readHead(q, this.s, id)).then((h) => h?.seq ?? 0);
  }

  rows(id: string): Promise<EventRow[]> {
    return this.use((q) => readRows(q, this.s, id, 0));
  }

  async events(id: string): Promise<IncidentEvent[]> {
    return (await this.rows(id)).map(rowToEvent);
  }

  async eventsAfter(id: string, seq: number): Promise<IncidentEvent[]> {
    return (await this.use((q) => readRows(q, this.s, id, seq))).map(rowToEvent);
  }

  hasIncident(id: string): Promise<boolean> {
    return this.use(async (q) => (await q(`SELECT 1 FROM ${this.s}.events WHERE incident_id = $1 LIMIT 1`, [id])).rows.length > 0);
  }

  isListed(id: string): Promise<boolean> {
    return this.use(async (q) => (await q(`SELECT 1 FROM ${this.s}.incidents WHERE id = $1`, [id])).rows.length > 0);
  }

  incidentIds(): Promise<string[]> {
    return this.use(async (q) =>
      (await q(`SELECT incident_id AS id FROM ${this.s}.events UNION SELECT id FROM ${this.s}.incidents ORDER BY 1`)).rows.map((r) => r.id as string),
    );
  }

  list(filter: ListFilter): Promise<IncidentSummary[]> {
    const where = filter === 'all' ? '' : 'WHERE mode = $1';
    const sql = `SELECT id, mode, type, title, tier, direction, state, timezone, opened_at, updated_at, events
      FROM ${this.s}.incidents ${where} ORDER BY opened DESC, id DESC`;
    return this.use(async (q) =>
      (await q(sql, filter === 'all' ? [] : [filter])).rows.map((r) => ({
        id: r.id,
        mode: r.mode,
        type: r.type,
        title: r.title,
        tier: r.tier,
        direction: r.direction,
        state: r.state,
        // kept in UTC as the events have it; shown in the incident's zone, as SQLite's listing is
        openedAt: formatInZone(Date.parse(r.opened_at), r.timezone),
        updatedAt: formatInZone(Date.parse(r.updated_at), r.timezone),
        events: r.events,
      })),
    );
  }

  async listJson(filter: ListFilter): Promise<string> {
    const rows = await this.list(filter);
    return rows.length === 0 ? '[]' : JSON.stringify(rows, null, 2);
  }

  async verify(id: string, key: string | undefined | null, visit?: (row: EventRow) => void): Promise<ChainReport> {
    const { rows, recorded } = await this.use(async (q) => ({
      rows: await readRows(q, this.s, id, 0),
      recorded: (await q(`SELECT events FROM ${this.s}.incidents WHERE id = $1`, [id])).rows[0]?.events as number | undefined,
    }));
    if (visit) rows.forEach(visit);
    return verifyRows(id, rows, key, recorded);
  }

  /**
   * LISTENs on a connection of its own (the action connection is busy in transactions); while
   * that connection is down the head is polled instead, and the LISTEN tried again.
   */
  watch(id: string, onChange: () => void): () => void {
    const mine = this.watchers.get(id) ?? new Set<() => void>();
    mine.add(onChange);
    this.watchers.set(id, mine);
    this.listener ??= this.listen();
    // what was appended before the LISTEN took hold is told too: the head then against the head now
    const base = this.headSeq(id).catch(() => -1);
    void this.listener.then(async (client) => {
      const [before, now] = await Promise.all([base, client ? this.headSeq(id).catch(() => -1) : -1]);
      if (before >= 0 && now > before && mine.has(onChange)) onChange();
    });
    let seen = -1;
    let polling = false;
    const timer = setInterval(() => {
      if (this.feedUp || polling) return;
      polling = true;
      this.listener ??= this.listen();
      this.headSeq(id)
        .then((head) => {
          if (seen >= 0 && head > seen) onChange();
          seen = head;
        })
        .catch(() => undefined) // the server is away: the walk says so when it next records
        .finally(() => (polling = false));
    }, WATCH_POLL_MS);
    timer.unref();
    return () => {
      clearInterval(timer);
      mine.delete(onChange);
      if (mine.size === 0) this.watchers.delete(id);
      if (this.watchers.size === 0) void this.unlisten();
    };
  }

  private async listen(): Promise<pg.Client | undefined> {
    let client: pg.Client | undefined;
    const down = () => {
      this.feedUp = false;
      this.listener = undefined;
    };
    try {
      client = await connect(this.target, down);
      client.on('notification', (n) => {
        if (n.channel !== CHANGE_CHANNEL || !n.payload) return;
        // `incident_id:seq`; ids contain no colon, but the seq is the last field either way
        const id = n.payload.slice(0, n.payload.lastIndexOf(':'));
        for (const f of [...(this.watchers.get(id) ?? [])]) f();
      });
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      this.feedUp = true;
      return client;
    } catch {
      await client?.end().catch(() => undefined);
      down();
      return undefined;
    }
  }

  private async unlisten(): Promise<void> {
    const pending = this.listener;
    this.listener = undefined;
    this.feedUp = false;
    const client = await pending;
    await client?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.watchers.clear();
    await this.unlisten();
    await this.queue;
    this.lost = false;
    await this.client.end().catch(() => undefined);
  }
}

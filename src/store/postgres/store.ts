// The PostgreSQL adapter of the store port (SPEC §6): one server database shared by the team.
// One transaction per action; appends to an incident serialised by pg_advisory_xact_lock (a
// FOR UPDATE would need UPDATE rights responders do not hold), PRIMARY KEY (incident_id, seq)
// as the backstop; `at`, `recorded_at` and `recorded_by` from the server, read in the transaction.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { CliError, WorkError } from '../../errors.js';
import type { EventDraft, IncidentEvent } from '../../engine/events.js';
import { formatInZone } from '../../time/zone.js';
import { t } from '../../ui/i18n.js';
import { canonicalEvent, canonicalJson, chainHash, GENESIS, type EventRow } from '../hash.js';
import type { AppendOptions, IncidentStore, IncidentSummary, ListFilter, StoreTransaction } from '../port.js';
import { rowToEvent } from '../store.js';
import { verifyRows, type ChainReport } from '../verify.js';
import { ident, migrations, PG_SCHEMA_VERSION, responderGrants } from './schema.js';
import type { PgTarget } from './target.js';

const COLUMNS = 'incident_id, seq, at, recorded_at, type, actor, recorded_by, payload, prev_hash, hash';
/** The advisory locks' first key: ours, so other applications' locks on the database do not meet them. */
const LOCK_SPACE = 0x5ec1_0c1d | 0;
/** Attempts of one action before a conflict is given up with a clear error. */
export const MAX_ATTEMPTS = 8;
const RETRYABLE = new Set(['40001', '40P01', '23505']);

type Query = (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

/** The advisory lock's second key: a stable 32-bit hash of the incident id (a collision only serialises more). */
export function lockKey(incidentId: string): number {
  return createHash('sha256').update(incidentId).digest().readInt32BE(0);
}

function sqlState(error: unknown): string {
  return (error as { code?: string }).code ?? '';
}

/** A server or connection error as the CLI says it: exit 1, the URL without its password. */
export function translatePg(error: unknown, target: PgTarget): unknown {
  if (error instanceof CliError) return error;
  const code = sqlState(error);
  const detail = (error as Error).message ?? String(error);
  // the service's own errors pass: only what came from the server or the connection is ours to say
  if (!code && !/connection|terminated|queryable|timeout/i.test(detail)) return error;
  const url = target.shown;
  if (code === '28P01' || code === '28000' || /password|SASL|SCRAM/i.test(detail)) return new WorkError(t('db.pg.auth', { url }));
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code) || /timeout/i.test(detail)) {
    return new WorkError(t('db.pg.unreachable', { url, seconds: target.timeoutMs / 1000, detail }));
  }
  if (code === '3D000') return new WorkError(t('db.pg.noDatabase', { url }));
  if (code === '42P01' || code === '3F000') return new WorkError(t('db.pg.notInit', { url, schema: target.schema }));
  if (code === '42501') return new WorkError(t('db.pg.denied', { url, detail }));
  if (code.startsWith('08') || code === '57P01' || code === 'ECONNRESET' || /terminated|not queryable|Connection/i.test(detail)) {
    return new WorkError(t('db.pg.lost', { url }));
  }
  return new WorkError(t('db.pg.failed', { url, detail }));
}

async function connect(target: PgTarget, onLost: () => void = () => undefined): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: target.timeoutMs, application_name: 'sec-incident' });
  // a connection lost between queries is reported by the next query, not as an unhandled event
  client.on('error', onLost);
  client.on('end', onLost);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translatePg(error, target);
  }
  return client;
}

/**
 * `db init`: the schema, its tables, triggers and functions, migrated forward in one transaction
 * (idempotent; a newer version is refused). Returns the version before and after, and the GRANTs.
 */
export async function initSchema(target: PgTarget, role: string): Promise<{ from: number; to: number; grants: string[] }> {
  const client = await connect(target);
  const s = ident(target.schema);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_SPACE]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL)`);
    const found = await client.query(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`);
    const from = found.rows.length ? Number(found.rows[0].value) : 0;
    if (from > PG_SCHEMA_VERSION) throw new WorkError(t('db.newer', { file: target.shown, found: from, known: PG_SCHEMA_VERSION }));
    const steps = migrations(target.schema);
    for (let v = from; v < PG_SCHEMA_VERSION; v++) await client.query(steps[v]!);
    await client.query(`DELETE FROM ${s}.meta WHERE key = 'schema_version'`);
    await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1)`, [String(PG_SCHEMA_VERSION)]);
    await client.query('COMMIT');
    return { from, to: PG_SCHEMA_VERSION, grants: responderGrants(target.schema, role) };
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
      if (version > PG_SCHEMA_VERSION) throw new WorkError(t('db.newer', { file: target.shown, found: version, known: PG_SCHEMA_VERSION }));
      if (version < PG_SCHEMA_VERSION) throw new WorkError(t('db.pg.old', { url: target.shown, schema: target.schema, found: version, known: PG_SCHEMA_VERSION }));
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
        const tx = new PgTransaction(this, query);
        try {
          await query('BEGIN');
          if (incidentId) await tx.lock(incidentId);
          const result = await this.current.run(tx, () => fn(tx));
          await query('COMMIT');
          return result;
        } catch (error) {
          await query('ROLLBACK').catch(() => undefined);
          if (!RETRYABLE.has(sqlState(error))) throw error;
          if (attempt >= MAX_ATTEMPTS) throw new WorkError(t('db.pg.conflict', { url: this.location, tries: attempt, detail: (error as Error).message }));
          // another writer got there first: back off a little, at random, and decide again
          await new Promise((done) => setTimeout(done, Math.random() * 10 * attempt));
        }
      }
    });
  }

  /** For the transaction: the schema-qualified table names, the key and the server's user. */
  get internals() {
    return { s: this.s, key: this.key, sessionUser: this.sessionUser };
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

  async verify(id: string, key: string | undefined, visit?: (row: EventRow) => void): Promise<ChainReport> {
    const { rows, recorded } = await this.use(async (q) => ({
      rows: await readRows(q, this.s, id, 0),
      recorded: (await q(`SELECT events FROM ${this.s}.incidents WHERE id = $1`, [id])).rows[0]?.events as number | undefined,
    }));
    if (visit) rows.forEach(visit);
    return verifyRows(id, rows, key, recorded);
  }

  async close(): Promise<void> {
    await this.queue;
    this.lost = false;
    await this.client.end().catch(() => undefined);
  }
}

async function readHead(q: Query, s: string, id: string): Promise<{ seq: number; hash: string; at: string } | undefined> {
  return (await q(`SELECT seq, hash, at FROM ${s}.events WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1`, [id])).rows[0];
}

async function readRows(q: Query, s: string, id: string, after: number): Promise<EventRow[]> {
  return (await q(`SELECT ${COLUMNS} FROM ${s}.events WHERE incident_id = $1 AND seq > $2 ORDER BY seq`, [id, after])).rows as EventRow[];
}

class PgTransaction implements StoreTransaction {
  private readonly locked = new Set<string>();

  constructor(
    private readonly store: PgStore,
    private readonly q: Query,
  ) {}

  async lock(id: string): Promise<void> {
    if (this.locked.has(id)) return;
    await this.q('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, lockKey(id)]);
    this.locked.add(id);
  }

  private get s(): string {
    return this.store.internals.s;
  }

  async headSeq(id: string): Promise<number> {
    return (await readHead(this.q, this.s, id))?.seq ?? 0;
  }

  rows(id: string): Promise<EventRow[]> {
    return readRows(this.q, this.s, id, 0);
  }

  async events(id: string): Promise<IncidentEvent[]> {
    return (await this.rows(id)).map(rowToEvent);
  }

  async eventsAfter(id: string, seq: number): Promise<IncidentEvent[]> {
    return (await readRows(this.q, this.s, id, seq)).map(rowToEvent);
  }

  async hasIncident(id: string): Promise<boolean> {
    return (await this.q(`SELECT 1 FROM ${this.s}.events WHERE incident_id = $1 LIMIT 1`, [id])).rows.length > 0;
  }

  async isListed(id: string): Promise<boolean> {
    return (await this.q(`SELECT 1 FROM ${this.s}.incidents WHERE id = $1`, [id])).rows.length > 0;
  }

  async nextId(prefix: 'INC' | 'DRL', date: string): Promise<string> {
    const result = await this.q(`SELECT ${this.s}.next_incident_id($1, $2) AS id`, [prefix, date.replaceAll('-', '')]);
    return result.rows[0].id as string;
  }

  /**
   * The head and the server's clock in ms, in one round trip, read after the lock: events are
   * stamped in the order they are chained.
   */
  private async headAndClock(id: string): Promise<{ head: { seq: number; hash: string; at: string } | undefined; now: number }> {
    const result = await this.q(
      `SELECT h.seq, h.hash, h.at, floor(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms FROM (SELECT 1) AS one
       LEFT JOIN (SELECT seq, hash, at FROM ${this.s}.events WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1) AS h ON true`,
      [id],
    );
    const row = result.rows[0];
    return { head: row.seq === null ? undefined : { seq: row.seq, hash: row.hash, at: row.at }, now: Number(row.ms) };
  }

  /** The rows for drafts after a head, hashed as both backends hash (hash.ts). */
  private chain(id: string, head: { seq: number; hash: string; at: string } | undefined, drafts: readonly EventDraft[], now: number, virtualClock: boolean): EventRow[] {
    const { key, sessionUser } = this.store.internals;
    let seq = head?.seq ?? 0;
    let prev = head?.hash ?? GENESIS;
    const floor = head ? Date.parse(head.at) : -Infinity;
    const recordedAt = new Date(now).toISOString();
    return drafts.map((draft) => {
      seq += 1;
      const at = virtualClock ? draft.at : Math.max(now, floor);
      const row = {
        incident_id: id,
        seq,
        at: new Date(at).toISOString(),
        recorded_at: recordedAt,
        type: draft.type,
        actor: draft.actor,
        recorded_by: sessionUser,
        payload: canonicalJson(draft.payload),
      };
      const hash = chainHash(prev, canonicalEvent(row), key);
      const stored = { ...row, prev_hash: prev, hash };
      prev = hash;
      return stored;
    });
  }

  private async insert(rows: readonly EventRow[]): Promise<void> {
    const values: unknown[] = [];
    const tuples = rows.map((row, i) => {
      values.push(row.incident_id, row.seq, row.at, row.recorded_at, row.type, row.actor, row.recorded_by ?? null, row.payload, row.prev_hash, row.hash);
      return `(${Array.from({ length: 10 }, (_, k) => `$${i * 10 + k + 1}`).join(', ')})`;
    });
    await this.q(`INSERT INTO ${this.s}.events (${COLUMNS}) VALUES ${tuples.join(', ')}`, values);
  }

  async append(id: string, drafts: readonly EventDraft[], options: AppendOptions = {}): Promise<IncidentEvent[]> {
    if (drafts.length === 0) return [];
    await this.lock(id);
    const { head, now } = await this.headAndClock(id);
    const rows = this.chain(id, head, drafts, now, Boolean(options.virtualClock));
    await this.insert(rows);
    // the drafts' payloads as given: the rows' text is only their canonical form
    return rows.map((row, i) => ({ ...rowToEvent({ ...row, payload: 'null' }), payload: drafts[i]!.payload }) as IncidentEvent);
  }

  async importIncident(rows: readonly EventRow[], marker: EventDraft): Promise<IncidentEvent> {
    const id = rows[0]!.incident_id;
    await this.lock(id);
    const last = rows[rows.length - 1]!;
    const [stamped] = this.chain(id, last, [marker], (await this.headAndClock(id)).now, false);
    const all = [...rows.map((r) => ({ ...r, recorded_by: r.recorded_by ?? null })), stamped!];
    await this.q(`SELECT ${this.s}.import_events($1)`, [JSON.stringify(all)]);
    return rowToEvent(stamped!);
  }
}

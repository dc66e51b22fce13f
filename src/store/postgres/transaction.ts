// One action's transaction on the shared store: the incident's advisory lock, the head and the
// server's clock read after it, the rows hashed as both backends hash (hash.ts), one INSERT.
import type { EventDraft, IncidentEvent } from '../../engine/events.js';
import { canonicalEvent, canonicalJson, chainHash, GENESIS, type EventRow } from '../hash.js';
import type { AppendOptions, StoreTransaction } from '../port.js';
import { rowToEvent } from '../store.js';
import { COLUMNS, LOCK_SPACE, lockKey, type Query } from './connection.js';

/** What a transaction needs of its store: the qualified schema, the audit key, the server's user. */
export interface TransactionContext {
  s: string;
  key: string | undefined;
  sessionUser: string;
  /** Before an append: the key must be the store's (keycheck.ts). */
  checkKey: (q: Query) => Promise<void>;
}

export async function readHead(q: Query, s: string, id: string): Promise<{ seq: number; hash: string; at: string } | undefined> {
  return (await q(`SELECT seq, hash, at FROM ${s}.events WHERE incident_id = $1 ORDER BY seq DESC LIMIT 1`, [id])).rows[0];
}

export async function readRows(q: Query, s: string, id: string, after: number): Promise<EventRow[]> {
  return (await q(`SELECT ${COLUMNS} FROM ${s}.events WHERE incident_id = $1 AND seq > $2 ORDER BY seq`, [id, after])).rows as EventRow[];
}

export class PgTransaction implements StoreTransaction {
  private readonly locked = new Set<string>();

  constructor(
    private readonly context: TransactionContext,
    private readonly q: Query,
  ) {}

  async lock(id: string): Promise<void> {
    if (this.locked.has(id)) return;
    await this.q('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, lockKey(id)]);
    this.locked.add(id);
  }

  private get s(): string {
    return this.context.s;
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
    const { key, sessionUser } = this.context;
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
    await this.context.checkKey(this.q);
    await this.lock(id);
    const { head, now } = await this.headAndClock(id);
    const rows = this.chain(id, head, drafts, now, Boolean(options.virtualClock));
    await this.insert(rows);
    // the drafts' payloads as given: the rows' text is only their canonical form
    return rows.map((row, i) => ({ ...rowToEvent({ ...row, payload: 'null' }), payload: drafts[i]!.payload }) as IncidentEvent);
  }

  async importIncident(rows: readonly EventRow[], marker: EventDraft): Promise<IncidentEvent> {
    const id = rows[0]!.incident_id;
    await this.context.checkKey(this.q);
    await this.lock(id);
    const last = rows[rows.length - 1]!;
    const [stamped] = this.chain(id, last, [marker], (await this.headAndClock(id)).now, false);
    const all = [...rows.map((r) => ({ ...r, recorded_by: r.recorded_by ?? null })), stamped!];
    await this.q(`SELECT ${this.s}.import_events($1)`, [JSON.stringify(all)]);
    return rowToEvent(stamped!);
  }
}

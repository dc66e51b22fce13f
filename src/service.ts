// The edge where the engine meets the store: read the log, fold, decide, append, in one
// transaction (SQLite: IMMEDIATE; PostgreSQL: holding the incident's advisory lock). Every front end (start, the script commands, drill) comes through here.
import { existsSync, readFileSync } from 'node:fs';
import { CliError, InputError, WorkError } from './errors.js';
import { openIncident, type OpenRequest } from './engine/decide.js';
import type { EventDraft, IncidentEvent, OpenedPayload } from './engine/events.js';
import { cloneState, fold, step as foldOne, type IncidentState } from './engine/fold.js';
import { sha256 } from './playbook/library.js';
import type { IncidentStore, StoreReader, StoreTransaction } from './store/port.js';
import type { WorkCalendar } from './time/calendar.js';
import type { TimeContext } from './time/duration.js';
import { localDate, toLocal } from './time/zone.js';
import { t } from './ui/i18n.js';

/** No events for the id: unknown, or listed once and its whole log deleted since. */
export async function unknownIncident(store: IncidentStore, id: string): Promise<CliError> {
  return (await store.isListed(id)) ? new WorkError(t('incident.logGone', { id })) : new InputError(t('incident.unknown', { id, db: store.location }));
}

/**
 * What an action must also record for the teams to hear of it (SPEC §9): the outbox's events,
 * appended in the action's own transaction. `firstSeq` is the sequence number the first will get.
 */
export type NoticePlanner = (before: IncidentState | null, after: IncidentState, drafts: readonly EventDraft[], firstSeq: number) => EventDraft[];

export interface IncidentsOptions {
  /** The drafts' times are a virtual clock (a drill): the store keeps them instead of stamping its own. */
  virtualClock?: boolean;
}

export class Incidents {
  /** Folded states by incident; the log is append-only, so a state only ever needs newer events. */
  private readonly states = new Map<string, IncidentState>();
  /** Incidents this service queued notifications for: a command sends them before it exits. */
  readonly queued = new Set<string>();
  /** Told (after the transaction) when an action queued notifications: the walk sends them at once. */
  onQueued?: (id: string) => void;
  /** The seqs this service appended, by incident: what others recorded meanwhile is the rest. */
  private readonly appended = new Map<string, Set<number>>();

  constructor(
    readonly store: IncidentStore,
    readonly calendar: WorkCalendar,
    private readonly planner?: NoticePlanner,
    private readonly options: IncidentsOptions = {},
  ) {}

  /**
   * Appends, in the action's transaction, what the planner adds for an action already folded into
   * `after`; returns the events it added.
   */
  private async appendNotices(tx: StoreTransaction, before: IncidentState | null, after: IncidentState, drafts: readonly EventDraft[]): Promise<IncidentEvent[]> {
    const notices = this.planner?.(before, after, drafts, after.events + 1) ?? [];
    if (notices.length === 0) return [];
    const stored = await tx.append(after.id, notices, this.options);
    const time = this.time(after.opened.timezone);
    for (const notice of stored) foldOne(after, notice, time);
    return stored;
  }

  /** After the transaction committed: the sender claims in transactions of its own. */
  private noticesQueued(state: IncidentState, added: readonly EventDraft[]): void {
    if (!added.some((n) => n.type === 'notification.queued')) return;
    this.queued.add(state.id);
    if (this.onQueued) setImmediate(() => this.onQueued?.(state.id));
  }

  time(timeZone: string): TimeContext {
    return { calendar: this.calendar, timeZone };
  }

  /**
   * The current state: the cached fold brought up to the log's head (another process may append).
   * Only committed events are cached: a state read inside a transaction is kept by its caller.
   */
  private async foldEvents(id: string, reader: StoreReader = this.store): Promise<IncidentState> {
    const cached = this.states.get(id);
    const head = await reader.headSeq(id);
    if (cached && cached.events === head) return cached;
    let state: IncidentState;
    if (cached && cached.events < head) {
      state = cloneState(cached);
      const time = this.time(state.opened.timezone);
      for (const event of await reader.eventsAfter(id, cached.events)) foldOne(state, event, time);
    } else {
      try {
        const events = await reader.events(id);
        if (events.length === 0) throw await unknownIncident(this.store, id);
        state = fold(id, events, this.time((events[0]!.payload as OpenedPayload).timezone));
      } catch (error) {
        if (error instanceof CliError) throw error;
        // a log that was altered outside the tool: say so, and where to look, not "internal error"
        throw new WorkError(t('incident.damaged', { id, detail: (error as Error).message }));
      }
    }
    return state;
  }

  async load(id: string): Promise<IncidentState> {
    const state = await this.foldEvents(id);
    this.states.set(id, state);
    return state;
  }

  /** Opens an incident under a fresh id (INC-/DRL-YYYYMMDD-NNN, by the day it is recorded, in the firm's zone). */
  async open(request: OpenRequest, at: number, actor: string): Promise<IncidentState> {
    const { state, added } = await this.store.transact(async (tx) => {
      const id = await tx.nextId(request.mode === 'drill' ? 'DRL' : 'INC', localDate(toLocal(Date.now(), request.timezone)));
      const drafts = openIncident(id, request, at, actor, this.time(request.timezone));
      await tx.append(id, drafts, this.options);
      const opened = await this.foldEvents(id, tx);
      if (!this.planner) return { state: opened, added: [] as IncidentEvent[] };
      const after = cloneState(opened);
      return { state: after, added: await this.appendNotices(tx, null, after, drafts) };
    });
    this.states.set(state.id, state);
    this.noticesQueued(state, added);
    return state;
  }

  /**
   * Decides against the current state and appends, with no other writer in between: one
   * transaction holding the incident's lock. Run again from a fresh read when the store retries.
   */
  async act(id: string, decide: (state: IncidentState, time: TimeContext) => EventDraft[]): Promise<IncidentState> {
    const after = await this.store.transact(async (tx) => {
      const before = await this.foldEvents(id, tx);
      const time = this.time(before.opened.timezone);
      const drafts = decide(before, time);
      if (drafts.length === 0) return { next: before, stored: [] as IncidentEvent[], added: [] as IncidentEvent[] };
      // the stored events, not the drafts: a server's clock may have stamped them
      const stored = await tx.append(id, drafts, this.options);
      // a new object: callers holding the state from before keep their snapshot
      const next = cloneState(before);
      for (const event of stored) foldOne(next, event, time);
      return { next, stored, added: await this.appendNotices(tx, before, next, drafts) };
    }, id);
    this.states.set(id, after.next);
    const mine = this.appended.get(id) ?? new Set<number>();
    for (const event of [...after.stored, ...after.added]) mine.add(event.seq);
    this.appended.set(id, mine);
    this.noticesQueued(after.next, after.added);
    return after.next;
  }

  /** Events after `seq` that someone else recorded (another terminal, another responder). */
  async othersSince(id: string, seq: number): Promise<IncidentEvent[]> {
    const mine = this.appended.get(id);
    return (await this.store.eventsAfter(id, seq)).filter((e) => !mine?.has(e.seq));
  }
}

/** A warning when the playbook file differs from the definition the incident pinned, else undefined. */
export function playbookDrift(state: IncidentState): string | undefined {
  const { file, id, version, sha256: pinned } = state.playbook;
  if (!existsSync(file)) return t('drift.missing', { file });
  return sha256(readFileSync(file)) === pinned ? undefined : t('drift.changed', { id, version, sha: pinned.slice(0, 12) });
}

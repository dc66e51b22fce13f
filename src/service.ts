// The edge where the engine meets the store: read the log, fold, decide, append, in one
// IMMEDIATE transaction. Every front end (start, the script commands, drill) comes through here.
import { existsSync, readFileSync } from 'node:fs';
import { CliError, InputError, WorkError } from './errors.js';
import { openIncident, type OpenRequest } from './engine/decide.js';
import type { EventDraft, OpenedPayload } from './engine/events.js';
import { cloneState, fold, step as foldOne, type IncidentState } from './engine/fold.js';
import { sha256 } from './playbook/library.js';
import type { AuditStore } from './store/store.js';
import type { WorkCalendar } from './time/calendar.js';
import type { TimeContext } from './time/duration.js';
import { localDate, toLocal } from './time/zone.js';
import { t } from './ui/i18n.js';

/** No events for the id: unknown, or listed once and its whole log deleted since. */
export function unknownIncident(store: AuditStore, id: string): CliError {
  return store.isListed(id) ? new WorkError(t('incident.logGone', { id })) : new InputError(t('incident.unknown', { id, db: store.file }));
}

/**
 * What an action must also record for the teams to hear of it (SPEC §9): the outbox's events,
 * appended in the action's own transaction. `firstSeq` is the sequence number the first will get.
 */
export type NoticePlanner = (before: IncidentState | null, after: IncidentState, drafts: readonly EventDraft[], firstSeq: number) => EventDraft[];

export class Incidents {
  /** Folded states by incident; the log is append-only, so a state only ever needs newer events. */
  private readonly states = new Map<string, IncidentState>();
  /** Incidents this service queued notifications for: a command sends them before it exits. */
  readonly queued = new Set<string>();
  /** Told (after the transaction) when an action queued notifications: the walk sends them at once. */
  onQueued?: (id: string) => void;

  constructor(
    readonly store: AuditStore,
    readonly calendar: WorkCalendar,
    private readonly planner?: NoticePlanner,
  ) {}

  /** Appends what the planner adds for an action already folded into `after`. */
  private appendNotices(before: IncidentState | null, after: IncidentState, drafts: readonly EventDraft[]): IncidentState {
    const notices = this.planner?.(before, after, drafts, after.events + 1) ?? [];
    if (notices.length === 0) return after;
    this.store.append(after.id, notices);
    const time = this.time(after.opened.timezone);
    for (const notice of notices) foldOne(after, notice, time);
    if (notices.some((n) => n.type === 'notification.queued')) {
      this.queued.add(after.id);
      // not inside this transaction: the sender claims in transactions of its own
      if (this.onQueued) setImmediate(() => this.onQueued?.(after.id));
    }
    return after;
  }

  time(timeZone: string): TimeContext {
    return { calendar: this.calendar, timeZone };
  }

  /** The current state: the cached fold brought up to the log's head (another process may append). */
  private foldEvents(id: string): IncidentState {
    const cached = this.states.get(id);
    const head = this.store.headSeq(id);
    if (cached && cached.events === head) return cached;
    let state: IncidentState;
    if (cached && cached.events < head) {
      state = cloneState(cached);
      const time = this.time(state.opened.timezone);
      for (const event of this.store.eventsAfter(id, cached.events)) foldOne(state, event, time);
    } else {
      try {
        const events = this.store.events(id);
        if (events.length === 0) throw unknownIncident(this.store, id);
        state = fold(id, events, this.time((events[0]!.payload as OpenedPayload).timezone));
      } catch (error) {
        if (error instanceof CliError) throw error;
        // a log that was altered outside the tool: say so, and where to look, not "internal error"
        throw new WorkError(t('incident.damaged', { id, detail: (error as Error).message }));
      }
    }
    this.states.set(id, state);
    return state;
  }

  load(id: string): IncidentState {
    return this.foldEvents(id);
  }

  /** Opens an incident under a fresh id (INC-/DRL-YYYYMMDD-NNN, by the day it is recorded, in the firm's zone). */
  open(request: OpenRequest, at: number, actor: string): IncidentState {
    return this.store.transact(() => {
      const id = this.store.nextId(request.mode === 'drill' ? 'DRL' : 'INC', localDate(toLocal(Date.now(), request.timezone)));
      const drafts = openIncident(id, request, at, actor, this.time(request.timezone));
      this.store.append(id, drafts);
      const opened = this.foldEvents(id);
      if (!this.planner) return opened;
      const after = this.appendNotices(null, cloneState(opened), drafts);
      this.states.set(id, after);
      return after;
    });
  }

  /** Decides against the current state and appends, with no other writer in between. */
  act(id: string, decide: (state: IncidentState, time: TimeContext) => EventDraft[]): IncidentState {
    return this.store.transact(() => {
      const before = this.foldEvents(id);
      const time = this.time(before.opened.timezone);
      const drafts = decide(before, time);
      if (drafts.length === 0) return before;
      this.store.append(id, drafts);
      // a new object: callers holding the state from before keep their snapshot
      const after = cloneState(before);
      for (const draft of drafts) foldOne(after, draft, time);
      this.appendNotices(before, after, drafts);
      this.states.set(id, after);
      return after;
    });
  }
}

/** A warning when the playbook file differs from the definition the incident pinned, else undefined. */
export function playbookDrift(state: IncidentState): string | undefined {
  const { file, id, version, sha256: pinned } = state.playbook;
  if (!existsSync(file)) return t('drift.missing', { file });
  return sha256(readFileSync(file)) === pinned ? undefined : t('drift.changed', { id, version, sha: pinned.slice(0, 12) });
}

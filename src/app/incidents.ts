// The edge where the engine meets the store: read the log, fold, decide, append, in one
// transaction (SQLite: IMMEDIATE; PostgreSQL: holding the incident's advisory lock). Every front
// end (start, the script commands, drill) comes through here, and withIncidents() is where a
// command's store is opened and closed.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writer } from '../engine/approvals.js';
import { defaultActor } from '../config.js';
import type { Context } from '../context.js';
import { CliError, DamagedLogError, InputError, message, verbatim, WorkError, type Message } from '../errors.js';
import { openIncident, type OpenRequest } from '../engine/decide.js';
import type { EventDraft, IncidentEvent, OpenedPayload } from '../engine/events.js';
import { malformedEvent } from '../engine/payload-shape.js';
import { cloneState, evolve, fold, succeedState, type IncidentState } from '../engine/fold.js';
import { planNotices } from '../notify/outbox.js';
import { loadCalendar, sha256 } from '../playbook/library.js';
import { requireFreeSpace, SPACE } from '../fsutil.js';
import { maskDb } from './config-file.js';
import { auditKey } from '../store/hash.js';
import { isPostgresUrl, openIncidentStore } from '../store/open.js';
import type { IncidentStore, StoreReader, StoreTransaction } from '../store/port.js';
import type { WorkCalendar } from '../time/calendar.js';
import type { TimeContext } from '../time/duration.js';
import { localDate, toLocal } from '../time/zone.js';

/** No events for the id: unknown, or listed once and its whole log deleted since. */
export async function unknownIncident(store: IncidentStore, id: string): Promise<CliError> {
  return (await store.isListed(id)) ? new WorkError('incident.logGone', { id }) : new InputError('incident.unknown', { id, db: store.location });
}

/**
 * What an action must also record for the teams to hear of it (SPEC §9): the outbox's events,
 * appended in the action's own transaction. `firstSeq` is the sequence number the first will get.
 */
export type NoticePlanner = (before: IncidentState | null, after: IncidentState, drafts: readonly EventDraft[], firstSeq: number) => EventDraft[];

export interface IncidentsOptions {
  /** The drafts' times are a virtual clock (a drill): the store keeps them instead of stamping its own. */
  virtualClock?: boolean;
  /** Bytes the database's disk must have free before a writer opens it (default SPACE.database). */
  space?: number;
}

export class Incidents {
  /** Folded states by incident; the log is append-only, so a state only ever needs newer events. */
  private readonly states = new Map<string, IncidentState>();
  /**
   * Incidents this service queued notifications for: a command sends them before it exits. Shared
   * with the run's context (`ctx.queued`), so the program knows without a registry of its own.
   */
  readonly queued: Set<string>;
  /** Told (after the transaction) when an action queued notifications: the walk sends them at once. */
  onQueued?: (id: string) => void;
  /** The seqs this service appended, by incident: what others recorded meanwhile is the rest. */
  private readonly appended = new Map<string, Set<number>>();

  constructor(
    readonly store: IncidentStore,
    readonly calendar: WorkCalendar,
    private readonly planner?: NoticePlanner,
    private readonly options: IncidentsOptions = {},
    queued: Set<string> = new Set(),
  ) {
    this.queued = queued;
  }

  /**
   * Appends, in the action's transaction, what the planner adds for an action already folded into
   * `after`; returns the events it added.
   */
  private async appendNotices(tx: StoreTransaction, before: IncidentState | null, after: IncidentState, drafts: readonly EventDraft[]): Promise<IncidentEvent[]> {
    const notices = this.planner?.(before, after, drafts, after.events + 1) ?? [];
    if (notices.length === 0) return [];
    const stored = await tx.append(after.id, notices, this.options);
    const time = this.time(after.opened.timezone);
    for (const notice of stored) evolve(after, notice, time);
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
      const events = await reader.eventsAfter(id, cached.events);
      refuseMalformed(id, events);
      for (const event of events) evolve(state, event, time);
    } else {
      try {
        const events = await reader.events(id);
        if (events.length === 0) throw await unknownIncident(this.store, id);
        refuseMalformed(id, events);
        state = fold(id, events, this.time((events[0]!.payload as OpenedPayload).timezone));
      } catch (error) {
        if (error instanceof CliError) throw error;
        // a log that was altered outside the tool: say so, and where to look, not "internal error"
        throw new WorkError('incident.damaged', { id, detail: damage(error) });
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
      // a new object: callers holding the state from before keep their snapshot — but for the
      // incident's notes, handed over so a note is not a copy of every note before it (O(n²))
      const next = succeedState(before);
      for (const event of stored) evolve(next, event, time);
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
    const after = await this.store.eventsAfter(id, seq);
    // read once the events are in: an action of ours that committed meanwhile is ours, not news
    const mine = this.appended.get(id);
    return after.filter((e) => !mine?.has(e.seq));
  }
}

/** An event whose shape is not as the tool writes it is named, before the fold trusts it. */
function refuseMalformed(id: string, events: readonly IncidentEvent[]): void {
  for (const event of events) {
    const field = malformedEvent(event);
    if (field) throw new WorkError('incident.damaged', { id, detail: message('event.malformed', { seq: event.seq, type: event.type, field }) });
  }
}

/** What is wrong with a log that cannot be folded: the fold's own words, or a payload's that broke it. */
export function damage(error: unknown): Message {
  return error instanceof DamagedLogError ? error.said : verbatim((error as Error)?.message ?? String(error));
}

/** A warning when the playbook file differs from the definition the incident pinned, else undefined. */
export function playbookDrift(state: IncidentState): Message | undefined {
  const { file, id, version, sha256: pinned } = state.playbook;
  if (!existsSync(file)) return message('drift.missing', { file });
  return sha256(readFileSync(file)) === pinned ? undefined : message('drift.changed', { id, version, sha: pinned.slice(0, 12) });
}

/** The store --db names: an SQLite file (created on first write) or a shared PostgreSQL (SPEC §6). */
export function openStore(ctx: Context, readonly = false, space: number = SPACE.database): Promise<IncidentStore> {
  if (!readonly) {
    // a disk found full before the first write (issue 17, build 9); a server's disk cannot be known here
    if (!isPostgresUrl(ctx.db)) requireFreeSpace(ctx.db, space);
    announceDb(ctx);
  }
  return openIncidentStore(ctx.db, { readonly, key: auditKey(ctx.env), recordedBy: defaultActor(ctx.env), env: ctx.env, warn: (said) => ctx.err(ctx.messages.say(said)) });
}

/** Whether the store may exist: an SQLite file that is not there has no incidents (and is not created to say so). */
export function storeExists(ctx: Context): boolean {
  return isPostgresUrl(ctx.db) || existsSync(ctx.db);
}

/**
 * The incidents service on the context's store; the caller closes it (withIncidents does). One
 * that writes also plans the teams' notifications (SPEC §9) into the run's `queued`.
 */
export async function incidents(ctx: Context, readonly = false, options: IncidentsOptions = {}): Promise<Incidents> {
  const store = await openStore(ctx, readonly, options.space);
  return readonly ? new Incidents(store, loadCalendar(ctx.playbooksDir), undefined, options) : new Incidents(store, loadCalendar(ctx.playbooksDir), planNotices, options, ctx.queued);
}

/**
 * Commands about an existing incident: on a database that does not exist yet the id is unknown,
 * and no new empty file is left behind.
 */
export async function existingIncidents(ctx: Context, id: string, readonly = false): Promise<Incidents> {
  if (!storeExists(ctx)) throw new InputError('incident.unknown', { id, db: ctx.db });
  return incidents(ctx, readonly);
}

export function incidentsForReading(ctx: Context, id: string): Promise<Incidents> {
  return existingIncidents(ctx, id, true);
}

/** Runs fn with the incidents of the store, closed afterwards whatever happens (a server's connection too). */
export async function withIncidents<T>(opening: Promise<Incidents>, fn: (service: Incidents) => Promise<T> | T): Promise<T> {
  const service = await opening;
  try {
    return await fn(service);
  } finally {
    await service.store.close();
  }
}

/** The runs that have said which database they write to: once a run, without a module-level flag per process. */
const announced = new WeakSet<Context>();

/**
 * A command that writes says where, once, when that is not the database the current folder's
 * sec-incident.yaml gives: a responder in another folder must not record into a private file
 * unawares (SPEC §10). A --db typed on the command line is known to whoever typed it.
 */
export function announceDb(ctx: Context): void {
  if (announced.has(ctx) || !ctx.sources || ctx.sources.db.from === 'flag') return;
  const same = (a: string, b: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(a) ? a === b : resolve(ctx.cwd, a) === resolve(ctx.cwd, b));
  if (ctx.folderDb !== undefined && same(ctx.folderDb, ctx.db)) return;
  announced.add(ctx);
  ctx.err(
    ctx.folderDb === undefined
      ? ctx.messages.t('db.noFolderConfig', { db: maskDb(ctx.db) })
      : ctx.messages.t('db.elsewhere', { db: maskDb(ctx.db), folder: maskDb(ctx.folderDb) }),
  );
}

/**
 * Who signs (SPEC §9): the claimed actor, and who the store knows them as when it vouches for it
 * (PostgreSQL's session user, which every event's recorded_by must equal). The SQLite file cannot
 * tell people apart, so there the claim is all there is.
 */
export function writerFor(service: Incidents, actor: string): Writer {
  const store = service.store;
  const sessionUser = 'sessionUser' in store && typeof store.sessionUser === 'string' ? store.sessionUser : undefined;
  return store.recorderVerified && sessionUser ? { actor, recordedBy: sessionUser, verified: true } : { actor, verified: false };
}

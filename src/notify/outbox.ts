// The outbox is part of each incident's log (SPEC §9): what an action must tell the teams is
// queued in the action's own transaction; claims, deliveries and reminders are events too, so two
// watchers, or a watcher restarted, agree on what is still to do. Pure: no clock, no store.
import type { EventDraft } from '../engine/events.js';
import { approvalNeeds } from '../engine/approvals.js';
import { definitionOf, lifecycle, type IncidentState } from '../engine/fold.js';
import type { Channel, ChannelType, SecretRef, Team } from '../playbook/schema.js';
import { buildNotice, type Notice, type NoticeEvent, type NoticeIncident, type NoticeKind } from './notice.js';

export interface QueuedPayload {
  id: string;
  kind: NoticeKind;
  team: string;
  /** Where it goes: the channel as configured (names of variables and files, never their values). */
  channel: { index: number; type: ChannelType; url: SecretRef; secret?: SecretRef; drill: boolean };
  notice: Notice;
}

export type SuppressedPayload = Omit<QueuedPayload, 'notice'> & { reason: 'drill'; title: string };

/** Attempts after which a notification is given up, whatever the platform said. */
export const MAX_ATTEMPTS = 10;

export interface OutboxEntry {
  queued: QueuedPayload;
  queuedAt: number;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
  /** Parts a platform acknowledged: a retry starts after them. */
  delivered: number;
  /** A failed attempt that may be tried again from this moment. */
  retryAt?: number;
  claim?: { by: string; until: number };
  sentAt?: number;
  code?: number | string;
  httpStatus?: number;
  /** Who it went out without @mentioning: no longer in teams.yaml when it was sent (issue 17, item 13). */
  unmentioned?: string[];
}

export interface Outbox {
  entries: Map<string, OutboxEntry>;
  /** `kind step dueAt` of every reminder raised, so none is raised twice. */
  reminders: Set<string>;
  suppressed: (SuppressedPayload & { at: number })[];
}

export function emptyOutbox(): Outbox {
  return { entries: new Map(), reminders: new Set(), suppressed: [] };
}

/** The names a stored payload lists; nothing from a field an altered log made something else. */
export function namesOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

export const reminderKey = (kind: 'due' | 'overdue', step: string, dueAt: number) => `${kind} ${step} ${dueAt}`;

/** Folds the outbox's events (others are ignored) into an outbox; mutates and returns it. */
export function foldOutbox(events: readonly EventDraft[], outbox: Outbox = emptyOutbox()): Outbox {
  for (const event of events) {
    switch (event.type) {
      case 'notification.queued':
        outbox.entries.set(event.payload.id, { queued: event.payload, queuedAt: event.at, status: 'queued', attempts: 0, delivered: 0 });
        break;
      case 'notification.suppressed':
        outbox.suppressed.push({ ...event.payload, at: event.at });
        break;
      case 'notification.claimed':
        for (const id of event.payload.ids) {
          const entry = outbox.entries.get(id);
          if (entry) entry.claim = { by: event.payload.by, until: Date.parse(event.payload.until) };
        }
        break;
      case 'notification.sent': {
        const entry = outbox.entries.get(event.payload.id);
        if (!entry) break;
        Object.assign(entry, { status: 'sent', attempts: event.payload.attempt, delivered: event.payload.parts, sentAt: event.at, claim: undefined, retryAt: undefined });
        entry.code = event.payload.code;
        entry.httpStatus = event.payload.status;
        const unmentioned = namesOf(event.payload.unmentioned);
        if (unmentioned.length) entry.unmentioned = unmentioned;
        break;
      }
      case 'notification.failed': {
        const entry = outbox.entries.get(event.payload.id);
        if (!entry) break;
        const p = event.payload;
        Object.assign(entry, { status: 'failed', attempts: p.attempt, delivered: p.delivered, claim: undefined, code: p.code, httpStatus: p.status });
        entry.retryAt = p.retryAt ? Date.parse(p.retryAt) : undefined;
        break;
      }
      case 'reminder.raised':
        outbox.reminders.add(reminderKey(event.payload.kind, event.payload.step, Date.parse(event.payload.dueAt)));
        break;
    }
  }
  return outbox;
}

/** Whether an entry is for a sender to take now: not acknowledged, not given up, not held by a live claim. */
export function isDeliverable(entry: OutboxEntry, now: number): boolean {
  if (entry.status === 'sent') return false;
  if (entry.claim && entry.claim.until > now) return false;
  if (entry.status === 'failed' && (entry.retryAt === undefined || entry.retryAt > now || entry.attempts >= MAX_ATTEMPTS)) return false;
  return true;
}

/** When something the outbox records happened on the incident's clock: a drill's clock is its own, and never runs back. */
export function outboxTime(state: Pick<IncidentState, 'mode' | 'lastAt'>, now: number): number {
  return state.mode === 'drill' ? state.lastAt : Math.max(now, state.lastAt);
}

function noticeIncident(state: IncidentState): NoticeIncident {
  return {
    id: state.id,
    title: state.opened.title,
    tier: state.tier,
    direction: state.direction,
    mode: state.mode,
    lang: state.opened.lang,
    timezone: state.opened.timezone,
  };
}

/** The events that tell one team about an occasion on each of its channels, numbered from `seq`. */
function toTeam(state: IncidentState, team: Team, event: NoticeEvent, at: number, actor: string, seq: { next: number }): EventDraft[] {
  const drafts: EventDraft[] = [];
  (team.channels ?? []).forEach((channel: Channel, i) => {
    // the id names the log entry that queued it: unique, and found again with `log`
    const id = `${state.id}/N${seq.next++}`;
    const where = {
      index: i + 1,
      type: channel.type,
      url: channel.url,
      ...('secret' in channel && channel.secret ? { secret: channel.secret } : {}),
      drill: channel.drill,
    };
    const notice = buildNotice(id, noticeIncident(state), team, event, at);
    if (state.mode === 'drill' && !channel.drill) {
      drafts.push({ type: 'notification.suppressed', at, actor, payload: { id, kind: event.kind, team: team.id, channel: where, reason: 'drill', title: notice.title } });
    } else {
      drafts.push({ type: 'notification.queued', at, actor, payload: { id, kind: event.kind, team: team.id, channel: where, notice } });
    }
  });
  return drafts;
}

function teamOf(state: IncidentState, id: string): Team | undefined {
  return state.opened.teams.find((team) => team.id === id);
}

const activeTeams = (state: IncidentState) => [...new Set(state.teams.map((x) => x.team))];

/**
 * What an action must tell the teams (SPEC §9), given the state before it (null for an opening),
 * after it, and the events it recorded. `firstSeq` is the sequence number the first of the
 * returned events will get.
 */
export function planNotices(before: IncidentState | null, after: IncidentState, drafts: readonly EventDraft[], firstSeq: number): EventDraft[] {
  if (!after.opened.teams.some((team) => team.channels?.length)) return [];
  const last = drafts[drafts.length - 1];
  if (!last) return [];
  const at = last.at;
  const actor = last.actor;
  const seq = { next: firstSeq };
  const out: EventDraft[] = [];
  const send = (teamId: string, event: NoticeEvent) => {
    const team = teamOf(after, teamId);
    if (team) out.push(...toTeam(after, team, event, at, actor, seq));
  };
  const wasActive = new Set(before ? activeTeams(before) : []);
  const nowActive = activeTeams(after);
  const told = new Set<string>();

  if (before === null) {
    for (const team of nowActive) (send(team, { kind: 'opened' }), told.add(team));
    return out;
  }

  const tierOrDirection = before.tier !== after.tier || before.direction !== after.direction;
  if (tierOrDirection) {
    const dueBefore = new Map(before.steps.filter((s) => s.status === 'pending').map((s) => [s.id, s.dueAt]));
    const steps = after.steps
      .filter((s) => s.status === 'pending' && s.dueAt !== null)
      .filter((s) => !dueBefore.has(s.id) || (dueBefore.get(s.id) ?? Infinity) > s.dueAt!)
      .map((s) => ({ id: s.id, title: definitionOf(after, s.stepId).title, dueAt: s.dueAt }));
    for (const team of nowActive) {
      send(team, { kind: 'regraded', from: { tier: before.tier, direction: before.direction }, to: { tier: after.tier, direction: after.direction }, steps, activated: !wasActive.has(team) });
      told.add(team);
    }
  }
  // a team brought in by a step's duty, without a change of tier, is told it is activated
  for (const team of nowActive) if (!wasActive.has(team) && !told.has(team)) (send(team, { kind: 'opened' }), told.add(team));

  const toldDecisions = new Set<string>();
  for (const d of drafts) {
    if (d.type === 'decision.made' || (d.type === 'step.completed' && d.payload.outcome)) {
      const decision = d.type === 'decision.made' ? d.payload.decision : definitionOf(after, d.payload.step.split('#')[0]!).decision?.id;
      const option = d.type === 'decision.made' ? d.payload.outcome : d.payload.outcome!;
      if (!decision || toldDecisions.has(decision)) continue;
      const previous = before.decisions[decision];
      if (previous === option) continue;
      toldDecisions.add(decision);
      const reason = d.type === 'decision.made' ? d.payload.reason : d.payload.note;
      for (const team of nowActive) send(team, { kind: 'decision', decision, option, ...(previous ? { previous } : {}), ...(reason ? { reason } : {}) });
    } else if (d.type === 'statement.drafted') {
      // a draft awaiting approval goes to the approvers (SPEC §9)
      const def = definitionOf(after, d.payload.step.split('#')[0]!);
      for (const { team } of approvalNeeds(def.approval)) send(team, { kind: 'approval', step: d.payload.step, title: def.title, author: d.actor });
    } else if (d.type === 'incident.recovered' && before.recoveredAt === null) {
      for (const team of nowActive) send(team, { kind: 'recovered', recoveredAt: after.recoveredAt ?? d.at });
    } else if (d.type === 'incident.closed') {
      for (const team of nowActive) send(team, { kind: 'closed', forced: d.payload.forced, pending: d.payload.pending.length, ...(d.payload.summary ? { summary: d.payload.summary } : {}), ...(d.payload.reason ? { reason: d.payload.reason } : {}) });
    }
  }
  return out;
}

/**
 * Due and overdue reminders not raised yet (SPEC §9): each pending step with a due time is
 * reminded `leadMs` before it, and once when it has passed, to its owner team. Drills and closed
 * incidents raise none.
 */
export function planReminders(state: IncidentState, outbox: Outbox, now: number, leadMs: number, actor: string, firstSeq: number): EventDraft[] {
  if (state.mode === 'drill' || lifecycle(state) === 'closed') return [];
  const at = outboxTime(state, now);
  const seq = { next: firstSeq };
  const out: EventDraft[] = [];
  for (const step of state.steps) {
    if (step.status !== 'pending' || step.dueAt === null) continue;
    const kind = now >= step.dueAt ? 'overdue' : now >= step.dueAt - leadMs ? 'due' : undefined;
    // a step found overdue is not also told it is coming due
    if (!kind || outbox.reminders.has(reminderKey(kind, step.id, step.dueAt))) continue;
    seq.next += 1; // the reminder.raised event itself
    out.push({ type: 'reminder.raised', at, actor, payload: { kind, step: step.id, dueAt: new Date(step.dueAt).toISOString() } });
    const team = teamOf(state, step.owner);
    if (team) out.push(...toTeam(state, team, { kind, step: step.id, title: definitionOf(state, step.stepId).title, dueAt: step.dueAt }, now, actor, seq));
  }
  return out;
}

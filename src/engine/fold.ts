// An incident's state is a fold over its events (SPEC §1, §4). No clock, no I/O.
import type { GradingInputs, GradingResult } from '../grading/grade.js';
import type { HandlingDirection, Indicator, Phase, StepDefinition, Tier } from '../playbook/schema.js';
import { tierRank } from '../playbook/vocabulary.js';
import type { TimeContext } from '../time/duration.js';
import { toLocal } from '../time/zone.js';
import { DamagedLogError, message } from '../errors.js';
import type { EventDraft, OpenedPayload, PinnedPlaybook, SignalsImportedPayload, StatementPayload, WithdrawCause } from './events.js';
export type { WithdrawCause } from './events.js';
import { evolveSignoff, type DraftRecord, type RequestRecord, type SignoffRecord } from './approvals.js';
import { applies, dueFrom, earlier, isLate, repeatAfter, untilOf } from './rules.js';
import { addStep, addStepNote, changeStep, disown, handOverNotes, hasLaterOccurrence, instanceById, latestOf, mutableList, mutableRecord, pendingOf, removeStep } from './copy-on-write.js';

export type StepStatus = 'pending' | 'done' | 'skipped' | 'withdrawn';

export interface StepInstance {
  /** `<step-id>` for the first occurrence, `<step-id>#N` for repeats. */
  id: string;
  stepId: string;
  occurrence: number;
  phase: Phase;
  owner: string;
  status: StepStatus;
  applicableAt: number;
  dueAt: number | null;
  completedAt: number | null;
  withdrawnAt: number | null;
  withdrawnBy: WithdrawCause | null;
  /** Withdrawn once after its due time had passed: a deadline missed stays missed (SPEC §4). */
  missed: boolean;
  /** A decision step's outcome, as recorded when it was done. */
  outcome?: string;
  /** Done by a `decide` rather than by completing the step itself. */
  byDecision?: boolean;
  note?: string;
  reason?: string;
  actor?: string;
  notes: { at: number; actor: string; text: string }[];
}

export interface GradingRecord {
  at: number;
  actor: string;
  inputs: GradingInputs;
  result: GradingResult;
  tier: Tier;
  previousTier: Tier | null;
  override: boolean;
  reason?: string;
}

export interface DecisionRecord {
  at: number;
  actor: string;
  decision: string;
  outcome: string;
  previous: string | null;
  reason?: string;
  /** The step whose completion recorded it, when it was not a `decide`. */
  step?: string;
}

export interface IncidentState {
  id: string;
  opened: OpenedPayload;
  playbook: PinnedPlaybook;
  mode: OpenedPayload['mode'];
  openedAt: number;
  /** When the fault began and when the firm learnt of it (SPEC §4.2); the opening when not stated. */
  startedAt: number;
  discoveredAt: number;
  /** When service came back, as stated (`recover --at`), else when the recovery was recorded. */
  recoveredAt: number | null;
  recoveryRecordedAt: number | null;
  closedAt: number | null;
  closed: { summary?: string; forced: boolean; reason?: string; pending: string[] } | null;
  tier: Tier;
  direction: HandlingDirection;
  inputs: GradingInputs;
  /** The indicators' levels from the latest grading: `when` conditions read them. */
  levels: Partial<Record<Indicator, number>>;
  /** Each decision's latest outcome (SPEC §4.1), and every outcome recorded, in order. */
  decisions: Record<string, string>;
  decisionLog: DecisionRecord[];
  /** Steps done or skipped at least once: an `until: <step>` has come once its step ended. */
  ended: string[];
  gradings: GradingRecord[];
  tierHistory: { at: number; tier: Tier }[];
  maxTier: Tier;
  steps: StepInstance[];
  teams: { team: string; at: number; tier: Tier; step?: string; approval?: true }[];
  reached: { team: string; member: string; reached: boolean; at: number; actor: string; note?: string }[];
  reopened: { at: number; actor: string; step: string; reason: string }[];
  notes: { at: number; actor: string; text: string; step?: string }[];
  statements: (StatementPayload & { at: number; actor: string })[];
  /** Four-eyes sign-off (SPEC §9): statement drafts, verdicts on them, requests awaiting a second person. */
  drafts: DraftRecord[];
  signoffs: SignoffRecord[];
  requests: RequestRecord[];
  /** The playbook's variables as they stand: those given at the opening, then each update. */
  vars: Record<string, string>;
  /** Monitoring exports imported and graded on, oldest first. */
  signals: (SignalsImportedPayload & { at: number; actor: string })[];
  lastAt: number;
  events: number;
  /** The last year the working-day calendar covers, if known (SPEC §4: due times past it are flagged). */
  calendarLastYear: number | null;
}

export type Lifecycle = 'open' | 'recovered' | 'closed';

export function lifecycle(state: IncidentState): Lifecycle {
  return state.closedAt !== null ? 'closed' : state.recoveredAt !== null ? 'recovered' : 'open';
}

/** The pinned definition of a step of this incident. */
export function definitionOf(state: IncidentState, stepId: string): StepDefinition {
  const def = state.opened.definition.steps.find((s) => s.id === stepId);
  if (!def) throw new DamagedLogError(message('fold.noSuchStep', { step: stepId }));
  return def;
}

/** A `from: recovered` step before recovery: it has no due time and nothing to do yet. */
export function waitsForRecovery(state: IncidentState, step: StepInstance): boolean {
  return definitionOf(state, step.stepId).from === 'recovered' && state.recoveredAt === null;
}

function newInstance(def: StepDefinition, occurrence: number, at: number, dueAt: number | null): StepInstance {
  return {
    id: occurrence === 1 ? def.id : `${def.id}#${occurrence}`,
    stepId: def.id,
    occurrence,
    phase: def.phase,
    owner: def.owner,
    status: 'pending',
    applicableAt: at,
    dueAt,
    completedAt: null,
    withdrawnAt: null,
    withdrawnBy: null,
    missed: false,
    notes: [],
  };
}

/** Due time for a step that becomes applicable at `at` (SPEC §4, §4.2). */
function initialDue(def: StepDefinition, state: IncidentState, at: number, time: TimeContext): number | null {
  if (def.from === 'discovered') return dueFrom(def, state.tier, state.discoveredAt, time) ?? null;
  if (def.from !== 'recovered') return dueFrom(def, state.tier, at, time) ?? null;
  // counted from the recovery, also when a regrade brings the step in later (the summary report
  // is owed five working days after recovery, whenever the grading changed)
  return state.recoveredAt === null ? null : (dueFrom(def, state.tier, state.recoveredAt, time) ?? null);
}

/** Whether a repeating step's `until` has come: then no occurrence is created (SPEC §4). */
export function untilCame(state: IncidentState, def: StepDefinition): boolean {
  if (!def.repeat) return false;
  const until = untilOf(def);
  if (until === 'recovered') return state.recoveredAt !== null;
  if (until === 'closed') return state.closedAt !== null;
  return state.ended.includes(until);
}

const untilCause = (def: StepDefinition): WithdrawCause => {
  const until = untilOf(def);
  return until === 'recovered' ? 'recovered' : until === 'closed' ? 'closed' : 'until';
};

/**
 * Withdraws an open occurrence at `at`. It is late when its due time had passed by `effective` —
 * the moment the withdrawal counts from (the stated recovery time for a recovery recorded late).
 */
function withdraw(state: IncidentState, step: StepInstance, at: number, cause: WithdrawCause, effective = at): void {
  changeStep(state, step, { status: 'withdrawn', withdrawnAt: at, withdrawnBy: cause, ...(step.dueAt !== null && effective > step.dueAt ? { missed: true } : {}) });
}

export const facts = (state: IncidentState) => ({ tier: state.tier, direction: state.direction, levels: state.levels, decisions: state.decisions });

/**
 * After a regrade or a decision: steps that stop applying are withdrawn, steps that start applying
 * are pending and due from this moment, and on a tier change every pending due time becomes the
 * earlier of itself and t + due(new tier) — de-escalation never relaxes a due time (SPEC §4).
 */
function reconcile(state: IncidentState, at: number, actor: string, tierChanged: boolean, time: TimeContext): void {
  const now = facts(state);
  for (const def of state.opened.definition.steps) {
    const current = latestOf(state, def.id);
    if (applies(def, now)) {
      const ended = untilCame(state, def);
      if (!current && ended) {
        // it applies, but no occurrence of a repeating step is created once its `until` came
        addStep(state, { ...newInstance(def, 1, at, null), status: 'withdrawn', withdrawnAt: at, withdrawnBy: untilCause(def) });
      } else if (!current) {
        const instance = addStep(state, newInstance(def, 1, at, initialDue(def, state, at, time)));
        doneByEarlierDecision(state, instance, def, at, actor, time);
      } else if (current.status === 'withdrawn' && current.withdrawnBy === 'not-applicable' && !ended) {
        // applies again: pending again, due from this moment like any step a regrade brings in
        // (t + due of the tier); an occurrence of a step with no due for the tier, t + its repeat
        const again = changeStep(state, current, { status: 'pending', applicableAt: at, withdrawnAt: null, withdrawnBy: null });
        again.dueAt = initialDue(def, state, at, time) ?? (again.occurrence > 1 ? (repeatAfter(def, at, time) ?? null) : null);
        doneByEarlierDecision(state, again, def, at, actor, time);
      } else if (current.status === 'pending' && tierChanged) {
        if (!waitsForRecovery(state, current)) changeStep(state, current, { dueAt: earlier(current.dueAt, dueFrom(def, state.tier, at, time)) });
      }
    } else if (current?.status === 'pending') {
      withdraw(state, current, at, 'not-applicable');
    }
  }
}

/** A decision step whose decision was already made is done, by that decision, when it comes to apply. */
function doneByEarlierDecision(state: IncidentState, instance: StepInstance, def: StepDefinition, at: number, actor: string, time: TimeContext): void {
  const outcome = def.decision ? state.decisions[def.decision.id] : undefined;
  if (outcome === undefined) return;
  changeStep(state, finish(state, instance, 'done', at, actor, time), { outcome, byDecision: true });
}

/**
 * Done or skipped: the next occurrence of a repeating step, and the repeats whose `until` it is.
 * Returns the step as it now stands in the state (a copy, when the state shared it).
 */
function finish(state: IncidentState, step: StepInstance, status: 'done' | 'skipped', at: number, actor: string, time: TimeContext): StepInstance {
  const mine = changeStep(state, step, { status, completedAt: at, actor });
  const def = definitionOf(state, mine.stepId);
  if (!state.ended.includes(def.id)) {
    mutableList(state, 'ended').push(def.id);
    // `until: <this step>` comes now, for good (reopening this step does not restart the repeat)
    for (const other of state.opened.definition.steps) {
      if (other.repeat && other.until === def.id) {
        for (const s of state.steps.filter((x) => x.stepId === other.id && x.status === 'pending')) withdraw(state, s, at, 'until');
      }
    }
  }
  if (def.repeat && !untilCame(state, def) && !hasLaterOccurrence(state, def.id, mine.occurrence)) {
    addStep(state, newInstance(def, mine.occurrence + 1, at, repeatAfter(def, at, time) ?? null));
  }
  return mine;
}

function recordDecision(state: IncidentState, record: DecisionRecord): void {
  mutableList(state, 'decisionLog').push(record);
  mutableRecord(state, 'decisions')[record.decision] = record.outcome;
}

function findInstance(state: IncidentState, id: string): StepInstance {
  const instance = instanceById(state, id);
  if (!instance) throw new DamagedLogError(message('fold.neverApplied', { step: id }));
  return instance;
}

function applyEvent(state: IncidentState, event: EventDraft, time: TimeContext): void {
  const { at, actor } = event;
  switch (event.type) {
    case 'incident.opened':
      break;
    case 'incident.graded': {
      const p = event.payload;
      const previousTier = state.gradings.length ? state.tier : null;
      mutableList(state, 'gradings').push({
        at,
        actor,
        inputs: p.inputs,
        result: p.result,
        tier: p.tier,
        previousTier,
        override: p.override,
        reason: p.reason,
      });
      state.inputs = p.inputs;
      state.levels = { ...p.result.levels };
      if (state.tierHistory.length === 0 || state.tier !== p.tier) mutableList(state, 'tierHistory').push({ at, tier: p.tier });
      if (tierRank(p.tier) > tierRank(state.maxTier)) state.maxTier = p.tier;
      state.tier = p.tier;
      state.direction = p.result.direction;
      reconcile(state, at, actor, previousTier !== null && previousTier !== p.tier, time);
      break;
    }
    case 'team.activated': {
      const p = event.payload;
      mutableList(state, 'teams').push({ team: p.team, at, tier: p.tier, ...(p.step ? { step: p.step } : {}), ...(p.approval ? { approval: true as const } : {}) });
      break;
    }
    case 'team.reached':
      mutableList(state, 'reached').push({ ...event.payload, at, actor });
      break;
    case 'step.completed':
    case 'step.skipped': {
      let step = findInstance(state, event.payload.step);
      const def = definitionOf(state, step.stepId);
      if (event.type === 'step.completed') {
        step = changeStep(state, step, { note: event.payload.note });
        const outcome = event.payload.outcome;
        if (def.decision && outcome !== undefined) {
          step = changeStep(state, step, { outcome });
          recordDecision(state, { at, actor, decision: def.decision.id, outcome, previous: state.decisions[def.decision.id] ?? null, step: step.id });
        }
      } else step = changeStep(state, step, { reason: event.payload.reason });
      finish(state, step, event.type === 'step.completed' ? 'done' : 'skipped', at, actor, time);
      if (def.decision && event.type === 'step.completed' && event.payload.outcome !== undefined) reconcile(state, at, actor, false, time);
      break;
    }
    case 'decision.made': {
      const p = event.payload;
      recordDecision(state, { at, actor, decision: p.decision, outcome: p.outcome, previous: p.previous, ...(p.reason ? { reason: p.reason } : {}) });
      // the decision's own step, still pending, is done by it
      const def = state.opened.definition.steps.find((s) => s.decision?.id === p.decision);
      const open = def && pendingOf(state, def.id);
      if (open) changeStep(state, finish(state, open, 'done', at, actor, time), { outcome: p.outcome, byDecision: true, ...(p.reason ? { note: p.reason } : {}) });
      reconcile(state, at, actor, false, time);
      break;
    }
    case 'step.reopened': {
      const step = findInstance(state, event.payload.step);
      // the next occurrence its completion scheduled goes with it; completing it again schedules anew
      const next = state.steps.findIndex((s) => s.stepId === step.stepId && s.occurrence === step.occurrence + 1 && s.status === 'pending');
      if (next >= 0) removeStep(state, next);
      const reopened = changeStep(state, step, { status: 'pending', completedAt: null, note: undefined, reason: undefined, byDecision: undefined });
      addStepNote(state, reopened, { at, actor, text: event.payload.reason });
      mutableList(state, 'reopened').push({ at, actor, step: step.id, reason: event.payload.reason });
      break;
    }
    case 'step.withdrawn': {
      const step = findInstance(state, event.payload.step);
      if (step.status === 'pending') withdraw(state, step, at, event.payload.cause);
      break;
    }
    case 'note.added': {
      mutableList(state, 'notes').push({ at, actor, text: event.payload.text, step: event.payload.step });
      if (event.payload.step) addStepNote(state, findInstance(state, event.payload.step), { at, actor, text: event.payload.text });
      break;
    }
    case 'statement.rendered':
      mutableList(state, 'statements').push({ ...event.payload, at, actor });
      break;
    case 'vars.updated':
      Object.assign(mutableRecord(state, 'vars'), event.payload.vars);
      break;
    case 'signals.imported':
      mutableList(state, 'signals').push({ ...event.payload, at, actor });
      break;
    case 'incident.recovered': {
      // the stated recovery time: due times count from it, and an occurrence withdrawn now was
      // late only if it was due before service came back (SPEC §4, recovery recorded late)
      const stated = event.payload.recoveredAt === undefined ? at : Date.parse(event.payload.recoveredAt);
      state.recoveredAt = stated;
      state.recoveryRecordedAt = at;
      for (const step of state.steps.filter((s) => s.status === 'pending')) {
        const def = definitionOf(state, step.stepId);
        if (def.repeat && untilOf(def) === 'recovered') {
          withdraw(state, step, at, 'recovered', stated);
        } else if (def.from === 'recovered') {
          changeStep(state, step, { dueAt: dueFrom(def, state.tier, stated, time) ?? null });
        }
      }
      break;
    }
    case 'statement.drafted':
    case 'statement.approved':
    case 'statement.rejected':
    case 'approval.requested':
    case 'approval.granted':
    case 'approval.refused':
    case 'db.imported':
      evolveSignoff(state, event, (key) => mutableList(state, key));
      break;
    case 'incident.closed':
      state.closedAt = at;
      state.closed = event.payload;
      // an occurrence of a step that repeats until the close never holds the close back
      for (const step of state.steps.filter((s) => s.status === 'pending')) {
        const def = definitionOf(state, step.stepId);
        if (def.repeat && untilOf(def) === 'closed') withdraw(state, step, at, 'closed');
      }
      break;
  }
}

const statedTime = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

function initial(id: string, opened: EventDraft & { type: 'incident.opened' }, time: TimeContext): IncidentState {
  return {
    id,
    opened: opened.payload,
    playbook: opened.payload.playbook,
    mode: opened.payload.mode,
    openedAt: opened.at,
    startedAt: statedTime(opened.payload.startedAt) ?? statedTime(opened.payload.discoveredAt) ?? opened.at,
    discoveredAt: statedTime(opened.payload.discoveredAt) ?? opened.at,
    recoveredAt: null,
    recoveryRecordedAt: null,
    closedAt: null,
    closed: null,
    tier: 'mild',
    direction: 'A',
    inputs: { indicators: {}, metrics: {}, impact: 'none' },
    levels: {},
    decisions: {},
    decisionLog: [],
    ended: [],
    gradings: [],
    tierHistory: [],
    maxTier: 'mild',
    steps: [],
    teams: [],
    reached: [],
    reopened: [],
    notes: [],
    statements: [],
    drafts: [],
    signoffs: [],
    requests: [],
    vars: { ...opened.payload.vars },
    signals: [],
    lastAt: opened.at,
    events: 0,
    calendarLastYear: time.calendar.lastYear ?? null,
  };
}

/** Folds an incident's events, oldest first, into its state. */
export function fold(id: string, events: readonly EventDraft[], time: TimeContext): IncidentState {
  const first = events[0];
  if (!first || first.type !== 'incident.opened') throw new DamagedLogError(message('fold.noOpening', { id }));
  const state = initial(id, first, time);
  for (const event of events) {
    applyEvent(state, event, time);
    state.lastAt = Math.max(state.lastAt, event.at);
    state.events++;
  }
  return state;
}

/**
 * A copy that later events can be folded into without touching the original, in constant time:
 * the two share every part until a fold changes one, which it then copies (copy-on-write, above).
 * Neither changes a shared part in place any more, the original included.
 */
export function cloneState(state: IncidentState): IncidentState {
  disown(state);
  return { ...state };
}

/**
 * As cloneState, for a state about to be replaced by the copy (the service's own action): the
 * copy also takes over the incident's notes, so a note is appended in place instead of copying
 * the list — the one part of the original that may then change (its notes grow with the copy's).
 */
export function succeedState(state: IncidentState): IncidentState {
  const next = { ...state };
  handOverNotes(state, next);
  return next;
}

/** Folds more events onto a state, leaving it as it was: a new state. */
export function foldOnto(state: IncidentState, events: readonly EventDraft[], time: TimeContext): IncidentState {
  const next = cloneState(state);
  for (const event of events) evolve(next, event, time);
  return next;
}

/** Folds one more event onto a state (the decider's evolve); mutates and returns it. */
export function evolve(state: IncidentState, event: EventDraft, time: TimeContext): IncidentState {
  applyEvent(state, event, time);
  state.lastAt = Math.max(state.lastAt, event.at);
  state.events++;
  return state;
}

export function lateSteps(state: IncidentState, asOf: number): StepInstance[] {
  return state.steps.filter((s) => isLate(s, asOf));
}

/**
 * The moment lateness is judged: the close for a closed incident; for a drill, the end of its
 * virtual clock (its last event), since wall-clock time means nothing there; otherwise now.
 */
export function judgedAt(state: IncidentState, now: number): number {
  return state.closedAt ?? (state.mode === 'drill' ? state.lastAt : now);
}

/**
 * A due time counted in working days that falls after the last year the holiday data covers: it
 * was computed on weekdays alone, and may be wrong by a holiday (SPEC §4, calendar horizon).
 */
export function beyondCalendar(state: IncidentState, step: StepInstance): boolean {
  if (step.dueAt === null || state.calendarLastYear === null) return false;
  const def = definitionOf(state, step.stepId);
  const due = typeof def.due === 'string' ? [def.due] : Object.values(def.due ?? {});
  const workingDays = [...due, def.repeat ?? ''].some((d) => d?.endsWith('wd'));
  return workingDays && toLocal(step.dueAt, state.opened.timezone).year > state.calendarLastYear;
}

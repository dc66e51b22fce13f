// An incident's state is a fold over its events (SPEC §1, §4). No clock, no I/O.
import type { GradingInputs, GradingResult } from '../grading/grade.js';
import type { HandlingDirection, Phase, StepDefinition, Tier } from '../playbook/schema.js';
import type { TimeContext } from '../time/duration.js';
import type { EventDraft, OpenedPayload, PinnedPlaybook } from './events.js';
import { t } from '../ui/i18n.js';
import { applies, dueFrom, earlier, isLate, repeatAfter } from './rules.js';

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
  withdrawnBy: 'not-applicable' | 'recovered' | null;
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

export interface IncidentState {
  id: string;
  opened: OpenedPayload;
  playbook: PinnedPlaybook;
  mode: OpenedPayload['mode'];
  openedAt: number;
  recoveredAt: number | null;
  closedAt: number | null;
  closed: { summary?: string; forced: boolean; reason?: string; pending: string[] } | null;
  tier: Tier;
  direction: HandlingDirection;
  inputs: GradingInputs;
  gradings: GradingRecord[];
  tierHistory: { at: number; tier: Tier }[];
  maxTier: Tier;
  steps: StepInstance[];
  teams: { team: string; at: number; tier: Tier }[];
  reached: { team: string; member: string; reached: boolean; at: number; actor: string; note?: string }[];
  notes: { at: number; actor: string; text: string; step?: string }[];
  statements: { at: number; actor: string; step?: string; template: string; lang: 'zh' | 'en'; text: string; file?: string }[];
  /** The playbook's variables as they stand: those given at the opening, then each update. */
  vars: Record<string, string>;
  lastAt: number;
  events: number;
}

export type Lifecycle = 'open' | 'recovered' | 'closed';

export function lifecycle(state: IncidentState): Lifecycle {
  return state.closedAt !== null ? 'closed' : state.recoveredAt !== null ? 'recovered' : 'open';
}

const TIER_ORDER: Tier[] = ['mild', 'moderate', 'severe', 'critical'];

/** The pinned definition of a step of this incident. */
export function definitionOf(state: IncidentState, stepId: string): StepDefinition {
  const def = state.opened.definition.steps.find((s) => s.id === stepId);
  if (!def) throw new Error(t('fold.noSuchStep', { step: stepId }));
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
    notes: [],
  };
}

/** Due time for a step that becomes applicable at `at` (SPEC §4). */
function initialDue(def: StepDefinition, state: IncidentState, at: number, time: TimeContext): number | null {
  if (def.from !== 'recovered') return dueFrom(def, state.tier, at, time) ?? null;
  // counted from the recovery, also when a regrade brings the step in later (the summary report
  // is owed five working days after recovery, whenever the grading changed)
  return state.recoveredAt === null ? null : (dueFrom(def, state.tier, state.recoveredAt, time) ?? null);
}

function applyGrading(
  state: IncidentState,
  at: number,
  previous: Tier | null,
  tier: Tier,
  direction: HandlingDirection,
  time: TimeContext,
): void {
  const tierChanged = previous !== null && previous !== tier;
  state.tier = tier;
  state.direction = direction;
  for (const def of state.opened.definition.steps) {
    const instances = state.steps.filter((s) => s.stepId === def.id);
    const current = instances[instances.length - 1];
    if (applies(def, tier, direction)) {
      const afterRecovery = Boolean(def.repeat) && state.recoveredAt !== null;
      if (!current && afterRecovery) {
        // it applies, but no occurrence of a repeating step is created after recovery (SPEC §4)
        state.steps.push({ ...newInstance(def, 1, at, null), status: 'withdrawn', withdrawnAt: at, withdrawnBy: 'recovered' });
      } else if (!current) {
        state.steps.push(newInstance(def, 1, at, initialDue(def, state, at, time)));
      } else if (current.status === 'withdrawn' && current.withdrawnBy === 'not-applicable' && !afterRecovery) {
        // applies again: pending again, due from this moment like any step a regrade brings in
        // (t + due of the tier); an occurrence of a step with no due for the tier, t + its repeat
        Object.assign(current, { status: 'pending', applicableAt: at, withdrawnAt: null, withdrawnBy: null });
        current.dueAt = initialDue(def, state, at, time) ?? (current.occurrence > 1 ? (repeatAfter(def, at, time) ?? null) : null);
      } else if (current.status === 'pending' && tierChanged) {
        // every pending step: min(its due time, t + due(new tier)); de-escalation never relaxes
        if (!waitsForRecovery(state, current)) current.dueAt = earlier(current.dueAt, dueFrom(def, tier, at, time));
      }
    } else if (current?.status === 'pending') {
      Object.assign(current, { status: 'withdrawn', withdrawnAt: at, withdrawnBy: 'not-applicable' });
    }
  }
}

function findInstance(state: IncidentState, id: string): StepInstance {
  const instance = state.steps.find((s) => s.id === id);
  if (!instance) throw new Error(t('fold.neverApplied', { step: id }));
  return instance;
}

function evolve(state: IncidentState, event: EventDraft, time: TimeContext): void {
  const { at, actor } = event;
  switch (event.type) {
    case 'incident.opened':
      break;
    case 'incident.graded': {
      const p = event.payload;
      const previousTier = state.gradings.length ? state.tier : null;
      state.gradings.push({
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
      if (state.tierHistory.length === 0 || state.tier !== p.tier) state.tierHistory.push({ at, tier: p.tier });
      if (TIER_ORDER.indexOf(p.tier) > TIER_ORDER.indexOf(state.maxTier)) state.maxTier = p.tier;
      applyGrading(state, at, previousTier, p.tier, p.result.direction, time);
      break;
    }
    case 'team.activated':
      state.teams.push({ team: event.payload.team, at, tier: event.payload.tier });
      break;
    case 'team.reached':
      state.reached.push({ ...event.payload, at, actor });
      break;
    case 'step.completed':
    case 'step.skipped': {
      const step = findInstance(state, event.payload.step);
      step.status = event.type === 'step.completed' ? 'done' : 'skipped';
      step.completedAt = at;
      step.actor = actor;
      if (event.type === 'step.completed') step.note = event.payload.note;
      else step.reason = event.payload.reason;
      const def = definitionOf(state, step.stepId);
      // a repeating step recurs after each outcome until recovery
      if (def.repeat && state.recoveredAt === null && !state.steps.some((s) => s.stepId === def.id && s.occurrence > step.occurrence)) {
        state.steps.push(newInstance(def, step.occurrence + 1, at, repeatAfter(def, at, time) ?? null));
      }
      break;
    }
    case 'step.withdrawn': {
      const step = findInstance(state, event.payload.step);
      if (step.status === 'pending') Object.assign(step, { status: 'withdrawn', withdrawnAt: at, withdrawnBy: event.payload.cause });
      break;
    }
    case 'note.added': {
      state.notes.push({ at, actor, text: event.payload.text, step: event.payload.step });
      if (event.payload.step) findInstance(state, event.payload.step).notes.push({ at, actor, text: event.payload.text });
      break;
    }
    case 'statement.rendered':
      state.statements.push({ ...event.payload, at, actor });
      break;
    case 'vars.updated':
      Object.assign(state.vars, event.payload.vars);
      break;
    case 'incident.recovered': {
      state.recoveredAt = at;
      for (const step of state.steps) {
        const def = definitionOf(state, step.stepId);
        if (step.status !== 'pending') continue;
        if (def.repeat) {
          // no occurrence after recovery; an open one is withdrawn (SPEC §4)
          Object.assign(step, { status: 'withdrawn', withdrawnAt: at, withdrawnBy: 'recovered' });
        } else if (def.from === 'recovered') {
          step.dueAt = dueFrom(def, state.tier, at, time) ?? null;
        }
      }
      break;
    }
    case 'incident.closed':
      state.closedAt = at;
      state.closed = event.payload;
      break;
  }
}

function initial(id: string, opened: EventDraft & { type: 'incident.opened' }): IncidentState {
  return {
    id,
    opened: opened.payload,
    playbook: opened.payload.playbook,
    mode: opened.payload.mode,
    openedAt: opened.at,
    recoveredAt: null,
    closedAt: null,
    closed: null,
    tier: 'mild',
    direction: 'A',
    inputs: { indicators: {}, metrics: {}, impact: 'none' },
    gradings: [],
    tierHistory: [],
    maxTier: 'mild',
    steps: [],
    teams: [],
    reached: [],
    notes: [],
    statements: [],
    vars: { ...opened.payload.vars },
    lastAt: opened.at,
    events: 0,
  };
}

/** Folds an incident's events, oldest first, into its state. */
export function fold(id: string, events: readonly EventDraft[], time: TimeContext): IncidentState {
  const first = events[0];
  if (!first || first.type !== 'incident.opened') throw new Error(t('fold.noOpening', { id }));
  const state = initial(id, first);
  for (const event of events) {
    evolve(state, event, time);
    state.lastAt = Math.max(state.lastAt, event.at);
    state.events++;
  }
  return state;
}

/**
 * A copy that later events can be folded into without touching the original: the parts a fold
 * changes are copied, the pinned definitions (never changed) are shared.
 */
export function cloneState(state: IncidentState): IncidentState {
  return {
    ...state,
    closed: state.closed && { ...state.closed },
    inputs: state.inputs,
    gradings: [...state.gradings],
    tierHistory: [...state.tierHistory],
    steps: state.steps.map((s) => ({ ...s, notes: [...s.notes] })),
    teams: [...state.teams],
    reached: [...state.reached],
    notes: [...state.notes],
    statements: [...state.statements],
    vars: { ...state.vars },
  };
}

/** Folding one more event onto a state (for the engine's look-ahead); mutates and returns it. */
export function step(state: IncidentState, event: EventDraft, time: TimeContext): IncidentState {
  evolve(state, event, time);
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

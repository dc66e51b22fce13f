// Plain-data views of an incident for JSON output, drills and reports (SPEC §5 shapes).
import { PHASES, type Phase } from '../playbook/vocabulary.js';
import { formatInZone } from '../time/zone.js';
import { beyondCalendar, lifecycle, type IncidentState, type StepInstance } from './fold.js';
import { isLate } from './rules.js';
import { approvalsView } from './approvals.js';

export interface StepView {
  id: string;
  step: string;
  phase: string;
  owner: string;
  status: StepInstance['status'];
  applicableAt: string;
  dueAt: string | null;
  completedAt: string | null;
  withdrawnAt: string | null;
  late: boolean;
  /** A decision step's outcome (SPEC §4.1). */
  outcome?: string;
  /** A working-day due time past the holiday data: computed on weekdays alone (SPEC §4). */
  beyondCalendar?: true;
}

export function stepView(s: StepInstance, asOf: number, tz: string, flagged = false): StepView {
  return {
    id: s.id,
    step: s.stepId,
    phase: s.phase,
    owner: s.owner,
    status: s.status,
    applicableAt: formatInZone(s.applicableAt, tz),
    dueAt: s.dueAt === null ? null : formatInZone(s.dueAt, tz),
    completedAt: s.completedAt === null ? null : formatInZone(s.completedAt, tz),
    withdrawnAt: s.withdrawnAt === null ? null : formatInZone(s.withdrawnAt, tz),
    late: isLate(s, asOf),
    ...(s.outcome !== undefined ? { outcome: s.outcome } : {}),
    ...(flagged ? { beyondCalendar: true as const } : {}),
  };
}

/** `status --json`: {id, tier, direction, state, steps: [...]} plus context fields. */
export function statusJson(state: IncidentState, asOf: number) {
  const tz = state.opened.timezone;
  return {
    id: state.id,
    title: state.opened.title,
    type: state.opened.type,
    mode: state.mode,
    tier: state.tier,
    maxTier: state.maxTier,
    direction: state.direction,
    state: lifecycle(state),
    openedAt: formatInZone(state.openedAt, tz),
    startedAt: formatInZone(state.startedAt, tz),
    discoveredAt: formatInZone(state.discoveredAt, tz),
    recoveredAt: state.recoveredAt === null ? null : formatInZone(state.recoveredAt, tz),
    closedAt: state.closedAt === null ? null : formatInZone(state.closedAt, tz),
    asOf: formatInZone(asOf, tz),
    playbook: state.playbook,
    decisions: { ...state.decisions },
    steps: state.steps.map((s) => stepView(s, asOf, tz, beyondCalendar(state, s))),
    /** Four-eyes sign-off (SPEC §9): statements drafted, and requests awaiting a second person. */
    approvals: approvalsView(state, (ms) => formatInZone(ms, tz)),
  };
}

/** Steps in playbook order, repeat occurrences after their step. */
export function orderedSteps(state: IncidentState): StepInstance[] {
  const order = new Map(state.opened.definition.steps.map((s, i) => [s.id, i]));
  return [...state.steps].sort((a, b) => order.get(a.stepId)! - order.get(b.stepId)! || a.occurrence - b.occurrence);
}

/** Steps under their phases, in phase order (SPEC §8: one section per phase); a phase may be empty. */
export function groupByPhase<S extends { phase: Phase }>(steps: readonly S[]): { phase: Phase; steps: S[] }[] {
  return PHASES.map((phase) => ({ phase, steps: steps.filter((s) => s.phase === phase) }));
}


// The post-incident report as plain data (SPEC §8), built from the audit log alone: the events,
// their fold, and the chain check. Markdown and JSON are two renderings of this one model.
// Times are epoch ms in fields named `at`, `asOf` or `…At` (json.ts relies on it); spans are `…Ms`.
import type { IncidentEvent, StatementPayload } from '../engine/events.js';
import { beyondCalendar, definitionOf, lifecycle, waitsForRecovery, type IncidentState, type Lifecycle, type StepInstance, type StepStatus } from '../engine/fold.js';
import { isLate } from '../engine/rules.js';
import { groupByPhase, orderedSteps } from '../engine/views.js';
import type { ClientImpact } from '../grading/grade.js';
import type { ChainProblem, ChainReport } from '../store/verify.js';
import { DIRECTIONS, TIERS, type HandlingDirection, type Phase, type Tier } from '../playbook/vocabulary.js';
import type { Team, Text } from '../playbook/schema.js';
import type { Lang, Messages } from '../i18n/messages.js';
import { appendixA, appendixB, type AppendixPart, type ReportField } from './appendix.js';
import { describeStored } from './describe.js';
import { gradingSection, regradeHistory, type GradingSection, type RegradeRow } from './grading.js';
import { foldOutbox, type Outbox } from '../notify/outbox.js';
import { notificationsSection, type ReportNotification } from './notifications.js';
import { signalsSection, type SignalsSection } from './signals.js';

export interface TimelineRow {
  seq: number;
  at: number;
  type: string;
  actor: string;
  detail: string;
  /** Who the store says wrote it, when it says (SPEC §6). */
  recordedBy?: string;
}

export interface ReportInput {
  state: IncidentState;
  events: readonly IncidentEvent[];
  /** The timeline, when the reader built it while streaming the log (then `events` may be empty). */
  timeline?: TimelineRow[];
  chain: ChainReport;
  /** When lateness is judged: the close, or now for an incident still open. */
  asOf: number;
  generatedAt: number;
  /** The playbook-changed warning, if the file differs from the pinned definition. */
  drift?: string;
  /** The report's language: every word of the model is in it. */
  messages: Messages;
  /** Set when the log could only be folded up to this event (a tampered payload after it). */
  foldedThrough?: number;
  /** The command that re-checks the chain, as the reader should type it (database, key). */
  verifyCommand?: string;
  /** The outbox, when the reader folded it while streaming the log (else folded from `events`). */
  outbox?: Outbox;
}

/** A statement as recorded (the event's payload), with when and by whom; under four-eyes sign-off (SPEC §9), its drafts and verdicts. */
export type ReportStatement = StatementPayload & { at: number; actor: string; signoff?: StatementSignoff };

export interface StatementSignoff {
  draft: number;
  sha256: string;
  history: { at: number; what: 'drafted' | 'approved' | 'rejected'; draft: number; by: string; team?: string; claimed?: true; drill?: true; reason?: string }[];
}

/** The drafts and verdicts behind a published statement, oldest first. */
function signoffOf(state: IncidentState, step: string, draft: number, sha256: string): StatementSignoff {
  const history: StatementSignoff['history'] = [
    ...state.drafts.filter((d) => d.step === step).map((d) => ({ at: d.at, what: 'drafted' as const, draft: d.draft, by: d.actor })),
    ...state.signoffs
      .filter((x) => x.step === step)
      .map((x) => ({
        at: x.at,
        what: x.verdict,
        draft: x.draft,
        by: x.member,
        ...(x.verdict === 'approved' ? { team: x.team } : { reason: x.reason }),
        ...(x.claimed ? { claimed: true as const } : {}),
        ...(x.drill ? { drill: true as const } : {}),
      })),
  ];
  // stable: a draft before the verdicts on it at the same moment
  return { draft, sha256, history: history.map((h, i) => ({ h, i })).sort((a, b) => a.h.at - b.h.at || a.i - b.i).map(({ h }) => h) };
}

export interface ReportStep {
  id: string;
  stepId: string;
  occurrence: number;
  phase: Phase;
  title: string;
  owner: string;
  ownerName: string;
  status: StepStatus;
  applicableAt: number;
  dueAt: number | null;
  /** Done or skipped at. */
  completedAt: number | null;
  withdrawnAt: number | null;
  withdrawnBy: StepInstance['withdrawnBy'];
  waitsForRecovery: boolean;
  /** When its clock started: the recovery for a `from: recovered` step (null while it waits), else when it applied. */
  startsAt: number | null;
  late: boolean;
  lateByMs: number | null;
  actor?: string;
  note?: string;
  reason?: string;
  notes: { at: number; actor: string; text: string }[];
  statements: ReportStatement[];
  /** The playbook's `directions`, when the step is limited to some of them. */
  directions: HandlingDirection[] | null;
  /** The rule the step follows (`basis:`), and a decision step's recorded outcome. */
  basis?: string;
  outcome?: string;
  /** The due time counts working days past the holiday data, which ends with this year. */
  calendarEnds?: number;
}

export interface ReportTeam {
  team: string;
  name: string;
  activatedAt: number | null;
  tier: Tier | null;
  reached: { member: string; reached: boolean; at: number; actor: string; note?: string }[];
}

export interface ReportModel {
  format: 'sec-incident-report';
  version: 1;
  lang: Lang;
  timeZone: string;
  generatedAt: number;
  asOf: number;
  integrity: {
    ok: boolean;
    head: string | null;
    events: number;
    firstBadSeq: number | null;
    problem: ChainProblem | null;
    foldedThrough: number | null;
    command: string;
  };
  cover: {
    id: string;
    title: string;
    type: string;
    typeName: string;
    mode: IncidentState['mode'];
    state: Lifecycle;
    firm: IncidentState['opened']['firm'];
    startedAt: number;
    discoveredAt: number;
    openedAt: number;
    recoveredAt: number | null;
    closedAt: number | null;
    playbook: IncidentState['playbook'];
    drift: string | null;
    drill: IncidentState['opened']['drill'] | null;
  };
  summary: {
    tier: Tier;
    maxTier: Tier;
    direction: HandlingDirection;
    durationMs: number;
    recoveryMs: number | null;
    counts: { applied: number; done: number; skipped: number; withdrawn: number; pending: number; late: number };
    lateSteps: string[];
    closed: IncidentState['closed'];
  };
  grading: GradingSection;
  regrades: RegradeRow[];
  /** Every decision outcome recorded, in order (SPEC §4.1). */
  decisions: { at: number; actor: string; decision: string; outcome: string; previous: string | null; reason?: string; step?: string }[];
  /** Monitoring exports imported and graded on (issue 18), and the mentions per hour. */
  signals: SignalsSection;
  direction: {
    direction: HandlingDirection;
    impact: ClientImpact;
    history: { at: number; direction: HandlingDirection }[];
    added: { id: string; title: string; directions: HandlingDirection[] }[];
    excluded: { id: string; title: string; directions: HandlingDirection[] }[];
  };
  teams: ReportTeam[];
  /** Who was notified of what, when (SPEC §9). */
  notifications: ReportNotification[];
  phases: { phase: Phase; steps: ReportStep[] }[];
  otherStatements: ReportStatement[];
  timeline: TimelineRow[];
  followUps: ReportStep[];
  appendixA: ReportField[];
  appendixB: AppendixPart[];
}

/** A decision's option as the playbook words it, with its id. */
function outcomeText(m: Messages, def: { decision?: { options: { id: string; text: Text }[] } }, option: string): string {
  const found = def.decision?.options.find((o) => o.id === option);
  return found ? `${m.text(found.text)} (${option})` : option;
}

function reportStep(m: Messages, state: IncidentState, s: StepInstance, asOf: number, statements: ReportStatement[]): ReportStep {
  const { text, teamName } = m;
  const def = definitionOf(state, s.stepId);
  const late = isLate(s, asOf);
  const limited = def.directions && DIRECTIONS.some((d) => !def.directions!.includes(d)) ? [...def.directions] : null;
  return {
    id: s.id,
    stepId: s.stepId,
    occurrence: s.occurrence,
    phase: s.phase,
    title: text(def.title) || s.stepId,
    owner: s.owner,
    ownerName: teamName(state.opened.teams, s.owner),
    status: s.status,
    applicableAt: s.applicableAt,
    dueAt: s.dueAt,
    completedAt: s.completedAt,
    withdrawnAt: s.withdrawnAt,
    withdrawnBy: s.withdrawnBy,
    waitsForRecovery: waitsForRecovery(state, s),
    startsAt: def.from !== 'recovered' ? s.applicableAt : state.recoveredAt === null ? null : Math.max(s.applicableAt, state.recoveredAt),
    late,
    lateByMs:
      !late || s.dueAt === null
        ? null
        : Math.max(0, (s.status === 'done' || s.status === 'skipped' ? s.completedAt! : s.status === 'withdrawn' ? s.withdrawnAt! : asOf) - s.dueAt),
    ...(def.basis ? { basis: text(def.basis) } : {}),
    ...(beyondCalendar(state, s) && state.calendarLastYear !== null ? { calendarEnds: state.calendarLastYear } : {}),
    ...(s.outcome !== undefined ? { outcome: outcomeText(m, def, s.outcome) } : {}),
    ...(s.actor ? { actor: s.actor } : {}),
    ...(s.note !== undefined ? { note: s.note } : {}),
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    notes: s.notes,
    statements: statements.filter((x) => x.step === s.id),
    directions: limited,
  };
}

function directionSection(m: Messages, state: IncidentState, steps: ReportStep[]): ReportModel['direction'] {
  const { text } = m;
  const history: { at: number; direction: HandlingDirection }[] = [];
  for (const g of state.gradings) {
    if (history[history.length - 1]?.direction !== g.result.direction) history.push({ at: g.at, direction: g.result.direction });
  }
  const held = new Set(history.map((h) => h.direction));
  const tiersReached = new Set(state.tierHistory.map((h) => h.tier));
  const added = new Map<string, { id: string; title: string; directions: HandlingDirection[] }>();
  for (const s of steps) if (s.directions && !added.has(s.stepId)) added.set(s.stepId, { id: s.stepId, title: s.title, directions: s.directions });
  const applied = new Set(steps.map((s) => s.stepId));
  // left out by the direction: would have applied at a tier this incident reached, under another direction
  const excluded = state.opened.definition.steps
    .filter((d) => !applied.has(d.id) && d.directions && !d.directions.some((x) => held.has(x)))
    .filter((d) => (d.tiers ?? TIERS).some((tier) => tiersReached.has(tier)))
    .map((d) => ({ id: d.id, title: text(d.title), directions: [...d.directions!] }));
  return { direction: state.direction, impact: state.inputs.impact, history, added: [...added.values()], excluded };
}

function teamsSection(m: Messages, state: IncidentState): ReportTeam[] {
  const { teamName } = m;
  const name = (id: string) => teamName(state.opened.teams, id);
  const teams: ReportTeam[] = state.teams.map((a) => ({ team: a.team, name: name(a.team), activatedAt: a.at, tier: a.tier, reached: [] }));
  for (const r of state.reached) {
    let team = teams.find((x) => x.team === r.team);
    if (!team) teams.push((team = { team: r.team, name: name(r.team), activatedAt: null, tier: null, reached: [] }));
    team.reached.push({ member: r.member, reached: r.reached, at: r.at, actor: r.actor, ...(r.note ? { note: r.note } : {}) });
  }
  return teams;
}

/** One row of the timeline, described in the language of `m`. */
export function timelineRow(m: Messages, event: IncidentEvent, teams?: readonly Team[]): TimelineRow {
  return { seq: event.seq, at: event.at, type: event.type, actor: event.actor, detail: describeStored(m, event, teams), ...(event.recordedBy ? { recordedBy: event.recordedBy } : {}) };
}

export function buildReport({ state, events, timeline, chain, asOf, generatedAt, drift, messages: m, foldedThrough, verifyCommand, outbox }: ReportInput): ReportModel {
  const { text, lang } = m;
  const tz = state.opened.timezone;
  const statements: ReportStatement[] = state.statements.map((s) => ({
    ...s,
    ...(s.step !== undefined && s.draft !== undefined && s.sha256 !== undefined ? { signoff: signoffOf(state, s.step, s.draft, s.sha256) } : {}),
  }));
  const steps = orderedSteps(state).map((s) => reportStep(m, state, s, asOf, statements));
  const stepIds = new Set(steps.map((s) => s.id));
  const count = (status: StepStatus) => steps.filter((s) => s.status === status).length;
  const late = steps.filter((s) => s.late);
  const endAt = state.closedAt ?? asOf;
  const appendixContext = { state, steps, generatedAt, asOf, messages: m };
  return {
    format: 'sec-incident-report',
    version: 1,
    lang,
    timeZone: tz,
    generatedAt,
    asOf,
    integrity: {
      ok: chain.ok,
      head: chain.head,
      events: chain.events,
      firstBadSeq: chain.firstBadSeq,
      problem: chain.problem,
      foldedThrough: foldedThrough ?? null,
      command: verifyCommand ?? `sec-incident verify ${state.id}`,
    },
    cover: {
      id: state.id,
      title: state.opened.title,
      type: state.opened.type,
      typeName: text(state.opened.definition.name) || state.opened.type,
      mode: state.mode,
      state: lifecycle(state),
      firm: state.opened.firm,
      startedAt: state.startedAt,
      discoveredAt: state.discoveredAt,
      openedAt: state.openedAt,
      recoveredAt: state.recoveredAt,
      closedAt: state.closedAt,
      playbook: state.playbook,
      drift: drift ?? null,
      drill: state.opened.drill ?? null,
    },
    summary: {
      tier: state.tier,
      maxTier: state.maxTier,
      direction: state.direction,
      // durations count from when the fault began (SPEC §4.2), not from when the tool was told
      durationMs: Math.max(0, endAt - state.startedAt),
      recoveryMs: state.recoveredAt === null ? null : state.recoveredAt - state.startedAt,
      counts: {
        applied: steps.length,
        done: count('done'),
        skipped: count('skipped'),
        withdrawn: count('withdrawn'),
        pending: count('pending'),
        late: late.length,
      },
      lateSteps: late.map((s) => s.id),
      closed: state.closed,
    },
    grading: gradingSection(m, state),
    regrades: regradeHistory(m, state),
    decisions: state.decisionLog.map((d) => {
      const def = state.opened.definition.steps.find((x) => x.decision?.id === d.decision);
      return {
        at: d.at,
        actor: d.actor,
        decision: d.decision,
        outcome: def ? outcomeText(m, def, d.outcome) : d.outcome,
        previous: d.previous === null ? null : def ? outcomeText(m, def, d.previous) : d.previous,
        ...(d.reason ? { reason: d.reason } : {}),
        ...(d.step ? { step: d.step } : {}),
      };
    }),
    signals: signalsSection(state),
    direction: directionSection(m, state, steps),
    teams: teamsSection(m, state),
    notifications: notificationsSection(m, outbox ?? foldOutbox(events), state.opened.teams),
    phases: groupByPhase(steps),
    otherStatements: statements.filter((s) => s.step === undefined || !stepIds.has(s.step)),
    timeline: timeline ?? events.map((e) => timelineRow(m, e, state.opened.teams)),
    followUps: steps.filter((s) => s.status === 'pending' || s.status === 'skipped'),
    appendixA: appendixA(appendixContext, tz),
    appendixB: appendixB(appendixContext, tz),
  };
}

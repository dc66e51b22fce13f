// What each action records: the engine decides the events, the front ends only ask and show.
// Every front end (start, open/step/regrade, drill) goes through these functions.
import { InputError, message, WorkError, type Message } from '../errors.js';
import { grade, mergeInputs, type GradingInputs } from '../grading/grade.js';
import type { DecisionDefinition, Firm, GradingConfig, Lang, Playbook, Team, Tier } from '../playbook/schema.js';
import type { TimeContext } from '../time/duration.js';
import { formatShort } from '../time/zone.js';
import { closest } from './suggest.js';
import { pinTeams, type EventDraft, type OpenedPayload, type SignalsImportedPayload, type StatementPayload } from './events.js';
import { DEFAULT_APPROVALS, needsSignoff, policyOf, statementStatus, type ApprovalPolicy, type RequestDetail, type StatementStatus } from './approvals.js';
import { definitionOf, facts, fold, foldOnto, lifecycle, untilCame, type IncidentState, type StepInstance } from './fold.js';
import { dutyOf, instanceById, latestOf, pendingInstances, pendingOf } from './copy-on-write.js';
import { applies } from './rules.js';

export interface OpenRequest {
  type: string;
  title: string;
  mode: OpenedPayload['mode'];
  playbook: { definition: Playbook; file: string; sha256: string };
  grading: GradingConfig;
  teams: Team[];
  vars: Record<string, string>;
  inputs: GradingInputs;
  override?: { tier: Tier; reason: string };
  timezone: string;
  lang: Lang;
  firm: Firm;
  drill?: OpenedPayload['drill'];
  /** When the fault began and when the firm learnt of it (epoch ms), if stated (SPEC §4.2). */
  startedAt?: number;
  discoveredAt?: number;
  /** Which actions need a second person (SPEC §9); every one unless the configuration says otherwise. */
  approvals?: ApprovalPolicy;
}

/**
 * The look-ahead of withConsequences reads statuses and teams, which no calendar changes: without
 * the firm's calendar at hand (a unit test's direct call) it folds on weekdays in the incident's zone.
 */
const lookAhead = (state: IncidentState, time?: TimeContext): TimeContext =>
  time ?? { calendar: { holidays: new Set(), workdays: new Set() }, timeZone: state.opened.timezone };

/**
 * Follow-up records that make the log read on its own: teams activated — at their tiers, and when
 * a step they own comes to apply (a mild incident's regulatory lane brings in compliance, SPEC §4)
 * — and steps withdrawn.
 */
function withConsequences(before: IncidentState, drafts: EventDraft[], time?: TimeContext): EventDraft[] {
  const after = foldOnto(before, drafts, lookAhead(before, time));
  const last = drafts[drafts.length - 1]!;
  const extra: EventDraft[] = [];
  const activated = new Set(after.teams.map((x) => x.team));
  for (const team of after.opened.teams) {
    if (activated.has(team.id)) continue;
    if (team.activate.includes(after.tier)) {
      extra.push({ type: 'team.activated', at: last.at, actor: last.actor, payload: { team: team.id, tier: after.tier } });
      continue;
    }
    const duty = dutyOf(after, team.id);
    if (duty) extra.push({ type: 'team.activated', at: last.at, actor: last.actor, payload: { team: team.id, tier: after.tier, step: duty.id } });
  }
  // the steps pending before that these events withdrew, in the order of the steps
  const withdrawn = pendingInstances(before)
    .map((s) => instanceById(after, s.id))
    .filter((s): s is StepInstance => s !== undefined && s.status === 'withdrawn' && s.withdrawnBy !== null);
  if (withdrawn.length > 1) withdrawn.sort((a, b) => after.steps.indexOf(a) - after.steps.indexOf(b));
  for (const s of withdrawn) extra.push({ type: 'step.withdrawn', at: last.at, actor: last.actor, payload: { step: s.id, cause: s.withdrawnBy! } });
  return [...drafts, ...extra];
}

function checkVars(playbook: Playbook, vars: Record<string, string>): void {
  const known = playbook.vars.map((v) => v.id);
  for (const name of Object.keys(vars)) {
    if (!known.includes(name)) throw new InputError('var.unknown', { name, playbook: playbook.id, known: known.join(', ') || '—' });
  }
  const missing = missingVars(playbook, vars);
  if (missing.length > 0) throw new InputError('var.required', { names: missing.join(', '), playbook: playbook.id });
}

/** The playbook's required vars not given, or given empty. */
export function missingVars(playbook: Playbook, vars: Record<string, string>): string[] {
  return playbook.vars.filter((v) => v.required && !vars[v.id]?.trim()).map((v) => v.id);
}

/** What can be wrong with a request to open, found before anything is written. */
export function checkOpenRequest(req: OpenRequest): void {
  checkVars(req.playbook.definition, req.vars);
  if (req.override && !req.override.reason.trim()) throw new InputError('override.reason');
}

/**
 * The fault's own times (SPEC §4.2): not after the opening (nor in the future), discovery not
 * before the start. A start alone is also the latest the fault can have been discovered by: no,
 * the discovery defaults to the opening; a discovery alone moves the start back with it.
 */
export function checkFaultTimes(req: Pick<OpenRequest, 'startedAt' | 'discoveredAt' | 'timezone'>, openedAt: number): void {
  const show = (ms: number) => formatShort(ms, req.timezone);
  for (const [what, value] of [['what.startedAt', req.startedAt], ['what.discoveredAt', req.discoveredAt]] as const) {
    if (value !== undefined && value > openedAt) throw new InputError('time.afterOpening', { what: message(what), value: show(value) });
  }
  if (req.startedAt !== undefined && req.discoveredAt !== undefined && req.discoveredAt < req.startedAt) {
    throw new InputError('time.discoveredBeforeStart', { discovered: show(req.discoveredAt), started: show(req.startedAt) });
  }
}

export function openIncident(id: string, req: OpenRequest, at: number, actor: string, time: TimeContext): EventDraft[] {
  checkOpenRequest(req);
  checkFaultTimes(req, at);
  const opened: EventDraft = {
    type: 'incident.opened',
    at,
    actor,
    payload: {
      type: req.type,
      title: req.title,
      mode: req.mode,
      playbook: { id: req.playbook.definition.id, version: req.playbook.definition.version, sha256: req.playbook.sha256, file: req.playbook.file },
      definition: req.playbook.definition,
      grading: req.grading,
      // names and roles only: the log keeps no phone numbers (issue 17, item 13)
      teams: pinTeams(req.teams),
      vars: req.vars,
      timezone: req.timezone,
      lang: req.lang,
      firm: req.firm,
      ...(req.drill ? { drill: req.drill } : {}),
      ...(req.startedAt !== undefined ? { startedAt: new Date(req.startedAt).toISOString() } : {}),
      ...(req.discoveredAt !== undefined ? { discoveredAt: new Date(req.discoveredAt).toISOString() } : {}),
      approvals: req.approvals ?? DEFAULT_APPROVALS,
    },
  };
  const result = grade(req.inputs, req.grading);
  const graded: EventDraft = {
    type: 'incident.graded',
    at,
    actor,
    payload: {
      inputs: req.inputs,
      result,
      tier: req.override?.tier ?? result.tier,
      override: Boolean(req.override),
      ...(req.override ? { reason: req.override.reason } : {}),
    },
  };
  const state = fold(id, [opened], time);
  return [opened, ...withConsequences(state, [graded], time)];
}

function ensureOpen(state: IncidentState): void {
  if (lifecycle(state) === 'closed') throw new WorkError('incident.isClosed', { id: state.id });
}

/** After the close, steps may not change; notes and facts still may (follow-ups, rectification). */
export function ensureStepsOpen(state: IncidentState): void {
  if (lifecycle(state) === 'closed') throw new WorkError('step.closedNoSteps', { id: state.id });
}

export interface RegradeRequest {
  change: Partial<GradingInputs>;
  override?: { tier: Tier; reason?: string };
  reason?: string;
}

/** `granted`: a second person approved it (SPEC §9), so it is done, not requested. */
export function regrade(state: IncidentState, req: RegradeRequest, at: number, actor: string, time: TimeContext, granted = false): EventDraft[] {
  ensureOpen(state);
  // a regrade with nothing in it would record "no input changed": a slip, not a decision
  const { indicators = {}, metrics = {}, impact } = req.change;
  if (!req.override && Object.keys(indicators).length === 0 && Object.keys(metrics).length === 0 && impact === undefined) {
    throw new InputError('regrade.nothing');
  }
  const reason = req.override?.reason ?? req.reason;
  if (req.override && !reason?.trim()) throw new InputError('override.reason');
  const inputs = mergeInputs(state.inputs, req.change);
  const result = grade(inputs, state.opened.grading);
  const graded: EventDraft = {
    type: 'incident.graded',
    at,
    actor,
    payload: {
      inputs,
      result,
      tier: req.override?.tier ?? result.tier,
      override: Boolean(req.override),
      ...(reason ? { reason } : {}),
    },
  };
  const drafts = withConsequences(state, [graded], time);
  if (granted) return drafts;
  const policy = policyOf(state);
  const withdraws = withdrawnDuties(state, drafts);
  const down = req.override !== undefined && TIER_ORDER.indexOf(req.override.tier) < TIER_ORDER.indexOf(state.tier);
  if ((down && policy.downgrade) || (withdraws.length > 0 && policy.withdrawDuty)) {
    const detail: RequestDetail = {
      action: 'regrade',
      change: req.change,
      ...(req.override ? { override: req.override } : {}),
      ...(req.reason ? { reason: req.reason } : {}),
      from: state.tier,
      to: graded.payload.tier,
      withdraws,
    };
    return requestApproval(state, down && policy.downgrade ? 'downgrade' : 'withdraw-duty', detail, at, actor);
  }
  return drafts;
}

const TIER_ORDER: Tier[] = ['mild', 'moderate', 'severe', 'critical'];

/** Pending steps carrying a `basis:` (a regulatory duty) that these events would withdraw (SPEC §9). */
function withdrawnDuties(before: IncidentState, drafts: EventDraft[]): string[] {
  return drafts.flatMap((d) =>
    d.type === 'step.withdrawn' && d.payload.cause === 'not-applicable' && definitionOf(before, d.payload.step.split('#')[0]!).basis !== undefined
      ? [d.payload.step]
      : [],
  );
}

/** An action that waits for a second person instead of happening (SPEC §9); any activated team's member may grant it. */
function requestApproval(state: IncidentState, kind: 'close-force' | 'downgrade' | 'withdraw-duty', detail: RequestDetail, at: number, actor: string): EventDraft[] {
  const teams = [...new Set(state.teams.map((x) => x.team))];
  return [{ type: 'approval.requested', at, actor, payload: { request: `R${state.requests.length + 1}`, kind, detail, teams } }];
}

/**
 * A monitoring export graded on (issue 18): the import is recorded, then the incident is regraded
 * with the metrics it measured, through the same regrade as a responder's — in one append. The
 * regrade's `reason` is written by the caller, in the incident's language (report/signals.ts).
 */
export function importSignals(state: IncidentState, imported: SignalsImportedPayload, reason: string, at: number, actor: string, time: TimeContext): EventDraft[] {
  ensureOpen(state);
  const recorded: EventDraft = { type: 'signals.imported', at, actor, payload: imported };
  if (Object.keys(imported.applied).length === 0) return [recorded];
  return [recorded, ...regrade(state, { change: { metrics: imported.applied }, reason }, at, actor, time)];
}

/** `<id>` names the open occurrence of a repeating step (or its latest); `<id>#N` names one. */
export function resolveStep(state: IncidentState, ref: string): StepInstance {
  const [stepId] = ref.split('#') as [string];
  const def = state.opened.definition.steps.find((s) => s.id === stepId);
  if (!def) {
    const known = state.opened.definition.steps.map((s) => s.id);
    const near = closest(stepId, known);
    throw near.length > 0
      ? new InputError('step.unknownDidYouMean', { step: ref, playbook: state.playbook.id, suggestion: near.join(', ') })
      : new InputError('step.unknown', { step: ref, playbook: state.playbook.id, known: known.join(', ') });
  }
  // `<id>#1` is the first occurrence, whose id is `<id>`
  const named = ref.includes('#') ? instanceById(state, ref === `${stepId}#1` ? stepId : ref) : undefined;
  const found = ref.includes('#') ? (named?.stepId === stepId ? named : undefined) : (pendingOf(state, stepId) ?? latestOf(state, stepId));
  if (!found) throw new WorkError('step.notApplicable', { step: ref, tier: state.tier, direction: state.direction });
  return found;
}

export type StepOutcome = 'done' | 'skip' | 'note';

/**
 * done, skip or note on a step. With `statements`, a step with a template that is done also gets
 * its statement recorded as the template renders it then, in the incident's language — unless one
 * was already recorded for it (the walk's "show the statement"). Every front end passes its
 * statements, so scripted incidents and drills carry their statements too (SPEC §8.6). A decision
 * step is done with an `outcome`, one of its options (SPEC §4.1); applicability follows it.
 */
export function recordStep(
  state: IncidentState,
  ref: string,
  outcome: StepOutcome,
  detail: { note?: string; reason?: string; outcome?: string; statements?: StatementSource },
  at: number,
  actor: string,
  time?: TimeContext,
): EventDraft[] {
  const instance = resolveStep(state, ref);
  const def = definitionOf(state, instance.stepId);
  if (outcome === 'note') {
    if (!detail.note?.trim()) throw new InputError('note.empty');
    return [{ type: 'note.added', at, actor, payload: { text: detail.note, step: instance.id } }];
  }
  ensureStepsOpen(state);
  if (detail.outcome !== undefined && (!def.decision || outcome !== 'done')) throw new InputError('step.outcomeNotDecision', { step: instance.id });
  if (instance.status === 'withdrawn') {
    throw new WorkError(
      instance.withdrawnBy === 'not-applicable'
        ? message('step.withdrawnNow', { step: instance.id, tier: state.tier, direction: state.direction })
        : message('step.withdrawnRecovered', { step: instance.id }),
    );
  }
  if (instance.status !== 'pending') {
    const status = message(`status.${instance.status}`);
    // who did it, so a responder whose card was taken meanwhile knows whom to ask
    throw instance.actor && instance.completedAt !== null
      ? new WorkError('step.notPendingBy', { step: instance.id, status, actor: instance.actor, at: formatShort(instance.completedAt, state.opened.timezone) })
      : new WorkError('step.notPending', { step: instance.id, status });
  }
  if (outcome === 'done') {
    if (def.requires.includes('note') && !detail.note?.trim()) throw new InputError('step.noteRequired', { step: instance.id });
    const signoff = needsSignoff(state, def) ? statementStatus(state, def, instance.id) : undefined;
    if (signoff && !signoff.approved) throw unapproved(instance.id, signoff);
    if (def.decision) checkOption(def.decision, detail.outcome, () => message('step.outcomeRequired', { step: instance.id, decision: def.decision!.id, known: optionList(def.decision!) }));
    const completed: EventDraft = {
      type: 'step.completed',
      at,
      actor,
      payload: { step: instance.id, ...(detail.note ? { note: detail.note } : {}), ...(def.decision ? { outcome: detail.outcome! } : {}) },
    };
    const statement = signoff ? published(def.template, signoff, at, actor) : detail.statements ? statementOf(state, instance, detail.statements, at, actor) : [];
    return withConsequences(state, [completed, ...statement], time);
  }
  if (!detail.reason?.trim()) throw new InputError('step.reasonRequired', { step: instance.id });
  return withConsequences(state, [{ type: 'step.skipped', at, actor, payload: { step: instance.id, reason: detail.reason } }], time);
}

/** Why a step under sign-off cannot be done yet: no draft, its latest draft rejected, or approvals missing. */
function unapproved(step: string, s: StatementStatus): WorkError {
  if (!s.draft) return new WorkError('approval.noDraft', { step });
  if (s.rejection) return new WorkError('approval.isRejected', { step, draft: s.draft.draft, member: s.rejection.member });
  const missing = s.needs.filter((n) => n.by.length < n.count).map((n) => `${n.team} ${n.by.length}/${n.count}`);
  return new WorkError('approval.awaiting', { step, draft: s.draft.draft, teams: missing.join(', ') });
}

/** The approved draft, recorded as the statement the step published, with its hash (SPEC §9). */
function published(template: string | undefined, s: StatementStatus, at: number, actor: string): EventDraft[] {
  const d = s.draft!;
  const statement = { step: d.step, template: template ?? '', lang: d.lang, text: d.text, draft: d.draft, sha256: d.sha256, ...(d.file ? { file: d.file } : {}) };
  return [{ type: 'statement.rendered', at, actor, payload: statement }];
}

const optionList = (d: DecisionDefinition) => d.options.map((o) => o.id).join(', ');

function checkOption(d: DecisionDefinition, option: string | undefined, missing: () => Message): void {
  if (option === undefined || !option.trim()) throw new InputError(missing());
  if (!d.options.some((o) => o.id === option)) throw new InputError('decide.badOption', { decision: d.id, option, known: optionList(d) });
}

/** The playbook's decision of that id (SPEC §4.1). */
export function decisionOf(state: IncidentState, id: string): DecisionDefinition {
  const decisions = state.opened.definition.steps.flatMap((s) => (s.decision ? [s.decision] : []));
  const found = decisions.find((d) => d.id === id);
  if (!found) throw new InputError('decide.unknown', { decision: id, playbook: state.playbook.id, known: decisions.map((d) => d.id).join(', ') || '—' });
  return found;
}

/**
 * `decide`: makes or changes a decision's outcome at any time — also while its step is pending
 * (the step is then done by it) or does not apply (the regulator asked). Recorded with the outcome
 * it replaces and the reason; applicability is reconciled as after a regrade (SPEC §4.1).
 */
export function decide(
  state: IncidentState,
  req: { decision: string; outcome: string; reason?: string },
  at: number,
  actor: string,
  time?: TimeContext,
  granted = false,
): EventDraft[] {
  ensureStepsOpen(state);
  const d = decisionOf(state, req.decision);
  checkOption(d, req.outcome, () => message('decide.badOption', { decision: d.id, option: '', known: optionList(d) }));
  if (!req.reason?.trim()) throw new InputError('decide.reason');
  const previous = state.decisions[d.id] ?? null;
  const drafts = withConsequences(state, [{ type: 'decision.made', at, actor, payload: { decision: d.id, outcome: req.outcome, previous, reason: req.reason } }], time);
  const withdraws = granted || !policyOf(state).withdrawDuty ? [] : withdrawnDuties(state, drafts);
  if (withdraws.length === 0) return drafts;
  return requestApproval(state, 'withdraw-duty', { action: 'decide', decision: d.id, outcome: req.outcome, previous, reason: req.reason, withdraws }, at, actor);
}

/**
 * A correction: the latest done or skipped occurrence of a step is pending again, with its
 * original due time, so it may be late at once. A decision keeps its outcome until a new one.
 */
export function reopenStep(state: IncidentState, ref: string, reason: string | undefined, at: number, actor: string): EventDraft[] {
  ensureStepsOpen(state);
  const [stepId] = ref.split('#') as [string];
  resolveStep(state, stepId);
  const ended = state.steps.filter((s) => s.stepId === stepId && (s.status === 'done' || s.status === 'skipped'));
  const target = ref.includes('#') ? ended.find((s) => s.id === ref || (s.occurrence === 1 && ref === `${stepId}#1`)) : ended[ended.length - 1];
  if (!target || target !== ended[ended.length - 1]) throw new WorkError('step.reopenNothing', { step: ref });
  // a step the facts took out of scope, or whose repeat has ended, is not open work again (SPEC §4):
  // a pending occurrence of it would hold the close back until the next regrade withdrew it
  const def = definitionOf(state, stepId);
  if (!applies(def, facts(state))) throw new WorkError('step.reopenNotApplicable', { step: target.id });
  if (untilCame(state, def)) throw new WorkError('step.reopenEnded', { step: target.id });
  if (!reason?.trim()) throw new InputError('step.reopenReason', { step: target.id });
  return [{ type: 'step.reopened', at, actor, payload: { step: target.id, reason } }];
}

function statementOf(state: IncidentState, instance: StepInstance, statements: StatementSource, at: number, actor: string): EventDraft[] {
  const template = definitionOf(state, instance.stepId).template;
  if (!template || state.statements.some((s) => s.step === instance.id)) return [];
  const text = statements(state, template);
  return text === undefined ? [] : renderedStatement(state, { step: instance.id, template, lang: state.opened.lang, text }, at, actor);
}

export function addNote(state: IncidentState, text: string, at: number, actor: string): EventDraft[] {
  if (!text.trim()) throw new InputError('note.empty');
  return [{ type: 'note.added', at, actor, payload: { text } }];
}

/**
 * Service restored. `recoveredAt` is when it really came back, if earlier than now (`recover --at`):
 * not before the fault began, not in the future (SPEC §4.2); `from: recovered` due times count from it.
 */
export function recover(
  state: IncidentState,
  note: string | undefined,
  at: number,
  actor: string,
  time?: TimeContext,
  recoveredAt?: number,
): EventDraft[] {
  ensureOpen(state);
  if (state.recoveredAt !== null) {
    throw new WorkError('incident.alreadyRecovered', { id: state.id, at: formatShort(state.recoveredAt, state.opened.timezone) });
  }
  const tz = state.opened.timezone;
  if (recoveredAt !== undefined) {
    if (recoveredAt > at) throw new InputError('time.future', { what: message('what.recoveredAt'), value: formatShort(recoveredAt, tz) });
    if (recoveredAt < state.startedAt) throw new InputError('time.beforeStart', { what: message('what.recoveredAt'), started: formatShort(state.startedAt, tz) });
  }
  const stated = recoveredAt !== undefined && recoveredAt < at ? { recoveredAt: new Date(recoveredAt).toISOString() } : {};
  return withConsequences(state, [{ type: 'incident.recovered', at, actor, payload: { ...(note ? { note } : {}), ...stated } }], time);
}

export function pendingSteps(state: IncidentState): StepInstance[] {
  return state.steps.filter((s) => s.status === 'pending');
}

/** A step that repeats until the close: its occurrences never hold the close back (SPEC §4). */
const untilClose = (state: IncidentState, s: StepInstance) => {
  const def = definitionOf(state, s.stepId);
  return Boolean(def.repeat) && def.until === 'closed';
};

/** What a forced close would abandon: the pending steps that hold a close back. */
export function abandonedByClose(state: IncidentState): StepInstance[] {
  return pendingSteps(state).filter((s) => !untilClose(state, s));
}

export function closeIncident(
  state: IncidentState,
  req: { summary?: string; force?: boolean; reason?: string },
  at: number,
  actor: string,
  granted = false,
): EventDraft[] {
  ensureOpen(state);
  const ending = pendingSteps(state).filter((s) => untilClose(state, s));
  const pending = pendingSteps(state).filter((s) => !untilClose(state, s)).map((s) => s.id);
  if (pending.length > 0 && !req.force) {
    throw new WorkError('close.pending', { id: state.id, count: pending.length, steps: pending.join(', ') });
  }
  if (req.force && pending.length > 0 && !req.reason?.trim()) throw new InputError('close.forceReason');
  if (pending.length > 0 && !granted && policyOf(state).forcedClose) {
    return requestApproval(state, 'close-force', { action: 'close', reason: req.reason!, pending, ...(req.summary ? { summary: req.summary } : {}) }, at, actor);
  }
  return [
    ...ending.map((s): EventDraft => ({ type: 'step.withdrawn', at, actor, payload: { step: s.id, cause: 'closed' } })),
    {
      type: 'incident.closed',
      at,
      actor,
      payload: {
        forced: pending.length > 0,
        pending,
        ...(req.summary ? { summary: req.summary } : {}),
        ...(pending.length > 0 && req.reason ? { reason: req.reason } : {}),
      },
    },
  ];
}

export function renderedStatement(
  state: IncidentState,
  statement: StatementPayload,
  at: number,
  actor: string,
): EventDraft[] {
  ensureOpen(state);
  return [{ type: 'statement.rendered', at, actor, payload: statement }];
}

/**
 * Facts learnt after the opening (the cause once found, the measures taken): the statements
 * rendered from now on use them. Only changed values are recorded; an empty value clears an
 * optional fact. Unknown names are bad input, as at the opening.
 */
export function updateVars(state: IncidentState, vars: Record<string, string>, at: number, actor: string): EventDraft[] {
  const playbook = state.opened.definition;
  const known = playbook.vars.map((v) => v.id);
  for (const name of Object.keys(vars)) {
    if (!known.includes(name)) throw new InputError('var.unknown', { name, playbook: playbook.id, known: known.join(', ') || '—' });
  }
  const cleared = playbook.vars.filter((v) => v.required && givenValue(vars, v.id) === '').map((v) => v.id);
  if (cleared.length > 0) throw new InputError('var.required', { names: cleared.join(', '), playbook: playbook.id });
  const changed = Object.fromEntries(Object.entries(vars).filter(([k, v]) => (state.vars[k] ?? '') !== v));
  if (Object.keys(changed).length === 0) throw new InputError('vars.nothing');
  return [{ type: 'vars.updated', at, actor, payload: { vars: changed } }];
}

const givenValue = (vars: Record<string, string>, id: string) => (id in vars ? vars[id]!.trim() : undefined);

/**
 * A template rendered for the incident as it stands, in its language; undefined when it cannot be
 * read (the completion stands without it). The edge supplies it: the engine holds no text.
 */
export type StatementSource = (state: IncidentState, template: string) => string | undefined;

export function teamReached(
  state: IncidentState,
  r: { team: string; member: string; reached: boolean; note?: string },
  at: number,
  actor: string,
): EventDraft[] {
  ensureOpen(state);
  return [{ type: 'team.reached', at, actor, payload: r }];
}

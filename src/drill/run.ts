// Replays a scenario on a virtual clock through the same engine calls as a real incident.
import { CliError, WorkError } from '../errors.js';
import type { Incidents } from '../app/incidents.js';
import { addNote, closeIncident, decide, importSignals, recordStep, recover, regrade, resolveStep, type OpenRequest, type StatementSource } from '../engine/decide.js';
import { definitionOf, foldOnto, lifecycle, type IncidentState } from '../engine/fold.js';
import type { EventDraft } from '../engine/events.js';
import type { DecisionDefinition } from '../playbook/schema.js';
import type { TimeContext } from '../time/duration.js';
import type { GradingInputs } from '../grading/grade.js';
import { formatOffset, parseOffset } from '../time/offset.js';
import { parseInstant } from '../time/zone.js';
import type { Messages } from '../i18n/messages.js';
import { signalsReason } from '../report/signals.js';
import { importedPayload } from '../signals/payload.js';
import { gradingChange } from '../signals/tally.js';
import { nextResponderAction } from './responder.js';
import type { DrillSignals } from './signals.js';
import { needsSignoff, pendingRequests, statementStatus } from '../engine/approvals.js';
import { approveStatement, draftStatement, rejectStatement } from '../engine/signoff.js';
import { drillDraft, drillWriter, grantPending, policyApprovals } from './signoff.js';
import { entryAction, type Scenario, type TimelineEntry } from './scenario.js';
import { judge, type Expectation } from './verdict.js';

export interface DrillOutcome {
  state: IncidentState;
  endAt: number;
  expectations: Expectation[];
  passed: boolean;
}

const MAX_RESPONDER_ACTIONS = 10_000;

/** The outcome the responder records for a decision: the scenario's `decisions:`, else the first option (SPEC §7). */
function responderOutcome(scenario: Scenario, decision: DecisionDefinition): string {
  return scenario.decisions[decision.id] ?? decision.options[0]!.id;
}

export const DRILL_ACTOR = 'drill';

function regradeChange(e: TimelineEntry): Partial<GradingInputs> {
  return {
    ...(e.indicators ? { indicators: e.indicators } : {}),
    ...(e.metrics ? { metrics: e.metrics } : {}),
    ...(e.impact ? { impact: e.impact } : {}),
  };
}

/**
 * Order of play (documented in docs/decisions.md): entries in offset order, file order within an
 * offset; at an offset the entries apply before any responder completion at that offset; the
 * drill ends at its last entry, and responder completions up to that moment are included.
 * `statements` renders templates, so that steps done in the drill record their statements like real
 * ones. What the drill says (refusals, its verdict) is in the language of `m`.
 */
export async function runDrill(m: Messages, service: Incidents, scenario: Scenario, request: OpenRequest, statements?: StatementSource, signals: DrillSignals = new Map()): Promise<DrillOutcome> {
  const { t } = m;
  const start = parseInstant(scenario.start)!;
  const entries = scenario.timeline
    .map((entry, index) => ({ entry, index, at: start + parseOffset(entry.at)! }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const endAt = entries.length ? entries[entries.length - 1]!.at : start;
  const mentioned = new Set(
    scenario.timeline.flatMap((e) => [e.complete, e.skip]).filter((id): id is string => Boolean(id)).map((id) => id.split('#')[0]!),
  );
  const failures: Expectation[] = [];
  const actor = DRILL_ACTOR;

  let state = await service.open(request, start, actor);
  const id = state.id;
  let next = 0;
  let clock = start; // the drill's virtual now: nothing is recorded before it
  /** When the responder policy approves a draft: at the request, or ten minutes after (late). */
  const approveAt = new Map<string, number>();
  // a statement the scenario signs itself (`approve:`/`reject:` still to come) waits for it; the
  // last entry naming each step or occurrence, so the question costs nothing per responder decision
  const lastSigning = new Map<string, number>();
  entries.forEach(({ entry: e }, i) => {
    for (const x of [e.approve, e.reject]) if (x !== undefined) lastSigning.set(x, i);
  });
  const signedByScenario = (stepId: string, instance: string) => (lastSigning.get(stepId) ?? -1) >= next || (lastSigning.get(instance) ?? -1) >= next;
  const notBefore = (step: { id: string; stepId: string }) =>
    signedByScenario(step.stepId, step.id) ? Infinity : approveAt.get(step.id);
  for (let actions = 0; ; ) {
    const entry = entries[next];
    const responder = nextResponderAction(state, scenario.responder, mentioned, clock, notBefore);
    if (responder && responder.at <= endAt && (!entry || responder.at < entry.at)) {
      if (++actions > MAX_RESPONDER_ACTIONS) throw new WorkError('drill.noProgress', { limit: MAX_RESPONDER_ACTIONS });
      const def = definitionOf(state, responder.step.stepId);
      if (needsSignoff(state, def)) {
        // the responder drafts when it would do the step; its policy approves at the request or later
        const status = statementStatus(state, def, responder.step.id);
        clock = responder.at;
        if (!status.draft || status.rejection) {
          state = await service.act(id, (s) => draftStatement(s, responder.step.id, drillDraft(s, responder.step, statements), responder.at, actor));
          approveAt.set(responder.step.id, responder.at + (scenario.responder === 'late' ? 10 * 60_000 : 0));
          continue;
        }
        if (!status.approved) {
          const before = state.events;
          state = await service.act(id, (s, time) => policyApprovals(s, responder.step.id, responder.at, time));
          if (state.events === before) mentioned.add(responder.step.stepId); // nobody can sign: the responder gives up on it
          continue;
        }
      }
      const note = def.requires.includes('note') ? t('drill.autoNote', { policy: scenario.responder }) : undefined;
      const outcome = def.decision ? responderOutcome(scenario, def.decision) : undefined;
      state = await service.act(id, (s, time) => recordStep(s, responder.step.id, 'done', { note, outcome, statements }, responder.at, actor, time));
      clock = responder.at;
      continue;
    }
    if (!entry) break;
    next++;
    const { at } = entry;
    clock = at;
    const e = entry.entry;
    const action = entryAction(e)!;
    try {
      state = await service.act(id, (s, time) => {
        switch (action.kind) {
          case 'regrade':
            return regrade(s, { change: regradeChange(e), ...(e.tier ? { override: { tier: e.tier, reason: e.reason } } : {}), reason: e.reason }, at, actor, time);
          case 'complete': {
            const d = s.opened.definition.steps.find((x) => x.id === action.step.split('#')[0])?.decision;
            const outcome = d ? (e.outcome ?? responderOutcome(scenario, d)) : undefined;
            // a completion the timeline scripts had its statement drafted and approved by then
            const signed = signedNow(s, action.step, at, time);
            return [...signed.drafts, ...recordStep(signed.state, action.step, 'done', { note: e.note, outcome, statements }, at, actor, time)];
          }
          case 'approve':
          case 'reject': {
            const drafted = draftedNow(s, action.step, at, time);
            const writer = drillWriter(e.by!);
            const made = action.kind === 'approve' ? approveStatement(drafted.state, action.step, {}, at, writer) : rejectStatement(drafted.state, action.step, { reason: e.reason }, at, writer);
            return [...drafted.drafts, ...made];
          }
          case 'skip':
            return recordStep(s, action.step, 'skip', { reason: e.reason }, at, actor, time);
          case 'note':
            return addNote(s, e.note!, at, actor);
          case 'recover':
            return recover(s, e.note, at, actor, time);
          case 'close':
            return closeIncident(s, { summary: e.summary, force: e.force, reason: e.reason }, at, actor);
          case 'decide': {
            // several decisions in one entry apply in file order, as one action
            let current = s;
            const drafts = [];
            for (const [decision, outcome] of Object.entries(e.decide!)) {
              const made = decide(current, { decision, outcome, reason: e.reason?.trim() || t('drill.autoReason') }, at, actor, time);
              drafts.push(...made);
              current = foldOnto(current, made, time);
            }
            return drafts;
          }
          case 'signals': {
            // read before the drill (readDrillSignals); graded against the incident as it stands now
            const read = signals.get(entry.index)!;
            const applied = gradingChange(read.summary, s.inputs.metrics, s.opened.grading);
            const imported = importedPayload(read, s.opened.timezone, applied);
            return importSignals(s, imported, signalsReason(s, imported), at, actor, time);
          }
        }
      });
      if (pendingRequests(state).length > 0) state = await service.act(id, (s, time) => grantPending(s, actor, at, time));
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      const when = formatOffset(at - start);
      const failure =
        action.kind === 'close'
          ? { name: 'close', passed: false, detail: t('drill.closeRefused', { at: when, message: m.error(error) }) }
          : { name: 'timeline', passed: false, detail: t('drill.entryFailed', { at: when, message: m.error(error) }) };
      failures.push(failure);
      // the refusal goes into the log as a note, so the evidence shows it and the report, status and
      // drill all judge lateness at the same end of the drill (a closed incident takes no note)
      if (lifecycle(state) !== 'closed') state = await service.act(id, (s) => addNote(s, failure.detail, at, actor));
    }
  }
  /** The step's latest draft, written now by the drill if it has none (or only a rejected one). */
  function draftedNow(s: IncidentState, ref: string, at: number, time: TimeContext) {
    const instance = resolveStep(s, ref);
    const def = definitionOf(s, instance.stepId);
    const status = statementStatus(s, def, instance.id);
    if (status.draft && !status.rejection) return { state: s, drafts: [] as EventDraft[] };
    const drafts = draftStatement(s, instance.id, drillDraft(s, instance, statements), at, actor);
    return { state: foldOnto(s, drafts, time), drafts };
  }
  /** A step under sign-off, drafted and approved by the drill at this moment if it is not yet. */
  function signedNow(s: IncidentState, ref: string, at: number, time: TimeContext) {
    const instance = resolveStep(s, ref);
    const def = definitionOf(s, instance.stepId);
    if (instance.status !== 'pending' || !needsSignoff(s, def) || statementStatus(s, def, instance.id).approved) return { state: s, drafts: [] as EventDraft[] };
    const drafted = draftedNow(s, instance.id, at, time);
    const approvals = policyApprovals(drafted.state, instance.id, at, time);
    return { state: foldOnto(drafted.state, approvals, time), drafts: [...drafted.drafts, ...approvals] };
  }

  const expectations = [...failures, ...judge(m, scenario.expect, state, endAt)];
  return { state, endAt, expectations, passed: expectations.every((x) => x.passed) };
}

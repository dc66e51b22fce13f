// The actions of four-eyes sign-off (SPEC §9): draft a statement, approve or reject its latest
// draft, grant or refuse a request. Each returns event drafts, as every decide function does.
import { InputError, message, WorkError } from '../errors.js';
import type { TimeContext } from '../time/duration.js';
import {
  approvalNeeds,
  draftsOf,
  inactiveTeams,
  isSameWriter,
  memberOf,
  statementStatus,
  textSha256,
  type Member,
  type Writer,
} from './approvals.js';
import { closeIncident, decide, ensureStepsOpen, regrade, resolveStep } from './decide.js';
import type { EventDraft } from './events.js';
import { definitionOf, type IncidentState, type StepInstance } from './fold.js';

/** The step's open occurrence, pending: drafts and verdicts are about a statement not yet published. */
function pendingInstance(state: IncidentState, ref: string): StepInstance {
  ensureStepsOpen(state);
  const instance = resolveStep(state, ref);
  if (instance.status !== 'pending') throw new WorkError('step.notPending', { step: instance.id, status: message(`status.${instance.status}`) });
  return instance;
}

/**
 * A new draft of a step's statement (numbered 1, 2, … per occurrence), with its text's sha256: it
 * cancels every approval of earlier drafts. An approving team not activated is activated now, for
 * this purpose (a mild incident's apology still needs leadership).
 */
export function draftStatement(
  state: IncidentState,
  ref: string,
  statement: { text: string; lang: 'zh' | 'en'; template?: string; file?: string },
  at: number,
  actor: string,
): EventDraft[] {
  const instance = pendingInstance(state, ref);
  const def = definitionOf(state, instance.stepId);
  if (!def.template && !def.approval) throw new WorkError('statement.noStatement', { step: instance.id });
  if (!statement.text.trim()) throw new InputError('statement.emptyDraft', { step: instance.id });
  const sha256 = textSha256(statement.text);
  const drafts = draftsOf(state, instance.id);
  const last = drafts[drafts.length - 1];
  // the same text again cancels nothing and asks nothing new — unless it was rejected and goes round again
  const rejected = last !== undefined && state.signoffs.some((x) => x.step === instance.id && x.draft === last.draft && x.verdict === 'rejected');
  if (last && last.sha256 === sha256 && !rejected) throw new InputError('statement.sameDraft', { step: instance.id, draft: last.draft });
  const drafted: EventDraft = {
    type: 'statement.drafted',
    at,
    actor,
    payload: {
      step: instance.id,
      draft: drafts.length + 1,
      text: statement.text,
      sha256,
      lang: statement.lang,
      ...(statement.template ? { template: statement.template } : {}),
      ...(statement.file ? { file: statement.file } : {}),
    },
  };
  const teams = inactiveTeams(state, approvalNeeds(def.approval).map((n) => n.team));
  return [
    drafted,
    ...teams.map((team): EventDraft => ({ type: 'team.activated', at, actor, payload: { team, tier: state.tier, step: instance.id, approval: true } })),
  ];
}

/**
 * The member who signs: a member of one of `teams` (pinned at the opening), who is not the one
 * who wrote `by`. In a drill, a team that lists no members accepts the name the scenario gives.
 */
function signer(state: IncidentState, teams: readonly string[], by: { at: number; actor: string; recordedBy?: string }, writer: Writer): { team: string; member: Member } {
  const found =
    memberOf(state, teams, writer) ??
    (writer.drill ? teams.map((team) => ({ team, member: { name: writer.actor } })).find(({ team }) => !state.opened.teams.find((x) => x.id === team)?.members.length) : undefined);
  const who = writer.verified ? (writer.recordedBy ?? writer.actor) : writer.actor;
  if (!found) throw new WorkError('approval.notMember', { who, teams: teams.join(', ') });
  if (isSameWriter(by, writer, found.member)) throw new WorkError('approval.self', { who: found.member.name, author: by.actor });
  return found;
}

const marks = (writer: Writer) => ({ ...(writer.drill ? { drill: true as const } : !writer.verified ? { claimed: true as const } : {}) });

/**
 * An approval of the step's latest draft, by hash. An older draft (`--draft N`), a rejected one, a
 * non-member, the draft's own author, or a member who approved it already: refused (exit 1).
 */
export function approveStatement(state: IncidentState, ref: string, opts: { draft?: number }, at: number, writer: Writer): EventDraft[] {
  const instance = pendingInstance(state, ref);
  const def = definitionOf(state, instance.stepId);
  if (!def.approval) throw new WorkError('approval.notRequired', { step: instance.id });
  const status = statementStatus(state, def, instance.id);
  const draft = status.draft;
  if (!draft) throw new WorkError('approval.noDraft', { step: instance.id });
  if (opts.draft !== undefined && opts.draft !== draft.draft) throw new WorkError('approval.olderDraft', { step: instance.id, draft: opts.draft, latest: draft.draft });
  if (status.rejection) throw new WorkError('approval.isRejected', { step: instance.id, draft: draft.draft, member: status.rejection.member });
  // a team still short of approvals first, so a member of two teams counts where they are needed
  const needs = status.needs.filter((n) => n.by.length < n.count).concat(status.needs.filter((n) => n.by.length >= n.count));
  const { team, member } = signer(state, needs.map((n) => n.team), draft, writer);
  if (status.approvals.some((a) => a.member === member.name)) throw new WorkError('approval.already', { who: member.name, step: instance.id, draft: draft.draft });
  return [{ type: 'statement.approved', at, actor: writer.actor, payload: { step: instance.id, draft: draft.draft, sha256: draft.sha256, team, member: member.name, ...marks(writer) } }];
}

/** A rejection of the latest draft, with a reason (exit 2 without), by a member who may approve it. */
export function rejectStatement(state: IncidentState, ref: string, opts: { reason?: string; draft?: number }, at: number, writer: Writer): EventDraft[] {
  const instance = pendingInstance(state, ref);
  if (!opts.reason?.trim()) throw new InputError('approval.rejectReason', { step: instance.id });
  const def = definitionOf(state, instance.stepId);
  if (!def.approval) throw new WorkError('approval.notRequired', { step: instance.id });
  const draft = statementStatus(state, def, instance.id).draft;
  if (!draft) throw new WorkError('approval.noDraft', { step: instance.id });
  if (opts.draft !== undefined && opts.draft !== draft.draft) throw new WorkError('approval.olderDraft', { step: instance.id, draft: opts.draft, latest: draft.draft });
  const { member } = signer(state, approvalNeeds(def.approval).map((n) => n.team), draft, writer);
  return [{ type: 'statement.rejected', at, actor: writer.actor, payload: { step: instance.id, draft: draft.draft, sha256: draft.sha256, member: member.name, reason: opts.reason, ...marks(writer) } }];
}

function pendingRequest(state: IncidentState, id: string) {
  ensureStepsOpen(state);
  const request = state.requests.find((r) => r.request.toUpperCase() === id.toUpperCase());
  if (!request) throw new InputError('approval.unknownRequest', { request: id, known: state.requests.filter((r) => r.status === 'pending').map((r) => r.request).join(', ') || '—' });
  if (request.status !== 'pending') throw new WorkError('approval.requestDecided', { request: request.request, status: message(`approval.status.${request.status}`) });
  return request;
}

/**
 * Grants a request: the approval, then the action's own events, decided now against the state as
 * it stands (steps done meanwhile are no longer abandoned), in the same append.
 */
export function grantRequest(state: IncidentState, id: string, at: number, writer: Writer, time: TimeContext): EventDraft[] {
  const request = pendingRequest(state, id);
  const { member } = signer(state, request.teams, request, writer);
  const granted: EventDraft = { type: 'approval.granted', at, actor: writer.actor, payload: { request: request.request, member: member.name, ...marks(writer) } };
  const d = request.detail;
  const actor = writer.actor;
  const action =
    d.action === 'close'
      ? closeIncident(state, { force: true, reason: d.reason, ...(d.summary ? { summary: d.summary } : {}) }, at, actor, true)
      : d.action === 'decide'
        ? decide(state, { decision: d.decision, outcome: d.outcome, ...(d.reason ? { reason: d.reason } : {}) }, at, actor, time, true)
        : regrade(state, { change: d.change, ...(d.override ? { override: d.override as never } : {}), ...(d.reason ? { reason: d.reason } : {}) }, at, actor, time, true);
  return [granted, ...action];
}

/** Refuses a request, with a reason: nothing it asked for happens. */
export function refuseRequest(state: IncidentState, id: string, reason: string | undefined, at: number, writer: Writer): EventDraft[] {
  const request = pendingRequest(state, id);
  if (!reason?.trim()) throw new InputError('approval.refuseReason', { request: request.request });
  const { member } = signer(state, request.teams, request, writer);
  return [{ type: 'approval.refused', at, actor: writer.actor, payload: { request: request.request, member: member.name, reason, ...marks(writer) } }];
}

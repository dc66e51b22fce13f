// Four-eyes sign-off (SPEC §9): statement drafts and their approvals, and the requests that wait
// for a second person (a forced close, a downgrade, a withdrawn duty). What the fold keeps of
// them, and who may sign. Pure: the writer's identity comes in as a value.
import { createHash } from 'node:crypto';
import type { ApprovalRule, StepDefinition, Team } from '../playbook/schema.js';
import type { EventDraft, EventPayloads } from './events.js';
import type { IncidentState } from './fold.js';

/** Which actions need a second person (`approvals:` in sec-incident.yaml), pinned at the opening. */
export interface ApprovalPolicy {
  statements: boolean;
  forcedClose: boolean;
  downgrade: boolean;
  withdrawDuty: boolean;
}

export const DEFAULT_APPROVALS: ApprovalPolicy = { statements: true, forcedClose: true, downgrade: true, withdrawDuty: true };
/** An incident opened before sign-off existed keeps the rules it was opened under: none. */
const NONE: ApprovalPolicy = { statements: false, forcedClose: false, downgrade: false, withdrawDuty: false };

export const policyOf = (state: IncidentState): ApprovalPolicy => state.opened.approvals ?? NONE;

/**
 * Who is writing: the name they give (`--actor`, claimed) and who the store knows them as
 * (`recorded_by`), which only a store that checks it (PostgreSQL) vouches for.
 */
export interface Writer {
  actor: string;
  recordedBy?: string;
  verified: boolean;
  /** Played by a drill's scenario or responder policy. */
  drill?: boolean;
}

export const claimedWriter = (actor: string): Writer => ({ actor, verified: false });

export const textSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

interface Recorded {
  at: number;
  actor: string;
  recordedBy?: string;
}

export type DraftRecord = EventPayloads['statement.drafted'] & Recorded;
export type SignoffRecord = (
  | ({ verdict: 'approved' } & EventPayloads['statement.approved'])
  | ({ verdict: 'rejected' } & EventPayloads['statement.rejected'])
) &
  Recorded;

export type RequestKind = EventPayloads['approval.requested']['kind'];

export interface RequestRecord extends Recorded {
  request: string;
  kind: RequestKind;
  detail: RequestDetail;
  teams: string[];
  status: 'pending' | 'granted' | 'refused';
  decided?: { at: number; member: string; claimed?: boolean; drill?: boolean; reason?: string; actor: string };
}

/**
 * What a request would change, enough to do it once granted: the forced close and the pending
 * steps it abandons; the regrade (an override downwards, or one that withdraws a duty); the
 * decision change. `withdraws` are the pending steps carrying a `basis:` it would withdraw.
 */
export type RequestDetail =
  | { action: 'close'; summary?: string; reason: string; pending: string[] }
  | {
      action: 'regrade';
      change: Record<string, unknown>;
      override?: { tier: string; reason?: string };
      reason?: string;
      from: string;
      to: string;
      withdraws: string[];
    }
  | { action: 'decide'; decision: string; outcome: string; previous: string | null; reason?: string; withdraws: string[] };

export interface ApprovalNeed {
  team: string;
  count: number;
  /** Members of the team who approved the latest draft. */
  by: string[];
}

export interface StatementStatus {
  draft: DraftRecord | undefined;
  needs: ApprovalNeed[];
  approvals: SignoffRecord[];
  rejection: SignoffRecord | undefined;
  approved: boolean;
}

/** `approval:` as a list of teams and how many of each must approve. */
export function approvalNeeds(rule: ApprovalRule | undefined): { team: string; count: number }[] {
  if (rule === undefined) return [];
  if (typeof rule === 'string') return [{ team: rule, count: 1 }];
  if (Array.isArray(rule)) return rule.map((team) => ({ team, count: 1 }));
  return [{ team: rule.team, count: rule.count }];
}

/** Whether completing this step waits for sign-off in this incident. */
export function needsSignoff(state: IncidentState, def: StepDefinition): boolean {
  return def.approval !== undefined && policyOf(state).statements;
}

export const draftsOf = (state: IncidentState, instanceId: string): DraftRecord[] => state.drafts.filter((d) => d.step === instanceId);

export function latestDraft(state: IncidentState, instanceId: string): DraftRecord | undefined {
  const drafts = draftsOf(state, instanceId);
  return drafts[drafts.length - 1];
}

/**
 * Where a step's statement stands: its latest draft, who approved that exact draft (by hash), and
 * whether every team required has enough approvals. A new draft cancels earlier approvals, since
 * only the latest draft's count.
 */
export function statementStatus(state: IncidentState, def: StepDefinition, instanceId: string): StatementStatus {
  const draft = latestDraft(state, instanceId);
  const mine = draft ? state.signoffs.filter((s) => s.step === instanceId && s.draft === draft.draft && s.sha256 === draft.sha256) : [];
  const approvals = mine.filter((s) => s.verdict === 'approved');
  const rejection = mine.find((s) => s.verdict === 'rejected');
  const needs = approvalNeeds(def.approval).map((n) => ({
    ...n,
    by: approvals.filter((a) => a.verdict === 'approved' && a.team === n.team).map((a) => a.member),
  }));
  const approved = draft !== undefined && rejection === undefined && needs.every((n) => n.by.length >= n.count);
  return { draft, needs, approvals, rejection, approved };
}

export type Member = Team['members'][number];

/**
 * The member of one of `teams` (as pinned at the opening) that the writer is: on a store that
 * verifies who writes, the member whose `user:` is the verified `recorded_by`, whatever the claim;
 * otherwise the member the claim names, by name or user.
 */
export function memberOf(state: IncidentState, teams: readonly string[], writer: Writer): { team: string; member: Member } | undefined {
  for (const id of teams) {
    const team = state.opened.teams.find((x) => x.id === id);
    const member = team?.members.find((m) =>
      writer.verified ? m.user !== undefined && m.user === writer.recordedBy : m.name === writer.actor || (m.user !== undefined && m.user === writer.actor),
    );
    if (member) return { team: id, member };
  }
  return undefined;
}

/**
 * Whether the writer is the one who wrote `by` (the draft, the request): by the verified
 * `recorded_by` when the store vouches for both; otherwise by every name the member is known by,
 * and the claim itself.
 */
export function isSameWriter(by: Recorded, writer: Writer, member: Member | undefined): boolean {
  if (writer.verified && by.recordedBy !== undefined && writer.recordedBy !== undefined) return by.recordedBy === writer.recordedBy;
  const names = new Set([writer.actor, member?.name, member?.user].filter((x): x is string => Boolean(x)));
  return names.has(by.actor);
}

/** Teams a request or a draft waits on that are not activated: the request activates them. */
export function inactiveTeams(state: IncidentState, teams: readonly string[]): string[] {
  const active = new Set(state.teams.map((x) => x.team));
  return teams.filter((t) => !active.has(t) && state.opened.teams.some((x) => x.id === t));
}

/** Requests still awaiting a second person; none once the incident is closed (nothing can be granted then). */
export const pendingRequests = (state: IncidentState): RequestRecord[] =>
  state.closedAt === null ? state.requests.filter((r) => r.status === 'pending') : [];

type SignoffList = 'drafts' | 'signoffs' | 'requests';

/**
 * What the fold keeps of the sign-off events; false for any other event. `mutable` gives a list
 * the fold may change in place (copy-on-write: the state may share it with an earlier one).
 */
export function evolveSignoff(
  state: IncidentState,
  event: EventDraft & { recordedBy?: string },
  mutable: <K extends SignoffList>(key: K) => IncidentState[K],
): boolean {
  const recorded: Recorded = { at: event.at, actor: event.actor, ...(event.recordedBy ? { recordedBy: event.recordedBy } : {}) };
  switch (event.type) {
    case 'statement.drafted':
      mutable('drafts').push({ ...event.payload, ...recorded });
      return true;
    case 'statement.approved':
      mutable('signoffs').push({ verdict: 'approved', ...event.payload, ...recorded });
      return true;
    case 'statement.rejected':
      mutable('signoffs').push({ verdict: 'rejected', ...event.payload, ...recorded });
      return true;
    case 'approval.requested':
      mutable('requests').push({ ...event.payload, ...recorded, status: 'pending' });
      return true;
    case 'approval.granted':
    case 'approval.refused': {
      const i = state.requests.findIndex((r) => r.request === event.payload.request);
      const p = event.payload;
      // a new object: a cloned state shares the records of the one it was cloned from
      if (i >= 0) {
        mutable('requests')[i] = {
          ...state.requests[i]!,
          status: event.type === 'approval.granted' ? 'granted' : 'refused',
          decided: {
            at: event.at,
            actor: event.actor,
            member: p.member,
            ...('claimed' in p && p.claimed ? { claimed: true } : {}),
            ...('drill' in p && p.drill ? { drill: true } : {}),
            ...('reason' in p ? { reason: p.reason } : {}),
          },
        };
      }
      return true;
    }
    case 'db.imported': {
      // what was copied from another store was recorded there: its recorded_by is a claim here
      const claimed = <T extends Recorded>({ recordedBy: _, ...rest }: T) => rest as T;
      state.drafts = state.drafts.map(claimed);
      state.signoffs = state.signoffs.map(claimed);
      state.requests = state.requests.map(claimed);
      return true;
    }
    default:
      return false;
  }
}

/** What awaits or had sign-off, for `status --json` (`approvals`) and drills: statements, then requests. */
export function approvalsView(state: IncidentState, format: (ms: number) => string) {
  const signer = (s: { member: string; at: number; claimed?: boolean; drill?: boolean }) => ({
    member: s.member,
    at: format(s.at),
    ...(s.claimed ? { claimed: true } : {}),
    ...(s.drill ? { drill: true } : {}),
  });
  const statements = [...new Set(state.drafts.map((d) => d.step))].flatMap((id) => {
    const instance = state.steps.find((s) => s.id === id);
    const def = state.opened.definition.steps.find((s) => s.id === instance?.stepId);
    if (!instance || !def) return [];
    const s = statementStatus(state, def, id);
    const d = s.draft!;
    return [{
      kind: 'statement' as const,
      step: id,
      draft: d.draft,
      sha256: d.sha256,
      author: d.actor,
      draftedAt: format(d.at),
      status: instance.status === 'done' ? 'published' : s.rejection ? 'rejected' : s.approved ? 'approved' : 'awaiting',
      needs: s.needs.map((n) => ({ team: n.team, count: n.count, approved: n.by.length })),
      approvals: s.approvals.map((a) => ({ ...signer(a), ...(a.verdict === 'approved' ? { team: a.team } : {}) })),
      ...(s.rejection && s.rejection.verdict === 'rejected' ? { rejection: { ...signer(s.rejection), reason: s.rejection.reason } } : {}),
    }];
  });
  const requests = state.requests.map((r) => ({
    kind: r.kind,
    request: r.request,
    status: r.status,
    requestedBy: r.actor,
    at: format(r.at),
    teams: r.teams,
    detail: r.detail,
    ...(r.decided ? { decided: { ...signer(r.decided), ...(r.decided.reason ? { reason: r.decided.reason } : {}) } } : {}),
  }));
  return [...statements, ...requests];
}

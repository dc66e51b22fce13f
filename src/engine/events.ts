import type { GradingInputs, GradingResult } from '../grading/grade.js';
import type { QueuedPayload, SuppressedPayload } from '../notify/outbox.js';
import type { Firm, GradingConfig, Lang, Member, Playbook, Team, Tier } from '../playbook/schema.js';
import type { ApprovalPolicy, RequestDetail } from './approvals.js';

export type IncidentMode = 'real' | 'drill';

/** The pinned playbook: what it was, and the definition itself, so a resumed run never drifts. */
export interface PinnedPlaybook {
  id: string;
  version: number;
  sha256: string;
  file: string;
}

/**
 * A member as the log pins them: who they are and their role, and the `user` the store knows them
 * by (approvals are checked against it, SPEC §9) — never how to reach them. The log is evidence kept
 * for years and copied to auditors; phones, mobiles and Feishu ids are read from the current
 * teams.yaml when they are needed (issue 17, item 13). Logs from before hold them too: ignored.
 */
export type PinnedMember = Pick<Member, 'name' | 'role' | 'user'>;
export type PinnedTeam = Omit<Team, 'members'> & { members: PinnedMember[] };

/** The teams as an opening pins them: everything but the members' contact details. */
export function pinTeams(teams: readonly Team[]): PinnedTeam[] {
  return teams.map((team) => ({
    ...team,
    members: team.members.map((m) => ({ name: m.name, ...(m.role !== undefined ? { role: m.role } : {}), ...(m.user !== undefined ? { user: m.user } : {}) })),
  }));
}

export interface OpenedPayload {
  type: string;
  title: string;
  mode: IncidentMode;
  playbook: PinnedPlaybook;
  definition: Playbook;
  grading: GradingConfig;
  teams: PinnedTeam[];
  vars: Record<string, string>;
  timezone: string;
  lang: Lang;
  firm: Firm;
  drill?: { scenario: string; start: string };
  /** When the fault began and when the firm learnt of it (ISO 8601), if stated (SPEC §4.2). */
  startedAt?: string;
  discoveredAt?: string;
  /** Which actions need a second person (SPEC §9), as configured when it was opened. */
  approvals?: ApprovalPolicy;
}

/** Why an occurrence was withdrawn: it stopped applying, or its `until` came (SPEC §4). */
export type WithdrawCause = 'not-applicable' | 'recovered' | 'until' | 'closed';

export interface GradedPayload {
  inputs: GradingInputs;
  result: GradingResult;
  /** The tier in force: the computed one, or the responder's override. */
  tier: Tier;
  override: boolean;
  reason?: string;
}

/**
 * A monitoring export read and graded on (issue 18): what the grade rested on. Times are ISO 8601
 * in the incident's zone; `applied` is the metrics change the import made to the grading.
 */
/** The figures an import computed from a monitoring export (issue 18), as the log keeps them. */
export interface SignalsFigures {
  mentions: number;
  reposts: number;
  views: number;
  comments: number;
  likes: number;
  /** Distinct platforms (sources) among the mentions. */
  platforms: number;
  /** Hours from the first mention to the end of the window, rounded down to 0.1 h. */
  hours: number;
  trend: 'falling' | 'stable' | 'rising';
  /** Negative among the mentions that carry a sentiment; null when none does. */
  negativeShare: number | null;
  /** The mainstream media (grading.yaml's names) found as source or author. */
  mainstream: string[];
}

export interface SignalsImportedPayload {
  file: string;
  sha256: string;
  format: 'csv' | 'xlsx' | 'jsonl';
  encoding: string | null;
  rows: number;
  used: number;
  ignored: number;
  /** Ignored rows by reason code (time.invalid, count.invalid, …). */
  reasons: Record<string, number>;
  /** The first ignored rows: line and reason code, with the value when there is one. */
  problems: { line: number; code: string; field?: string; value?: string }[];
  outside: { before: number; after: number };
  window: { from: string; to: string };
  metrics: SignalsFigures;
  platforms: { platform: string; mentions: number }[];
  series: { hour: string; mentions: number }[];
  applied: Record<string, number | string>;
}

/** A statement as rendered and recorded, in the language it was written in. */
export interface StatementPayload {
  step?: string;
  template: string;
  lang: Lang;
  text: string;
  file?: string;
  /** The approved draft a step done published, and its text's hash (SPEC §9). */
  draft?: number;
  sha256?: string;
}

export type EventPayloads = {
  'incident.opened': OpenedPayload;
  'incident.graded': GradedPayload;
  /** `step`: the step whose duty brought the team in, when its tier alone would not (SPEC §4). */
  /** `approval`: brought in to sign off `step`'s statement or a request, not for a duty (SPEC §9). */
  'team.activated': { team: string; tier: Tier; step?: string; approval?: true };
  'team.reached': { team: string; member: string; reached: boolean; note?: string };
  /** `outcome`: the option a decision step records (SPEC §4.1). */
  'step.completed': { step: string; note?: string; outcome?: string };
  'step.skipped': { step: string; reason: string };
  'step.withdrawn': { step: string; cause: WithdrawCause };
  /** A decision made or changed with `decide` (SPEC §4.1), with the outcome it replaces. */
  'decision.made': { decision: string; outcome: string; previous: string | null; reason?: string };
  /** A done or skipped occurrence made pending again, with who and why. */
  'step.reopened': { step: string; reason: string };
  'note.added': { text: string; step?: string };
  /** Facts for the statements learnt after the opening (the cause, the measures): only what changed. */
  'vars.updated': { vars: Record<string, string> };
  'statement.rendered': StatementPayload;
  'signals.imported': SignalsImportedPayload;
  /** Four-eyes sign-off (SPEC §9): a statement's drafts, numbered per step occurrence, and verdicts on one. */
  'statement.drafted': { step: string; draft: number; text: string; sha256: string; lang: Lang; template?: string; file?: string };
  'statement.approved': { step: string; draft: number; sha256: string; team: string; member: string; claimed?: true; drill?: true };
  'statement.rejected': { step: string; draft: number; sha256: string; member: string; reason: string; claimed?: true; drill?: true };
  /** An action waiting for a second person; granted, its own events follow in the same append. */
  'approval.requested': { request: string; kind: 'close-force' | 'downgrade' | 'withdraw-duty'; detail: RequestDetail; teams: string[] };
  'approval.granted': { request: string; member: string; claimed?: true; drill?: true };
  'approval.refused': { request: string; member: string; reason: string; claimed?: true; drill?: true };
  /** `recoveredAt`: when service really came back (ISO 8601), if stated earlier than recorded. */
  'incident.recovered': { note?: string; recoveredAt?: string };
  'incident.closed': { summary?: string; forced: boolean; reason?: string; pending: string[] };
  /** The outbox (SPEC §9): a message for a team's channel, queued in the transaction of what caused it. */
  'notification.queued': QueuedPayload;
  /** A drill's message for a channel that does not take drills: recorded, not sent. */
  'notification.suppressed': SuppressedPayload;
  /** A sender took these notifications until `until` (ISO 8601): no other sender sends them meanwhile. */
  'notification.claimed': { ids: string[]; by: string; until: string };
  /** A platform acknowledged every part of it: never sent again. */
  /** `unmentioned`: names the notice would @mention that the current teams.yaml no longer lists (issue 17, item 13). */
  'notification.sent': { id: string; attempt: number; parts: number; status?: number; code?: number | string; unmentioned?: string[] };
  'notification.failed': {
    id: string;
    attempt: number;
    delivered: number;
    status?: number;
    code?: number | string;
    /** Tried again from then; absent when it will not be. */
    retryAt?: string;
    detail?: string;
  };
  /** A due or overdue reminder, raised once (SPEC §9). */
  'reminder.raised': { kind: 'due' | 'overdue'; step: string; dueAt: string };
  /** The events before this one were copied from another store (db copy): its location and chain head. */
  'db.imported': { source: string; head: string; events: number };
  /** The machine's clock read earlier than the chain's last event: the next event is recorded at that event's time instead. */
  'clock.skew': { clock: string; last: string };
};

export type EventType = keyof EventPayloads;

/** An event before the store gives it a sequence number and a hash. `at` is epoch ms. */
export type EventDraft = {
  [K in EventType]: { type: K; at: number; actor: string; payload: EventPayloads[K] };
}[EventType];

export type IncidentEvent = EventDraft & {
  incidentId: string;
  seq: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
  /** Who the store knows wrote it (SPEC §6); absent on events from before the column. */
  recordedBy?: string;
};

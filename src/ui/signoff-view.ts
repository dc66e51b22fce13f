// What awaits a second person (SPEC §9), in words: the walk's card, `status` and the commands whose
// action became a request say it.
import { needsSignoff, pendingRequests, statementStatus } from '../engine/approvals.js';
import { definitionOf, type IncidentState, type StepInstance } from '../engine/fold.js';
import type { Messages } from '../i18n/messages.js';
import { requestDetail } from '../report/describe.js';
import { formatShort } from '../time/zone.js';
import { fitToWidth } from './table.js';

/**
 * "Awaiting approval: Emergency leadership group (draft 2, by 张三 09:41)", "Approved …",
 * "Rejected by …", or "Needs approval by …: no draft yet"; undefined for a step under no sign-off.
 */
export function signoffLine(m: Messages, state: IncidentState, step: StepInstance): string | undefined {
  const { t, teamName } = m;
  const def = definitionOf(state, step.stepId);
  if (!needsSignoff(state, def) || step.status !== 'pending') return undefined;
  const s = statementStatus(state, def, step.id);
  const name = (team: string) => teamName(state.opened.teams, team);
  if (!s.draft) return t('signoff.noDraft', { teams: s.needs.map((n) => name(n.team)).join(', ') });
  const draft = { draft: s.draft.draft, author: s.draft.actor, at: formatShort(s.draft.at, state.opened.timezone).slice(11) };
  if (s.rejection) return t('signoff.rejected', { ...draft, member: s.rejection.member, reason: s.rejection.verdict === 'rejected' ? s.rejection.reason : '' });
  if (s.approved) return t('signoff.approved', { ...draft, members: s.approvals.map((a) => a.member).join(', ') });
  const missing = s.needs.filter((n) => n.by.length < n.count).map((n) => (n.count > 1 ? `${name(n.team)} ${n.by.length}/${n.count}` : name(n.team)));
  return t('signoff.awaiting', { ...draft, teams: missing.join(', ') });
}

/** For `status`: each statement awaiting sign-off, then each request awaiting a second person. */
export function approvalLines(m: Messages, state: IncidentState): string[] {
  const statements = state.steps.flatMap((s) => {
    const line = signoffLine(m, state, s);
    return line && statementStatus(state, definitionOf(state, s.stepId), s.id).draft ? [`${s.id}: ${line}`] : [];
  });
  const requests = pendingRequests(state).map((r) =>
    m.t('signoff.request', { request: r.request, kind: m.t(`approval.kind.${r.kind}`), by: r.actor, detail: requestDetail(m, r.detail), id: state.id }),
  );
  return [...statements, ...requests];
}

/** When an action became a request for a second person instead of happening, say so and how to grant it. */
export function requestNotice(m: Messages, before: IncidentState, after: IncidentState): string | undefined {
  const made = after.requests.slice(before.requests.length);
  const r = made[made.length - 1];
  const teams = r?.teams.map((x) => m.teamName(after.opened.teams, x)).join(', ');
  return r && fitToWidth(m.t('approval.requested', { id: after.id, request: r.request, kind: m.t(`approval.kind.${r.kind}`), teams: teams! }), 80);
}

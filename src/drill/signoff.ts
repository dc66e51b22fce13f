// Sign-off in a drill (SPEC §7, §9): the responder drafts a statement when it would do the step,
// and approvals are played by the scenario (`approve:`/`reject:` entries) or by the responder
// policy; requests a timeline entry raises are granted by the scenario at once. All marked drill.
import { pendingRequests, statementStatus, type Writer } from '../engine/approvals.js';
import type { StatementSource } from '../engine/decide.js';
import type { EventDraft } from '../engine/events.js';
import { definitionOf, foldOnto, type IncidentState, type StepInstance } from '../engine/fold.js';
import { approveStatement, grantRequest } from '../engine/signoff.js';
import type { TimeContext } from '../time/duration.js';
import { messages } from '../i18n/messages.js';

export const drillWriter = (name: string): Writer => ({ actor: name, verified: false, drill: true });

/** The draft the drill writes: the step's template rendered with the facts, else a line saying so. */
export function drillDraft(state: IncidentState, step: StepInstance, statements: StatementSource | undefined) {
  const template = definitionOf(state, step.stepId).template;
  const lang = state.opened.lang;
  const rendered = template ? statements?.(state, template) : undefined;
  const text = rendered ?? messages(lang).t('drill.draftText', { step: step.id });
  return { text, lang, ...(template ? { template } : {}) };
}

/**
 * A member of `team` who may sign: not the author, not one who signed already. A team that
 * lists nobody is signed for by its id (the engine accepts a name there in a drill only).
 */
function drillSigner(state: IncidentState, team: string, taken: readonly string[]): string | undefined {
  const members = state.opened.teams.find((x) => x.id === team)?.members ?? [];
  if (members.length === 0) return taken.includes(team) ? undefined : team;
  return members.find((m) => !taken.includes(m.name) && !(m.user !== undefined && taken.includes(m.user)))?.name;
}

/** The approvals the responder policy gives the latest draft, one member at a time, until it is approved. */
export function policyApprovals(state: IncidentState, step: string, at: number, time: TimeContext): EventDraft[] {
  const drafts: EventDraft[] = [];
  let current = state;
  const def = definitionOf(state, step.split('#')[0]!);
  for (;;) {
    const status = statementStatus(current, def, step);
    const short = status.needs.find((n) => n.by.length < n.count);
    if (!short || !status.draft) return drafts;
    const name = drillSigner(current, short.team, [status.draft.actor, ...status.approvals.map((a) => a.member)]);
    if (name === undefined) return drafts;
    const made = approveStatement(current, step, {}, at, drillWriter(name));
    drafts.push(...made);
    current = foldOnto(current, made, time);
  }
}

/** The scenario grants what its own entries asked for (a forced close, a downgrade, a duty withdrawn). */
export function grantPending(state: IncidentState, requester: string, at: number, time: TimeContext): EventDraft[] {
  const drafts: EventDraft[] = [];
  let current = state;
  for (const r of pendingRequests(state)) {
    const name = r.teams.map((team) => drillSigner(current, team, [requester])).find((x) => x !== undefined);
    if (name === undefined) continue;
    const made = grantRequest(current, r.request, at, drillWriter(name), time);
    drafts.push(...made);
    current = foldOnto(current, made, time);
  }
  return drafts;
}

// Sign-off in the walk (SPEC §9): a statement drafted in $EDITOR, approved or rejected by another
// member's walk, and the requests (a forced close, a downgrade, a withdrawn duty) that await them.
import { spawnSync } from 'node:child_process';
import { fitToWidth } from '../table.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalNeeds, isSameWriter, memberOf, needsSignoff, pendingRequests, statementStatus, type RequestRecord, type Writer } from '../../engine/approvals.js';
import { requestDetail } from '../../report/describe.js';
import { definitionOf, type IncidentState, type StepInstance } from '../../engine/fold.js';
import { approveStatement, draftStatement, grantRequest, refuseRequest, rejectStatement } from '../../engine/signoff.js';
import { renderStatement } from '../../report/statement.js';
import { messages } from '../../i18n/messages.js';
import { WorkError } from '../../errors.js';
import type { EventDraft } from '../../engine/events.js';
import type { TimeContext } from '../../time/duration.js';
import { readTemplate } from '../../playbook/library.js';
import { reasonQuestion } from './questions.js';
import type { Walk } from './session.js';
import { writerFor } from '../../app/incidents.js';

/** Who the walker is for sign-off: their claimed name, and on PostgreSQL the server's word for it. */
export const walkWriter = (w: Walk): Writer => writerFor(w.service, w.actor);

function record(w: Walk, decide: (state: IncidentState, at: number, time: TimeContext) => EventDraft[]): Promise<IncidentState> {
  const at = w.ctx.now();
  return w.service.act(w.id, (state, time) => decide(state, at, time));
}

/** The step's latest draft awaits this walker: a member of a team still short, and not its author. */
export function awaitsMe(state: IncidentState, step: StepInstance, writer: Writer): boolean {
  const def = definitionOf(state, step.stepId);
  if (step.status !== 'pending' || !needsSignoff(state, def)) return false;
  const s = statementStatus(state, def, step.id);
  if (!s.draft || s.approved || s.rejection) return false;
  const short = s.needs.filter((n) => n.by.length < n.count).map((n) => n.team);
  const me = memberOf(state, short, writer);
  return me !== undefined && !isSameWriter(s.draft, writer, me.member) && !s.approvals.some((a) => a.member === me.member.name);
}

/** Requests this walker may grant: a member of a team asked, and not the one who asked. */
export function requestsForMe(state: IncidentState, writer: Writer): RequestRecord[] {
  return pendingRequests(state).filter((r) => {
    const me = memberOf(state, r.teams, writer);
    return me !== undefined && !isSameWriter(r, writer, me.member);
  });
}

/** The text in $VISUAL / $EDITOR, from a private temporary file (mode 0600) removed afterwards. */
function editText(w: Walk, initial: string, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-'));
  const file = join(dir, name);
  try {
    writeFileSync(file, initial, { mode: 0o600 });
    const editor = w.ctx.env.VISUAL || w.ctx.env.EDITOR || 'vi';
    // the editor is a command line (`code --wait`), run by the shell as git runs core.editor
    const r = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit' });
    if (r.status !== 0) throw new WorkError('walk.editorFailed', { editor, code: String(r.status ?? r.signal) });
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Drafts the step's statement: the latest draft (or the template rendered) edited in $EDITOR. */
export async function draftInEditor(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const def = definitionOf(state, step.stepId);
  const lang = state.opened.lang;
  const s = statementStatus(state, def, step.id);
  const start = s.draft?.text ?? (def.template ? renderStatement(state, readTemplate(w.ctx.templatesDir, def.template, lang), messages(lang)) : '');
  const edited = editText(w, start, `${state.id}-${step.id}.${lang}.md`);
  const after = await record(w, (st, at) => draftStatement(st, step.id, { text: edited, lang, ...(def.template ? { template: def.template } : {}) }, at, w.actor));
  const draft = statementStatus(after, def, step.id).draft!;
  w.ctx.out(t('walk.drafted', { draft: draft.draft, teams: approvalNeeds(def.approval).map((n) => n.team).join(', ') }));
  return after;
}

export async function approveDraft(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const draft = statementStatus(state, definitionOf(state, step.stepId), step.id).draft;
  // the draft shown is the one approved: a newer one written meanwhile is refused, not approved unseen
  const after = await record(w, (st, at) => approveStatement(st, step.id, { draft: draft?.draft }, at, walkWriter(w)));
  w.ctx.out(t('walk.approved', { draft: draft?.draft ?? 0, step: step.id }));
  return after;
}

export async function rejectDraft(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const draft = statementStatus(state, definitionOf(state, step.stepId), step.id).draft;
  const reason = (await w.ask.input(reasonQuestion(w.ctx.messages, 'reject.reason', t('ask.rejectReason')))).trim();
  const after = await record(w, (st, at) => rejectStatement(st, step.id, { reason, draft: draft?.draft }, at, walkWriter(w)));
  w.ctx.out(t('walk.rejected', { draft: draft?.draft ?? 0, step: step.id }));
  return after;
}

/** The draft's text, shown before it is approved or rejected. */
export function showDraft(w: Walk, state: IncidentState, step: StepInstance): void {
  const { t, text } = w.ctx.messages;
  const draft = statementStatus(state, definitionOf(state, step.stepId), step.id).draft;
  if (draft) w.ctx.out(`\n${text(definitionOf(state, step.stepId).title)} — ${t('signoff.draftOf', { draft: draft.draft, author: draft.actor })}\n${draft.text.trimEnd()}\n`);
}

/** Asks about each request awaiting this walker: grant, refuse with a reason, or later. */
export async function reviewRequests(w: Walk, state: IncidentState, later: Set<string>): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  let current = state;
  for (const r of requestsForMe(state, walkWriter(w)).filter((x) => !later.has(x.request))) {
    w.ctx.out(fitToWidth(t('signoff.request', { request: r.request, kind: t(`approval.kind.${r.kind}`), by: r.actor, detail: requestDetail(w.ctx.messages, r.detail), id: state.id }), w.ctx.columns));
    const answer = await w.ask.select({
      key: `request.${r.request}`,
      message: t('ask.request', { request: r.request }),
      choices: [
        { value: 'grant', name: t('act.grant') },
        { value: 'refuse', name: t('act.refuse') },
        { value: 'later', name: t('act.later') },
      ],
    });
    if (answer === 'later') later.add(r.request);
    else if (answer === 'grant') current = await record(w, (st, at, time) => grantRequest(st, r.request, at, walkWriter(w), time));
    else {
      const reason = (await w.ask.input(reasonQuestion(w.ctx.messages, 'refuse.reason', t('ask.refuseReason')))).trim();
      current = await record(w, (st, at) => refuseRequest(st, r.request, reason, at, walkWriter(w)));
    }
  }
  return current;
}

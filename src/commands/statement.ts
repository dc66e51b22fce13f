// `statement <id> <step-id> draft|show|approve|reject|history` (SPEC §9): a statement's drafts
// and their sign-off. The text comes from --file, or from the step's template and the facts.
import { readFileSync } from 'node:fs';
import { fitToWidth } from '../ui/table.js';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { statementStatus, type StatementStatus } from '../engine/approvals.js';
import { resolveStep } from '../engine/decide.js';
import { definitionOf, type IncidentState } from '../engine/fold.js';
import { approveStatement, draftStatement, rejectStatement } from '../engine/signoff.js';
import { renderStatement } from '../report/statement.js';
import { messages, type Messages } from '../i18n/messages.js';
import { InputError } from '../errors.js';
import { readTemplate } from '../playbook/library.js';
import { formatShort } from '../time/zone.js';
import { signoffMark } from '../report/describe.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, incidentsForReading, withIncidents, writerFor } from '../app/incidents.js';

const ACTIONS = ['draft', 'show', 'approve', 'reject', 'history'] as const;
type Action = (typeof ACTIONS)[number];

interface Options {
  file?: string;
  draft?: string;
  reason?: string;
  actor?: string;
}

export async function run(ctx: Context, [id, stepRef, action]: string[], opts: Options): Promise<number> {
  const { t } = ctx.messages;
  if (!ACTIONS.includes(action as Action)) throw new InputError('statement.badAction', { value: action ?? '', known: ACTIONS.join('|') });
  if (action === 'show' || action === 'history') return show(ctx, id!, stepRef!, action);
  const draftNo = opts.draft === undefined ? undefined : Number(opts.draft);
  if (draftNo !== undefined && !(Number.isInteger(draftNo) && draftNo > 0)) throw new InputError('statement.badDraft', { value: opts.draft! });
  const at = ctx.now();
  const actor = actorOf(ctx, opts);
  const state = await withIncidents(existingIncidents(ctx, id!), async (service) => {
    if (action === 'draft') {
      const text = draftText(ctx, await service.load(id!), stepRef!, opts.file);
      return service.act(id!, (s) => draftStatement(s, stepRef!, text, at, actor));
    }
    const writer = writerFor(service, actor);
    return service.act(id!, (s) =>
      action === 'approve' ? approveStatement(s, stepRef!, { draft: draftNo }, at, writer) : rejectStatement(s, stepRef!, { reason: opts.reason, draft: draftNo }, at, writer),
    );
  });
  const step = resolveStep(state, stepRef!);
  const status = statementStatus(state, definitionOf(state, step.stepId), step.id);
  if (ctx.json) printJson(ctx, statementJson(state, step.id, status));
  else ctx.out(fitToWidth(t(`statement.${action as 'draft' | 'approve' | 'reject'}.done`, { step: step.id, draft: status.draft!.draft, state: awaiting(ctx.messages, state, status) }), ctx.columns ?? 80));
  return 0;
}

/** The draft's text: the file given, else the step's template rendered with the incident's facts. */
function draftText(ctx: Context, state: IncidentState, ref: string, file: string | undefined) {
  const lang = state.opened.lang;
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError('statement.fileUnreadable', { file, detail: (error as NodeJS.ErrnoException).code ?? (error as Error).message });
    }
    return { text, lang, file };
  }
  const template = definitionOf(state, resolveStep(state, ref).stepId).template;
  if (!template) throw new InputError('statement.needsFile', { step: ref });
  return { text: renderStatement(state, readTemplate(ctx.templatesDir, template, lang), messages(lang)), lang, template };
}

/** "approved" or "awaiting 应急领导小组 0/1" — what the latest draft still needs. */
export function awaiting(m: Messages, state: IncidentState, s: StatementStatus): string {
  const { t, teamName } = m;
  if (s.rejection) return t('statement.state.rejected', { member: s.rejection.member });
  if (s.approved) return t('statement.state.approved');
  const missing = s.needs.filter((n) => n.by.length < n.count).map((n) => `${teamName(state.opened.teams, n.team)} ${n.by.length}/${n.count}`);
  return t('statement.state.awaiting', { teams: missing.join(', ') });
}

function statementJson(state: IncidentState, step: string, s: StatementStatus) {
  const tz = state.opened.timezone;
  const view = (x: { member: string; at: number; claimed?: true; drill?: true }) => ({ member: x.member, at: formatShort(x.at, tz), ...(x.claimed ? { claimed: true } : {}), ...(x.drill ? { drill: true } : {}) });
  return {
    step,
    draft: s.draft?.draft ?? null,
    sha256: s.draft?.sha256 ?? null,
    author: s.draft?.actor ?? null,
    text: s.draft?.text ?? null,
    approved: s.approved,
    needs: s.needs.map((n) => ({ team: n.team, count: n.count, approved: n.by.length })),
    approvals: s.approvals.map(view),
    ...(s.rejection && s.rejection.verdict === 'rejected' ? { rejection: { ...view(s.rejection), reason: s.rejection.reason } } : {}),
    history: [
      ...state.drafts.filter((d) => d.step === step).map((d) => ({ at: d.at, what: 'drafted', draft: d.draft, sha256: d.sha256, by: d.actor })),
      ...state.signoffs.filter((x) => x.step === step).map((x) => ({ at: x.at, what: x.verdict, draft: x.draft, sha256: x.sha256, by: x.member, ...(x.claimed ? { claimed: true } : {}), ...(x.drill ? { drill: true } : {}), ...(x.verdict === 'rejected' ? { reason: x.reason } : {}) })),
    ]
      .sort((a, b) => a.at - b.at)
      .map((h) => ({ ...h, at: formatShort(h.at, tz) })),
  };
}

async function show(ctx: Context, id: string, ref: string, action: 'show' | 'history'): Promise<number> {
  const { t, teamName } = ctx.messages;
  const state = await withIncidents(incidentsForReading(ctx, id), (service) => service.load(id));
  const step = resolveStep(state, ref);
  const status = statementStatus(state, definitionOf(state, step.stepId), step.id);
  const json = statementJson(state, step.id, status);
  if (ctx.json) {
    printJson(ctx, json);
    return 0;
  }
  if (action === 'show') {
    if (!status.draft) throw new InputError('statement.noDraftYet', { step: step.id });
    const d = status.draft;
    ctx.out(fitToWidth(t('statement.header', { step: step.id, draft: d.draft, author: d.actor, at: formatShort(d.at, state.opened.timezone), sha: d.sha256.slice(0, 12) }), ctx.columns ?? 80));
    ctx.out(fitToWidth(awaiting(ctx.messages, state, status), ctx.columns ?? 80));
    ctx.out('');
    ctx.out(d.text);
    return 0;
  }
  const tz = state.opened.timezone;
  const lines = [
    ...state.drafts.filter((d) => d.step === step.id).map((d) => ({ at: d.at, text: t('ev.drafted', { step: d.step, draft: d.draft, sha: d.sha256.slice(0, 12) }) + ` — ${d.actor}` })),
    ...state.signoffs
      .filter((x) => x.step === step.id)
      .map((x) => ({
        at: x.at,
        text:
          (x.verdict === 'approved'
            ? t('ev.approved', { step: x.step, draft: x.draft, member: x.member, team: teamName(state.opened.teams, x.team) })
            : t('ev.rejected', { step: x.step, draft: x.draft, member: x.member, reason: x.reason })) + signoffMark(ctx.messages, x),
      })),
  ].sort((a, b) => a.at - b.at);
  if (lines.length === 0) ctx.out(t('statement.noDraftYet', { step: step.id }));
  for (const line of lines) ctx.out(fitToWidth(`${formatShort(line.at, tz)}  ${line.text}`, ctx.columns ?? 80));
  return 0;
}

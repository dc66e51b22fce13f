import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { abandonedByClose, closeIncident } from '../engine/decide.js';
import { definitionOf } from '../engine/fold.js';
import { statusJson } from '../engine/views.js';
import { WorkError } from '../errors.js';
import type { Incidents } from '../app/incidents.js';
import { formatShort } from '../time/zone.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';
import { fitToWidth } from '../ui/table.js';

/** A person at a terminal sees what --force abandons and confirms it (issue 16); scripts go on as told. */
async function confirmForce(ctx: Context, service: Incidents, id: string): Promise<void> {
  const before = await service.load(id);
  const abandoned = abandonedByClose(before);
  if (abandoned.length === 0) return;
  const { t, text } = ctx.messages;
  ctx.err(t('close.abandons', { id, count: abandoned.length }));
  ctx.err(fitToWidth(abandoned.map((s) => `  - ${s.id}  ${text(definitionOf(before, s.stepId).title)}`).join('\n'), ctx.columns));
  const { createPrompter } = await import('../ui/prompts.js');
  const ask = createPrompter(ctx, { command: 'close' });
  if (!(await ask.confirm({ key: 'close.force', message: t('close.confirmForce', { id }), default: false }))) throw new WorkError('close.notClosed', { id });
}
import { requestNotice } from '../ui/signoff-view.js';

export async function run(ctx: Context, [id]: string[], opts: { summary?: string; force?: boolean; reason?: string; actor?: string }): Promise<number> {
  const { t } = ctx.messages;
  const at = ctx.now();
  const { earlier, state } = await withIncidents(existingIncidents(ctx, id!), async (service) => {
    if (opts.force && opts.reason?.trim() && ctx.stdinIsTTY && ctx.stdoutIsTTY && !ctx.json) await confirmForce(ctx, service, id!);
    return {
      earlier: await service.load(id!),
      state: await service.act(id!, (s) => closeIncident(s, { summary: opts.summary, force: opts.force, reason: opts.reason }, at, actorOf(ctx, opts))),
    };
  });
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else ctx.out(requestNotice(ctx.messages, earlier, state) ?? t('close.done', { id: id!, at: formatShort(at, state.opened.timezone) }));
  return 0;
}

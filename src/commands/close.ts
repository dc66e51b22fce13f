import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { closeIncident } from '../engine/decide.js';
import { statusJson } from '../engine/views.js';
import { formatShort } from '../time/zone.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';

export async function run(ctx: Context, [id]: string[], opts: { summary?: string; force?: boolean; reason?: string; actor?: string }): Promise<number> {
  const { t } = ctx.messages;
  const at = ctx.now();
  const state = await withIncidents(existingIncidents(ctx, id!), (service) =>
    service.act(id!, (s) => closeIncident(s, { summary: opts.summary, force: opts.force, reason: opts.reason }, at, actorOf(ctx, opts))),
  );
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else ctx.out(t('close.done', { id: id!, at: formatShort(at, state.opened.timezone) }));
  return 0;
}

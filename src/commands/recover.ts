import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { recover } from '../engine/decide.js';
import { statusJson } from '../engine/views.js';
import { formatShort } from '../time/zone.js';
import { t } from '../ui/i18n.js';
import { actorOf, existingIncidents } from './shared.js';

export async function run(ctx: Context, [id]: string[], opts: { note?: string; actor?: string }): Promise<number> {
  const service = existingIncidents(ctx, id!);
  const at = ctx.now();
  const state = service.act(id!, (s, time) => recover(s, opts.note, at, actorOf(ctx, opts), time));
  service.store.close();
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else ctx.out(t('recover.done', { id: id!, at: formatShort(at, state.opened.timezone) }));
  return 0;
}

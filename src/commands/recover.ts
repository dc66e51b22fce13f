import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { recover } from '../engine/decide.js';
import { statusJson } from '../engine/views.js';
import { InputError, message } from '../errors.js';
import { formatShort, parseStatedTime } from '../time/zone.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';

export async function run(ctx: Context, [id]: string[], opts: { note?: string; at?: string; actor?: string }): Promise<number> {
  const { t } = ctx.messages;
  const at = ctx.now();
  const state = await withIncidents(existingIncidents(ctx, id!), async (service) => {
    // --at: when service really came back, in the incident's zone (SPEC §4.2)
    const zone = (await service.load(id!)).opened.timezone;
    const stated = opts.at === undefined ? undefined : parseStatedTime(opts.at, at, zone);
    if (opts.at !== undefined && stated === undefined) throw new InputError('time.unparseable', { what: message('what.recoveredAt'), value: opts.at });
    return service.act(id!, (s, time) => recover(s, opts.note, at, actorOf(ctx, opts), time, stated));
  });
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else ctx.out(t('recover.done', { id: id!, at: formatShort(state.recoveredAt ?? at, state.opened.timezone) }));
  return 0;
}

import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { regrade } from '../engine/decide.js';
import { statusJson } from '../engine/views.js';
import { inputsFromFlags, parseTier, type GradingFlags } from '../grading/inputs.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';

export async function run(ctx: Context, [id]: string[], opts: GradingFlags & { tier?: string; reason?: string; actor?: string }): Promise<number> {
  const { t } = ctx.messages;
  const at = ctx.now();
  const { before, state } = await withIncidents(existingIncidents(ctx, id!), async (service) => ({
    before: (await service.load(id!)).tier,
    state: await service.act(id!, (s, time) =>
    regrade(
      s,
      {
        change: inputsFromFlags(opts, s.opened.grading),
        ...(opts.tier ? { override: { tier: parseTier(opts.tier), reason: opts.reason } } : {}),
        reason: opts.reason,
      },
      at,
      actorOf(ctx, opts),
      time,
    ),
    ),
  }));
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else ctx.out(t('regrade.done', { id: id!, from: t(`tier.${before}`), to: t(`tier.${state.tier}`), direction: state.direction }));
  return 0;
}

import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { regrade } from '../engine/decide.js';
import { statusJson } from '../engine/views.js';
import { inputsFromFlags, parseTier, type GradingFlags } from '../grading/inputs.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';
import { requestNotice } from '../ui/signoff-view.js';

export async function run(ctx: Context, [id]: string[], opts: GradingFlags & { tier?: string; reason?: string; actor?: string }): Promise<number> {
  const { t } = ctx.messages;
  const at = ctx.now();
  const { earlier, state } = await withIncidents(existingIncidents(ctx, id!), async (service) => ({
    earlier: await service.load(id!),
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
  else ctx.out(requestNotice(ctx.messages, earlier, state) ?? t('regrade.done', { id: id!, from: t(`tier.${earlier.tier}`), to: t(`tier.${state.tier}`), direction: state.direction }));
  return 0;
}

import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { decide } from '../engine/decide.js';
import { statusJson } from '../engine/views.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';
import { requestNotice } from '../ui/signoff-view.js';

/** `decide <id> <decision> <option> --reason …` (SPEC §4.1): make or change a decision's outcome. */
export async function run(ctx: Context, [id, decision, option]: string[], opts: { reason?: string; actor?: string }): Promise<number> {
  const { t } = ctx.messages;
  const at = ctx.now();
  const { earlier, state } = await withIncidents(existingIncidents(ctx, id!), async (service) => ({
    earlier: await service.load(id!),
    state: await service.act(id!, (s, time) => decide(s, { decision: decision!, outcome: option!, reason: opts.reason }, at, actorOf(ctx, opts), time)),
  }));
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else {
    const before = earlier.decisions[decision!];
    ctx.out(
      requestNotice(ctx.messages, earlier, state) ??
      (before === undefined || before === option
        ? t('decide.recorded', { id: id!, decision: decision!, outcome: option! })
        : t('decide.changed', { id: id!, decision: decision!, outcome: option!, previous: before })),
    );
  }
  return 0;
}

import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { judgedAt } from '../engine/fold.js';
import { statusJson } from '../engine/views.js';
import { playbookDrift } from '../app/incidents.js';
import { incidentsForReading, withIncidents } from '../app/incidents.js';

export async function run(ctx: Context, [id]: string[]): Promise<number> {
  const state = await withIncidents(incidentsForReading(ctx, id!), (service) => service.load(id!));
  const asOf = judgedAt(state, ctx.now());
  const drift = playbookDrift(state);
  if (drift) ctx.err(ctx.messages.say(drift));
  if (ctx.json) {
    printJson(ctx, statusJson(state, asOf));
  } else {
    const { renderStatus } = await import('../ui/status-view.js');
    ctx.out(renderStatus(ctx.messages, state, asOf, ctx.color, ctx.columns));
  }
  return 0;
}

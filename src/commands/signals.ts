// `signals import <id> <file>`: a monitoring export → the figures → (with --apply) a regrade,
// recorded with the import in one transaction (issue 18).
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';
import { assess, type SignalsFlags } from '../app/signals.js';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { importSignals } from '../engine/decide.js';
import { gradingJson } from '../grading/grade.js';
import { signalsReason } from '../report/signals.js';
import { formatInZone } from '../time/zone.js';

export async function run(ctx: Context, [id, file]: string[], flags: SignalsFlags): Promise<number> {
  const { state, assessed, recorded } = await withIncidents(existingIncidents(ctx, id!, !flags.apply), async (service) => {
    const at = ctx.now();
    const assessed = await assess(await service.load(id!), file!, flags, at);
    if (!flags.apply) return { state: await service.load(id!), assessed, recorded: false };
    const state = await service.act(id!, (s, time) => importSignals(s, assessed.payload, signalsReason(s, assessed.payload), at, actorOf(ctx, flags), time));
    return { state, assessed, recorded: true };
  });
  const { read, payload, before, after } = assessed;
  const tz = state.opened.timezone;
  if (ctx.json) {
    printJson(ctx, {
      id: state.id,
      file: payload.file,
      sha256: payload.sha256,
      format: payload.format,
      encoding: payload.encoding,
      rows: payload.rows,
      used: payload.used,
      ignored: payload.ignored,
      ignoredReasons: payload.reasons,
      ignoredRows: payload.problems,
      outside: payload.outside,
      window: { from: formatInZone(read.summary.window.from, tz), to: formatInZone(read.summary.window.to, tz) },
      metrics: payload.metrics,
      platforms: payload.platforms,
      series: payload.series,
      applied: payload.applied,
      grading: { before: gradingJson(before), after: gradingJson(after) },
      recorded,
    });
  } else {
    const { renderSignals } = await import('../ui/signals-view.js');
    ctx.out(renderSignals(ctx.messages, { payload, summary: read.summary, timeZone: tz, grading: state.opened.grading, before, after, recorded, color: ctx.color }));
  }
  return 0;
}

import { actorOf, faultTimes, parseVars, type OpenFlags } from '../app/flags.js';
import { incidents, withIncidents } from '../app/incidents.js';
import { warnIfNotReady } from '../app/readiness.js';
import { assembleRequest, loadLibrary, warnUnlocked } from '../app/library.js';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { checkFaultTimes, checkOpenRequest, type OpenRequest } from '../engine/decide.js';
import { EMPTY_INPUTS, inputsFromFlags, parseTier } from '../grading/inputs.js';
import { mergeInputs } from '../grading/grade.js';
import { localDate, toLocal } from '../time/zone.js';

/** Everything needed to open an incident of a type, from command-line flags. */
export function openRequest(ctx: Context, type: string, flags: OpenFlags, at: number): OpenRequest {
  const { t, text } = ctx.messages;
  const lib = loadLibrary(ctx, type);
  const title =
    flags.title?.trim() ||
    t('title.default', { name: text(lib.playbook.definition.name), date: localDate(toLocal(at, ctx.timezone)) });
  return assembleRequest(ctx, lib, {
    title,
    mode: flags.drill ? 'drill' : 'real',
    vars: parseVars(flags.var),
    inputs: mergeInputs(EMPTY_INPUTS, inputsFromFlags(flags, lib.grading)),
    ...(flags.tier ? { override: { tier: parseTier(flags.tier), reason: flags.reason ?? '' } } : {}),
    ...faultTimes(ctx, flags, at),
  });
}

export async function run(ctx: Context, _args: string[], flags: OpenFlags): Promise<number> {
  const { t } = ctx.messages;
  const at = ctx.now();
  const request = openRequest(ctx, flags.type!, flags, at);
  warnUnlocked(ctx);
  // bad input is refused before the database is touched
  checkOpenRequest(request);
  checkFaultTimes(request, at);
  if (request.mode === 'real') warnIfNotReady(ctx, request.teams);
  const actor = actorOf(ctx, flags);
  const state = await withIncidents(incidents(ctx), (service) => service.open(request, at, actor));
  if (ctx.json) printJson(ctx, { id: state.id, tier: state.tier, direction: state.direction, mode: state.mode });
  else {
    // SPEC §5: open prints the id, so `id=$(sec-incident open …)` works; the sentence is for people
    ctx.out(state.id);
    ctx.err(t('opened.done', { id: state.id, tier: t(`tier.${state.tier}`), direction: state.direction }));
  }
  return 0;
}


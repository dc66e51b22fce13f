import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { openIncident, type OpenRequest } from '../engine/decide.js';
import { EMPTY_INPUTS, inputsFromFlags, parseTier, type GradingFlags } from '../grading/inputs.js';
import { mergeInputs } from '../grading/grade.js';
import { loadGrading, loadPlaybook, loadTeams } from '../playbook/library.js';
import { localDate, toLocal } from '../time/zone.js';
import { t, text } from '../ui/i18n.js';
import { actorOf, incidents, parseVars } from './shared.js';

export interface OpenFlags extends GradingFlags {
  type?: string;
  title?: string;
  var?: string[];
  drill?: boolean;
  actor?: string;
  tier?: string;
  reason?: string;
}

/** Everything needed to open an incident of a type, read from the firm's files. */
export function openRequest(ctx: Context, type: string, flags: OpenFlags, at: number): OpenRequest {
  const grading = loadGrading(ctx.playbooksDir);
  const teams = loadTeams(ctx.playbooksDir);
  const playbook = loadPlaybook(ctx.playbooksDir, type, teams);
  const inputs = mergeInputs(EMPTY_INPUTS, inputsFromFlags(flags, grading));
  const title =
    flags.title?.trim() ||
    t('title.default', { name: text(playbook.definition.name, ctx.lang), date: localDate(toLocal(at, ctx.timezone)) });
  return {
    type,
    title,
    mode: flags.drill ? 'drill' : 'real',
    playbook,
    grading,
    teams,
    vars: parseVars(flags.var),
    inputs,
    ...(flags.tier ? { override: { tier: parseTier(flags.tier), reason: flags.reason ?? '' } } : {}),
    timezone: ctx.timezone,
    lang: ctx.lang,
    firm: ctx.firm,
  };
}

export async function run(ctx: Context, _args: string[], flags: OpenFlags): Promise<number> {
  const at = ctx.now();
  const request = openRequest(ctx, flags.type!, flags, at);
  const service = incidents(ctx);
  const actor = actorOf(ctx, flags);
  const state = service.open(request.mode, at, ctx.timezone, (id) => openIncident(id, request, at, actor, service.time(ctx.timezone)));
  service.store.close();
  if (ctx.json) printJson(ctx, { id: state.id, tier: state.tier, direction: state.direction, mode: state.mode });
  else ctx.out(t('opened.done', { id: state.id, tier: t(`tier.${state.tier}`), direction: state.direction }));
  return 0;
}

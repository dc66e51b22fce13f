import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { checkFaultTimes, checkOpenRequest, type OpenRequest } from '../engine/decide.js';
import { EMPTY_INPUTS, inputsFromFlags, parseTier, type GradingFlags } from '../grading/inputs.js';
import { mergeInputs } from '../grading/grade.js';
import { join } from 'node:path';
import { cached, readText } from '../playbook/cache.js';
import { loadGrading, loadPlaybook, loadTeams, type LoadedPlaybook } from '../playbook/library.js';
import { playbookTemplateProblems } from '../playbook/validate.js';
import { InputError } from '../errors.js';
import type { GradingConfig, Team } from '../playbook/schema.js';
import { localDate, parseStatedTime, toLocal } from '../time/zone.js';
import { t, text } from '../ui/i18n.js';
import { actorOf, incidents, parseVars, withIncidents } from './shared.js';

export interface OpenFlags extends GradingFlags {
  type?: string;
  title?: string;
  var?: string[];
  drill?: boolean;
  actor?: string;
  tier?: string;
  reason?: string;
  startedAt?: string;
  discoveredAt?: string;
}

/** --started-at / --discovered-at (SPEC §4.2): ISO with an offset, or HH:MM today in the firm's zone. */
export function faultTimes(ctx: Context, flags: Pick<OpenFlags, 'startedAt' | 'discoveredAt'>, at: number): { startedAt?: number; discoveredAt?: number } {
  const out: { startedAt?: number; discoveredAt?: number } = {};
  for (const [key, what] of [['startedAt', 'what.startedAt'], ['discoveredAt', 'what.discoveredAt']] as const) {
    const raw = flags[key];
    if (raw === undefined) continue;
    const value = parseStatedTime(raw, at, ctx.timezone);
    if (value === undefined) throw new InputError(t('time.unparseable', { what: t(what), value: raw }));
    if (value > at) throw new InputError(t('time.future', { what: t(what), value: raw }));
    out[key] = value;
  }
  return out;
}

export interface Library {
  grading: GradingConfig;
  teams: Team[];
  playbook: LoadedPlaybook;
}

/** The grading, teams and one playbook, validated — from the cache when the files are unchanged. */
export function loadLibrary(ctx: Context, type: string): Library {
  const dir = ctx.playbooksDir;
  const gradingText = readText(join(dir, 'grading.yaml'));
  const teamsText = readText(join(dir, 'teams.yaml'));
  const file = join(dir, `${type}.yaml`);
  const playbookText = /^[a-z0-9][a-z0-9-]*$/.test(type) ? readText(file) : undefined;
  const key = (kind: string, ...texts: (string | undefined)[]) =>
    texts.every((x) => x !== undefined) ? { kind, texts: texts as string[] } : undefined;
  const grading = cached(ctx.env, key('grading', gradingText), () => loadGrading(dir));
  const teams = cached(ctx.env, key('teams', teamsText), () => loadTeams(dir));
  // a playbook's owners are checked against teams.yaml: both texts make its key
  const playbook = cached(ctx.env, key('playbook', file, playbookText, teamsText), () => loadPlaybook(dir, type, teams));
  // a statement that could not render is bad input now, not a surprise mid-incident
  const problems = playbookTemplateProblems(dir, ctx.templatesDir, playbook.definition, localDate(toLocal(ctx.now(), ctx.timezone)));
  if (problems.length > 0) throw new InputError(t('pb.templatesBroken', { type, count: problems.length }), problems);
  return { grading, teams, playbook };
}

/** The one place an OpenRequest is put together, for open, start and drill alike. */
export function assembleRequest(
  ctx: Context,
  lib: Library,
  fields: Pick<OpenRequest, 'title' | 'mode' | 'vars' | 'inputs'> & Partial<Pick<OpenRequest, 'override' | 'drill' | 'startedAt' | 'discoveredAt'>>,
): OpenRequest {
  return {
    type: lib.playbook.definition.id,
    playbook: lib.playbook,
    grading: lib.grading,
    teams: lib.teams,
    timezone: ctx.timezone,
    lang: ctx.lang,
    firm: ctx.firm,
    ...fields,
  };
}

/** Everything needed to open an incident of a type, from command-line flags. */
export function openRequest(ctx: Context, type: string, flags: OpenFlags, at: number): OpenRequest {
  const lib = loadLibrary(ctx, type);
  const title =
    flags.title?.trim() ||
    t('title.default', { name: text(lib.playbook.definition.name, ctx.lang), date: localDate(toLocal(at, ctx.timezone)) });
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
  const at = ctx.now();
  const request = openRequest(ctx, flags.type!, flags, at);
  // bad input is refused before the database is touched
  checkOpenRequest(request);
  checkFaultTimes(request, at);
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

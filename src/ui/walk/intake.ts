// The opening questions of `start`: only what the flags did not give — type, title, grading
// signals, client impact, the tier decision and the playbook's variables.
import { faultTimes, parseVars, type OpenFlags } from '../../app/flags.js';
import { assembleRequest, loadLibrary } from '../../app/library.js';
import { askStatedTime } from './actions.js';
import type { Context } from '../../context.js';
import type { OpenRequest } from '../../engine/decide.js';
import { EMPTY_INPUTS, inputsFromFlags } from '../../grading/inputs.js';
import { grade, mergeInputs, type GradingInputs } from '../../grading/grade.js';
import { InputError } from '../../errors.js';
import { loadGrading, loadPlaybook, loadTeams, playbookIds } from '../../playbook/library.js';
import type { GradingConfig, Playbook } from '../../playbook/schema.js';
import { INDICATORS, type Indicator } from '../../playbook/vocabulary.js';
import { localDate, toLocal } from '../../time/zone.js';
import type { Prompter } from '../prompts.js';
import { titleQuestion, typeQuestion, varQuestion } from './questions.js';
import { askImpact, askIndicator, decideTier, mergeChange } from './signals.js';

export type StartFlags = OpenFlags;

async function askType(ctx: Context, ask: Prompter): Promise<string> {
  const { t, text } = ctx.messages;
  const teams = loadTeams(ctx.playbooksDir);
  const types = playbookIds(ctx.playbooksDir).map((id) => {
    try {
      return { id, name: text(loadPlaybook(ctx.playbooksDir, id, teams).definition.name) };
    } catch {
      // a broken playbook is shown but cannot be chosen; `playbooks validate` says what is wrong
      return { id, name: id, problem: t('ask.typeInvalid') };
    }
  });
  return ask.select(typeQuestion(ctx.messages, types));
}

/** Indicators the flags already speak for, by level or through one of their metrics. */
function coveredByFlags(flagged: Partial<GradingInputs>, grading: GradingConfig): Set<Indicator> {
  const covered = new Set(Object.keys(flagged.indicators ?? {}) as Indicator[]);
  for (const name of Object.keys(flagged.metrics ?? {})) {
    const metric = grading.metrics[name];
    if (metric) covered.add(metric.indicator);
  }
  return covered;
}

/** Flags are checked before the first question, so a typo never costs the responder their answers. */
function checkFlags(ctx: Context, flags: StartFlags) {
  const flagged = inputsFromFlags(flags, loadGrading(ctx.playbooksDir));
  faultTimes(ctx, flags, ctx.now());
  return { flagged, givenVars: parseVars(flags.var) };
}

function checkVarNames(playbook: Playbook, vars: Record<string, string>): void {
  const known = playbook.vars.map((v) => v.id);
  const unknown = Object.keys(vars).find((name) => !known.includes(name));
  if (unknown) throw new InputError('var.unknown', { name: unknown, playbook: playbook.id, known: known.join(', ') || '—' });
}

export async function askOpening(ctx: Context, ask: Prompter, flags: StartFlags): Promise<OpenRequest> {
  const { t, text } = ctx.messages;
  const { flagged, givenVars } = checkFlags(ctx, flags);
  const type = flags.type ?? (await askType(ctx, ask));
  const lib = loadLibrary(ctx, type);
  const { grading, playbook } = lib;
  checkVarNames(playbook.definition, givenVars);

  const title =
    flags.title?.trim() ||
    (
      await ask.input(
        titleQuestion(ctx.messages, t('title.default', { name: text(playbook.definition.name), date: localDate(toLocal(ctx.now(), ctx.timezone)) })),
      )
    ).trim();

  let change = flagged;
  const covered = coveredByFlags(flagged, grading);
  const missing = INDICATORS.filter((i) => !covered.has(i));
  if (missing.length) ctx.out(t('ask.gradingIntro'));
  for (const indicator of missing) change = mergeChange(change, await askIndicator(ctx.messages, ask, grading, indicator));
  if (flagged.impact === undefined) change = { ...change, impact: await askImpact(ctx.messages, ask) };

  const inputs = mergeInputs(EMPTY_INPUTS, change);
  const decision = await decideTier(ctx.messages, ask, ctx.out, grade(inputs, grading), grading, ctx.color, ctx.columns);

  // when the fault began and when the firm learnt of it: statements and regulatory clocks use them
  const zone = ctx.timezone;
  const started = flags.startedAt === undefined ? await askStatedTime({ ctx, ask }, zone, 'startedAt', t('ask.startedAt')) : undefined;
  const discovered =
    flags.discoveredAt === undefined ? await askStatedTime({ ctx, ask }, zone, 'discoveredAt', t('ask.discoveredAt')) : undefined;

  const vars = { ...givenVars };
  const toAsk = playbook.definition.vars.filter((v) => !(v.id in givenVars));
  if (toAsk.length) ctx.out(t('ask.varsIntro'));
  for (const v of toAsk) {
    const value = (await ask.input(varQuestion(ctx.messages, v))).trim();
    if (value) vars[v.id] = value;
  }

  const times = { ...faultTimes(ctx, flags, ctx.now()), ...(started !== undefined ? { startedAt: started } : {}), ...(discovered !== undefined ? { discoveredAt: discovered } : {}) };
  return assembleRequest(ctx, lib, {
    title,
    mode: flags.drill ? 'drill' : 'real',
    vars,
    inputs,
    ...(decision.override ? { override: decision.override } : {}),
    ...times,
  });
}

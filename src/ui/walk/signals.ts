// Asking for grading signals — indicator levels, metrics, client impact — and the tier decision.
// Shared by the opening questions and by a regrade mid-walk.
import type { GradingInputs, GradingResult } from '../../grading/grade.js';
import { parseMetricValue } from '../../grading/inputs.js';
import type { GradingConfig, Indicator, Tier } from '../../playbook/schema.js';
import { renderGrading } from '../grading-view.js';
import type { Prompter } from '../prompts.js';
import {
  impactQuestion,
  indicatorQuestion,
  metricsOf,
  numericMetricQuestion,
  overrideTierQuestion,
  reasonQuestion,
  tierDecisionQuestion,
  valueMetricQuestion,
} from './questions.js';
import type { Messages } from '../../i18n/messages.js';

/**
 * What the responder knows about one indicator, as a change to the grading inputs. Figures
 * replace a level given earlier for the indicator (an explicit level would otherwise win).
 */
export async function askIndicator(
  m: Messages,
  ask: Prompter,
  grading: GradingConfig,
  indicator: Indicator,
  current?: number,
): Promise<Partial<GradingInputs>> {
  const answer = await ask.select(indicatorQuestion(m, grading, indicator, current));
  if (answer === 'unknown') return {};
  if (answer !== 'metrics') return { indicators: { [indicator]: answer } };
  const metrics: Record<string, number | string> = {};
  for (const [name, metric] of metricsOf(grading, indicator)) {
    const value =
      'values' in metric
        ? await ask.select(valueMetricQuestion(m, grading, name, metric.values))
        : await ask.input(numericMetricQuestion(m, grading, name));
    if (value.trim()) metrics[name] = parseMetricValue(name, value, grading);
  }
  return Object.keys(metrics).length ? { indicators: { [indicator]: undefined }, metrics } : {};
}

export function mergeChange(a: Partial<GradingInputs>, b: Partial<GradingInputs>): Partial<GradingInputs> {
  return {
    ...(a.indicators || b.indicators ? { indicators: { ...a.indicators, ...b.indicators } } : {}),
    ...(a.metrics || b.metrics ? { metrics: { ...a.metrics, ...b.metrics } } : {}),
    ...((b.impact ?? a.impact) ? { impact: b.impact ?? a.impact } : {}),
  };
}

export async function askImpact(m: Messages, ask: Prompter, current?: GradingInputs['impact']): Promise<GradingInputs['impact']> {
  return ask.select(impactQuestion(m, current));
}

export interface TierDecision {
  override?: { tier: Tier; reason: string };
}

/** Shows the grading table and lets the responder accept the tier or override it with a reason. */
export async function decideTier(
  m: Messages,
  ask: Prompter,
  out: (text: string) => void,
  result: GradingResult,
  grading: GradingConfig,
  color: boolean,
  width?: number,
): Promise<TierDecision> {
  const { t } = m;
  out(`\n${renderGrading(m, result, grading, color, { width })}\n`);
  if ((await ask.select(tierDecisionQuestion(m, result.tier))) === 'accept') return {};
  const tier = await ask.select(overrideTierQuestion(m, result.tier));
  const reason = await ask.input(reasonQuestion(m, 'tier.reason', t('ask.overrideReason')));
  return { override: { tier, reason: reason.trim() } };
}

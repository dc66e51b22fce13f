import type { GradingConfig, MetricConfig } from '../playbook/schema.js';
import { DIRECTIONS, INDICATORS, TIERS, tierRank, type HandlingDirection, type Indicator, type Tier } from '../playbook/vocabulary.js';

export type ClientImpact = 'none' | 'partial' | 'material';
export const IMPACTS: readonly ClientImpact[] = ['none', 'partial', 'material'];

/** What a responder knows: explicit levels, measured metrics, client impact (SPEC §3). */
export interface GradingInputs {
  indicators: Partial<Record<Indicator, number>>;
  metrics: Record<string, number | string>;
  impact: ClientImpact;
}

/** Where a level came from: 'explicit', 'default', or the name of the metric that set it. */
export type LevelSource = string;

export interface GradingResult {
  tier: Tier;
  bandTier: Tier;
  score: number;
  levels: Record<Indicator, number>;
  sources: Record<Indicator, LevelSource>;
  weights: Record<Indicator, number>;
  floors: string[];
  direction: HandlingDirection;
  impact: ClientImpact;
}

export function directionFor(impact: ClientImpact): HandlingDirection {
  return DIRECTIONS[IMPACTS.indexOf(impact)] ?? 'A';
}

/** The level a metric's value reaches: 1–4. */
export function metricLevel(metric: MetricConfig, value: number | string): number {
  if ('values' in metric) return metric.values[String(value)] ?? 1;
  const n = Number(value);
  let level = 1;
  metric.thresholds.forEach((from, i) => {
    if (n >= from) level = i + 2;
  });
  return level;
}

export function bandFor(score: number, bands: GradingConfig['bands']): Tier {
  let tier: Tier = 'mild';
  for (const candidate of TIERS) if (score >= bands[candidate]) tier = candidate;
  return tier;
}

export function grade(inputs: GradingInputs, config: GradingConfig): GradingResult {
  const levels = {} as Record<Indicator, number>;
  const sources = {} as Record<Indicator, LevelSource>;
  const weights = {} as Record<Indicator, number>;
  for (const indicator of INDICATORS) {
    weights[indicator] = config.indicators[indicator].weight;
    const explicit = inputs.indicators[indicator];
    if (explicit !== undefined) {
      // an explicit --indicator wins over metrics for that indicator (SPEC §3)
      levels[indicator] = explicit;
      sources[indicator] = 'explicit';
      continue;
    }
    let best: { level: number; metric: string } | undefined;
    for (const [name, metric] of Object.entries(config.metrics)) {
      if (metric.indicator !== indicator || !(name in inputs.metrics)) continue;
      const level = metricLevel(metric, inputs.metrics[name]!);
      if (!best || level > best.level) best = { level, metric: name };
    }
    levels[indicator] = best?.level ?? 1;
    sources[indicator] = best?.metric ?? 'default';
  }
  const score = INDICATORS.reduce((sum, i) => sum + weights[i] * levels[i], 0);
  const bandTier = bandFor(score, config.bands);
  let tier = bandTier;
  const floors: string[] = [];
  // floors apply in file order; one whose tier is already reached is not listed
  for (const floor of config.floors) {
    const holds = Object.entries(floor.when).every(([i, min]) => levels[i as Indicator] >= (min ?? 1));
    if (holds && tierRank(floor.atLeast) > tierRank(tier)) {
      tier = floor.atLeast;
      floors.push(floor.id);
    }
  }
  return { tier, bandTier, score, levels, sources, weights, floors, direction: directionFor(inputs.impact), impact: inputs.impact };
}

/** A regrade starts from the previous inputs; what it names replaces them (SPEC §3). */
export function mergeInputs(previous: GradingInputs, change: Partial<GradingInputs>): GradingInputs {
  return {
    indicators: { ...previous.indicators, ...change.indicators },
    metrics: { ...previous.metrics, ...change.metrics },
    impact: change.impact ?? previous.impact,
  };
}

/** The JSON shape scripts rely on (SPEC §5); fields may be added, never renamed. */
export function gradingJson(result: GradingResult) {
  return {
    tier: result.tier,
    score: result.score,
    levels: result.levels,
    sources: result.sources,
    weights: result.weights,
    bandTier: result.bandTier,
    floors: result.floors,
    direction: result.direction,
    impact: result.impact,
  };
}

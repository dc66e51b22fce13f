// The report's grading part (SPEC §8.3): the indicator table of the grading in force, and the
// history of every grading with what changed in its inputs.
import type { GradingRecord, IncidentState } from '../engine/fold.js';
import { grade, type ClientImpact, type GradingInputs, type GradingResult } from '../grading/grade.js';
import type { GradingConfig } from '../playbook/schema.js';
import { INDICATORS, type HandlingDirection, type Indicator, type Tier } from '../playbook/vocabulary.js';
import type { Messages } from '../i18n/messages.js';

export interface IndicatorRow {
  key: Indicator;
  name: string;
  level: number;
  levelText: string;
  /** 'explicit', 'default' or the metric's key. */
  source: string;
  sourceText: string;
  weight: number;
}

export interface GradingSection {
  at: number | null;
  actor: string | null;
  indicators: IndicatorRow[];
  score: number;
  bandTier: Tier;
  computedTier: Tier;
  floors: { id: string; atLeast: Tier | null }[];
  tier: Tier;
  override: boolean;
  reason?: string;
  direction: HandlingDirection;
  impact: ClientImpact;
}

export interface InputChange {
  kind: 'indicator' | 'metric' | 'impact';
  key: string;
  name: string;
  from: string | null;
  to: string | null;
}

export interface RegradeRow {
  at: number;
  actor: string;
  initial: boolean;
  changes: InputChange[];
  tierBefore: Tier | null;
  tierAfter: Tier;
  computedTier: Tier;
  score: number;
  override: boolean;
  reason?: string;
  direction: HandlingDirection;
}

function metricName(m: Messages, config: GradingConfig, key: string): string {
  const { text } = m;
  return text(config.metrics[key]?.name) || key;
}

function sourceText(m: Messages, config: GradingConfig, source: string, inputs: GradingInputs): string {
  const { t, valueLabel } = m;
  if (source === 'explicit') return t('source.explicit');
  if (source === 'default') return t('source.default');
  const value = inputs.metrics[source];
  return `${t('source.metric', { name: metricName(m, config, source) })} = ${typeof value === 'string' ? valueLabel(value) : String(value ?? '')}`;
}

export function gradingSection(m: Messages, state: IncidentState): GradingSection {
  const { text } = m;
  const config = state.opened.grading;
  const last: GradingRecord | undefined = state.gradings[state.gradings.length - 1];
  const inputs = last?.inputs ?? state.inputs;
  const result: GradingResult = last?.result ?? grade(inputs, config);
  return {
    at: last?.at ?? null,
    actor: last?.actor ?? null,
    indicators: INDICATORS.map((key) => ({
      key,
      name: text(config.indicators[key].name) || key,
      level: result.levels[key],
      levelText: text(config.indicators[key].levels[result.levels[key] - 1]),
      source: result.sources[key],
      sourceText: sourceText(m, config, result.sources[key], inputs),
      weight: result.weights[key],
    })),
    score: result.score,
    bandTier: result.bandTier,
    computedTier: result.tier,
    floors: result.floors.map((id) => ({ id, atLeast: config.floors.find((f) => f.id === id)?.atLeast ?? null })),
    tier: last?.tier ?? state.tier,
    override: last?.override ?? false,
    ...(last?.reason ? { reason: last.reason } : {}),
    direction: result.direction,
    impact: result.impact,
  };
}

const shown = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));

/** What a grading's inputs changed against the previous ones (for the first: everything it was given). */
export function inputChanges(m: Messages, config: GradingConfig, before: GradingInputs | null, after: GradingInputs): InputChange[] {
  const { t, text } = m;
  const changes: InputChange[] = [];
  for (const key of INDICATORS) {
    const from = shown(before?.indicators[key]);
    const to = shown(after.indicators[key]);
    if (from !== to) changes.push({ kind: 'indicator', key, name: text(config.indicators[key].name) || key, from, to });
  }
  const metrics = new Set([...Object.keys(before?.metrics ?? {}), ...Object.keys(after.metrics)]);
  for (const key of metrics) {
    const from = shown(before?.metrics[key]);
    const to = shown(after.metrics[key]);
    if (from !== to) changes.push({ kind: 'metric', key, name: metricName(m, config, key), from, to });
  }
  if ((before?.impact ?? null) !== after.impact) {
    changes.push({ kind: 'impact', key: 'impact', name: t('rep.impact'), from: before?.impact ?? null, to: after.impact });
  }
  return changes;
}

export function regradeHistory(m: Messages, state: IncidentState): RegradeRow[] {
  const config = state.opened.grading;
  return state.gradings.map((g, i) => ({
    at: g.at,
    actor: g.actor,
    initial: i === 0,
    changes: inputChanges(m, config, i === 0 ? null : state.gradings[i - 1]!.inputs, g.inputs),
    tierBefore: g.previousTier,
    tierAfter: g.tier,
    computedTier: g.result.tier,
    score: g.result.score,
    override: g.override,
    ...(g.reason ? { reason: g.reason } : {}),
    direction: g.result.direction,
  }));
}

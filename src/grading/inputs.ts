import { InputError } from '../errors.js';
import type { GradingConfig } from '../playbook/schema.js';
import { INDICATORS, TIERS, type Indicator, type Tier } from '../playbook/vocabulary.js';
import { IMPACTS, type ClientImpact, type GradingInputs } from './grade.js';

function splitPair(flag: string, raw: string): [string, string] {
  const at = raw.indexOf('=');
  if (at <= 0 || at === raw.length - 1) throw new InputError('arg.kv', { flag, value: raw });
  return [raw.slice(0, at).trim(), raw.slice(at + 1).trim()];
}

export function parseIndicatorArgs(raw: readonly string[]): Partial<Record<Indicator, number>> {
  const out: Partial<Record<Indicator, number>> = {};
  for (const item of raw) {
    const [name, value] = splitPair('--indicator', item);
    if (!(INDICATORS as readonly string[]).includes(name)) {
      throw new InputError('arg.unknownIndicator', { name, known: INDICATORS.join(', ') });
    }
    out[name as Indicator] = parseLevel(name, value);
  }
  return out;
}

export function parseLevel(name: string, value: string | number): number {
  const level = Number(value);
  if (!/^\s*\d+\s*$/.test(String(value)) || level < 1 || level > 4) {
    throw new InputError('arg.level', { name, value: String(value) });
  }
  return level;
}

export function parseMetricValue(name: string, value: string | number, config: GradingConfig): number | string {
  const metric = config.metrics[name];
  if (!metric) throw new InputError('arg.unknownMetric', { name, known: Object.keys(config.metrics).join(', ') });
  if ('values' in metric) {
    const key = String(value).trim();
    if (!(key in metric.values)) {
      throw new InputError('arg.metricValue', { name, value: key, values: Object.keys(metric.values).join(' / ') });
    }
    return key;
  }
  const cleaned = String(value).replace(/[_,，]/g, '').trim();
  // the way Chinese speakers write counts: 1.5万 = 15 000, 2亿 = 200 000 000
  const chinese = /^(\d+(?:\.\d+)?)\s*(万|亿)$/.exec(cleaned);
  // decimal digits only: Number() would also take 0x10, 1e3 and Infinity
  const decimal = /^\d+(\.\d+)?$/.test(cleaned);
  const n = chinese ? Math.round(Number(chinese[1]) * (chinese[2] === '万' ? 1e4 : 1e8)) : decimal ? Number(cleaned) : NaN;
  if (cleaned === '' || !Number.isFinite(n) || n < 0) {
    throw new InputError('arg.metricNumber', { name, value: String(value) });
  }
  return n;
}

export function parseMetricArgs(raw: readonly string[], config: GradingConfig): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const item of raw) {
    const [name, value] = splitPair('--metric', item);
    out[name] = parseMetricValue(name, value, config);
  }
  return out;
}

export function parseImpact(raw: string): ClientImpact {
  const value = raw.trim() as ClientImpact;
  if (!IMPACTS.includes(value)) throw new InputError('arg.impact', { value: raw });
  return value;
}

export function parseTier(raw: string): Tier {
  const value = raw.trim() as Tier;
  if (!TIERS.includes(value)) throw new InputError('arg.tier', { value: raw });
  return value;
}

export interface GradingFlags {
  indicator?: string[];
  metric?: string[];
  impact?: string;
}

/** Flags as given on a command line; only what was named (a regrade merges it). */
export function inputsFromFlags(flags: GradingFlags, config: GradingConfig): Partial<GradingInputs> {
  const change: Partial<GradingInputs> = {};
  if (flags.indicator?.length) change.indicators = parseIndicatorArgs(flags.indicator);
  if (flags.metric?.length) change.metrics = parseMetricArgs(flags.metric, config);
  if (flags.impact !== undefined) change.impact = parseImpact(flags.impact);
  return change;
}

export const EMPTY_INPUTS: GradingInputs = { indicators: {}, metrics: {}, impact: 'none' };

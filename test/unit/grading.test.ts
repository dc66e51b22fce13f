// Grading (SPEC §3) against the bundled playbooks/grading.yaml: table tests, input → expected.
import { describe, expect, it } from 'vitest';
import { bandFor, grade, mergeInputs, type ClientImpact, type GradingInputs } from '../../src/grading/grade.js';
import { EMPTY_INPUTS, inputsFromFlags } from '../../src/grading/inputs.js';
import { loadGrading } from '../../src/playbook/library.js';
import type { GradingConfig, Indicator } from '../../src/playbook/schema.js';
import { PLAYBOOKS } from '../helpers.js';

const config = loadGrading(PLAYBOOKS);

type Levels = [number, number, number, number]; // eventLevel, impactScope, propagation, durationTrend
const explicit = ([eventLevel, impactScope, propagation, durationTrend]: Levels) => ({ eventLevel, impactScope, propagation, durationTrend });
const gradeLevels = (levels: Levels, cfg: GradingConfig = config) =>
  grade({ indicators: explicit(levels), metrics: {}, impact: 'none' }, cfg);
const gradeMetrics = (metrics: GradingInputs['metrics'], indicators: GradingInputs['indicators'] = {}) =>
  grade({ indicators, metrics, impact: 'none' }, config);

describe('bands: 4–6 mild, 7–9 moderate, 10–12 severe, 13–16 critical', () => {
  it.each<[Levels, number, string]>([
    [[1, 1, 1, 1], 4, 'mild'],
    [[1, 2, 2, 1], 6, 'mild'],
    [[1, 2, 2, 2], 7, 'moderate'],
    [[3, 2, 2, 2], 9, 'moderate'],
    [[3, 3, 2, 2], 10, 'severe'],
    [[3, 3, 3, 3], 12, 'severe'],
    [[1, 4, 4, 4], 13, 'critical'],
    [[4, 4, 4, 4], 16, 'critical'],
  ])('levels %j → score %i, %s', (levels, score, tier) => {
    const r = gradeLevels(levels);
    expect(r.score).toBe(score);
    expect(r.bandTier).toBe(tier);
    expect(r.tier).toBe(tier);
  });

  it('score = Σ weight × level, with the weights the firm configures', () => {
    const weighted = structuredClone(config);
    weighted.indicators.eventLevel.weight = 2;
    weighted.indicators.propagation.weight = 0.5;
    const r = gradeLevels([3, 1, 2, 1], weighted);
    expect(r.score).toBe(2 * 3 + 1 + 0.5 * 2 + 1);
    expect(r.weights).toEqual({ eventLevel: 2, impactScope: 1, propagation: 0.5, durationTrend: 1 });
  });

  it('the bands are configuration: each number is the lowest score of its tier', () => {
    const bands = { mild: 4, moderate: 5, severe: 8, critical: 15 };
    expect([4, 5, 7, 8, 14, 15].map((s) => bandFor(s, bands))).toEqual(['mild', 'moderate', 'moderate', 'severe', 'severe', 'critical']);
  });
});

describe('floor event-especially-major: eventLevel 4 ⇒ at least severe', () => {
  it.each<[Levels, number, string, string, string[]]>([
    [[4, 1, 1, 1], 7, 'moderate', 'severe', ['event-especially-major']],
    [[4, 2, 1, 1], 8, 'moderate', 'severe', ['event-especially-major']],
    // the band already reaches severe or above: the floor holds but is not listed
    [[4, 2, 2, 2], 10, 'severe', 'severe', []],
    [[4, 3, 3, 3], 13, 'critical', 'critical', []],
    // eventLevel 3 does not trigger it
    [[3, 1, 1, 1], 6, 'mild', 'mild', []],
  ])('levels %j → score %i, band %s, tier %s, floors %j', (levels, score, band, tier, floors) => {
    const r = gradeLevels(levels);
    expect(r.score).toBe(score);
    expect(r.bandTier).toBe(band);
    expect(r.tier).toBe(tier);
    expect(r.floors).toEqual(floors);
  });

  it('a floor driven by a metric-derived level fires too', () => {
    const withPropagationFloor = structuredClone(config);
    withPropagationFloor.floors.push({ id: 'national-media', when: { propagation: 4 }, atLeast: 'moderate' });
    const r = grade({ indicators: {}, metrics: { views: 2_000_000 }, impact: 'none' }, withPropagationFloor);
    expect(r.score).toBe(7); // 1 + 1 + 4 + 1: moderate by band already, so the floor is not listed
    expect([r.tier, r.floors]).toEqual(['moderate', []]);
    const low = grade({ indicators: {}, metrics: { views: 2_000_000 }, impact: 'none' }, { ...withPropagationFloor, bands: { mild: 4, moderate: 8, severe: 10, critical: 13 } });
    expect([low.bandTier, low.tier, low.floors]).toEqual(['mild', 'moderate', ['national-media']]);
  });
});

// SPEC §3's table, written out here so that a drifting grading.yaml fails the test
const NUMERIC: [metric: string, indicator: Indicator, thresholds: [number, number, number]][] = [
  ['affectedClients', 'impactScope', [100, 10_000, 100_000]],
  ['reposts', 'propagation', [1_000, 10_000, 100_000]],
  ['views', 'propagation', [10_000, 100_000, 1_000_000]],
  ['hours', 'durationTrend', [2, 24, 72]],
];

const thresholdRows = NUMERIC.flatMap(([metric, indicator, [l2, l3, l4]]) => {
  const below = (n: number) => (metric === 'hours' ? n - 0.5 : n - 1);
  const above = (n: number) => (metric === 'hours' ? n + 0.5 : n + 1);
  return [
    [metric, 0, indicator, 1],
    [metric, below(l2), indicator, 1],
    [metric, l2, indicator, 2],
    [metric, above(l2), indicator, 2],
    [metric, below(l3), indicator, 2],
    [metric, l3, indicator, 3],
    [metric, above(l3), indicator, 3],
    [metric, below(l4), indicator, 3],
    [metric, l4, indicator, 4],
    [metric, above(l4), indicator, 4],
  ] as [string, number, Indicator, number][];
});

describe('metrics derive levels: at, just below and just above each threshold', () => {
  it.each(thresholdRows)('%s=%d → %s level %i', (metric, value, indicator, level) => {
    const r = gradeMetrics({ [metric]: value });
    expect(r.levels[indicator]).toBe(level);
    expect(r.sources[indicator]).toBe(metric);
  });

  it.each([
    ['falling', 1],
    ['stable', 2],
    ['rising', 3],
    ['secondary', 4],
  ] as const)('trend=%s → durationTrend level %i', (trend, level) => {
    const r = gradeMetrics({ trend });
    expect(r.levels.durationTrend).toBe(level);
    expect(r.sources.durationTrend).toBe('trend');
  });

  it('a metric moves only its own indicator', () => {
    const r = gradeMetrics({ affectedClients: 500_000 });
    expect(r.levels).toEqual({ eventLevel: 1, impactScope: 4, propagation: 1, durationTrend: 1 });
  });
});

describe('the highest metric wins for an indicator', () => {
  it.each<[GradingInputs['metrics'], Indicator, number, string]>([
    [{ reposts: 1_500, views: 200_000 }, 'propagation', 3, 'views'],
    [{ reposts: 150_000, views: 20_000 }, 'propagation', 4, 'reposts'],
    [{ reposts: 0, views: 10_000 }, 'propagation', 2, 'views'],
    [{ hours: 80, trend: 'falling' }, 'durationTrend', 4, 'hours'],
    [{ hours: 1, trend: 'secondary' }, 'durationTrend', 4, 'trend'],
    [{ hours: 30, trend: 'stable' }, 'durationTrend', 3, 'hours'],
  ])('%j → %s level %i from %s', (metrics, indicator, level, source) => {
    const r = gradeMetrics(metrics);
    expect(r.levels[indicator]).toBe(level);
    expect(r.sources[indicator]).toBe(source);
  });
});

describe('explicit indicators and defaults', () => {
  it('an explicit --indicator beats every metric for that indicator, higher or lower', () => {
    const low = gradeMetrics({ reposts: 500_000 }, { propagation: 1 });
    expect([low.levels.propagation, low.sources.propagation]).toEqual([1, 'explicit']);
    const high = gradeMetrics({ hours: 1 }, { durationTrend: 4 });
    expect([high.levels.durationTrend, high.sources.durationTrend]).toEqual([4, 'explicit']);
  });

  it('an indicator with neither an explicit level nor a metric is level 1, source "default"', () => {
    const r = gradeMetrics({ reposts: 20_000 }, { eventLevel: 2 });
    expect(r.levels).toEqual({ eventLevel: 2, impactScope: 1, propagation: 3, durationTrend: 1 });
    expect(r.sources).toEqual({ eventLevel: 'explicit', impactScope: 'default', propagation: 'reposts', durationTrend: 'default' });
  });

  it('the --help example: eventLevel=2, reposts=15000, partial → 7, moderate, B', () => {
    const r = grade({ indicators: { eventLevel: 2 }, metrics: { reposts: 15_000 }, impact: 'partial' }, config);
    expect([r.score, r.tier, r.direction, r.floors]).toEqual([7, 'moderate', 'B', []]);
  });
});

describe('handling direction by client impact', () => {
  it.each<[ClientImpact, string]>([
    ['none', 'A'],
    ['partial', 'B'],
    ['material', 'C'],
  ])('--impact %s → direction %s', (impact, direction) => {
    const r = grade({ indicators: {}, metrics: {}, impact }, config);
    expect(r.direction).toBe(direction);
    expect(r.impact).toBe(impact);
  });

  it('the direction does not change the tier', () => {
    const tiers = (['none', 'partial', 'material'] as const).map((impact) => grade({ indicators: {}, metrics: { views: 500_000 }, impact }, config).tier);
    expect(new Set(tiers).size).toBe(1);
  });
});

describe('mergeInputs: a regrade replaces what it names and keeps the rest', () => {
  const previous: GradingInputs = {
    indicators: { eventLevel: 2, propagation: 3 },
    metrics: { reposts: 15_000, hours: 5 },
    impact: 'partial',
  };

  it.each<[string, Partial<GradingInputs>, GradingInputs]>([
    ['nothing named', {}, previous],
    [
      'one indicator',
      { indicators: { eventLevel: 3 } },
      { indicators: { eventLevel: 3, propagation: 3 }, metrics: { reposts: 15_000, hours: 5 }, impact: 'partial' },
    ],
    [
      'one metric',
      { metrics: { hours: 30 } },
      { indicators: { eventLevel: 2, propagation: 3 }, metrics: { reposts: 15_000, hours: 30 }, impact: 'partial' },
    ],
    [
      'a new metric',
      { metrics: { affectedClients: 20_000 } },
      { indicators: { eventLevel: 2, propagation: 3 }, metrics: { reposts: 15_000, hours: 5, affectedClients: 20_000 }, impact: 'partial' },
    ],
    ['the impact', { impact: 'material' }, { ...previous, impact: 'material' }],
  ])('%s', (_name, change, expected) => {
    expect(mergeInputs(previous, change)).toEqual(expected);
  });

  it('does not modify the previous inputs', () => {
    const before = structuredClone(previous);
    mergeInputs(previous, { indicators: { impactScope: 4 }, metrics: { views: 1 }, impact: 'none' });
    expect(previous).toEqual(before);
  });

  it('levels are derived afresh from the merged inputs', () => {
    const first = grade(mergeInputs(EMPTY_INPUTS, { metrics: { hours: 5 } }), config);
    expect(first.levels.durationTrend).toBe(2);
    const second = grade(mergeInputs(mergeInputs(EMPTY_INPUTS, { metrics: { hours: 5 } }), { metrics: { hours: 80 } }), config);
    expect([second.levels.durationTrend, second.sources.durationTrend]).toEqual([4, 'hours']);
  });

  it('flags name only what was given, so a regrade with --impact alone keeps the levels', () => {
    const change = inputsFromFlags({ impact: 'material' }, config);
    expect(change).toEqual({ impact: 'material' });
    expect(mergeInputs(previous, change)).toEqual({ ...previous, impact: 'material' });
  });
});

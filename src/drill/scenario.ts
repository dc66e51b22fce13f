// The drill scenario file (SPEC §7): schema, and the checks that need the playbook.
import { z } from 'zod';
import type { Problem } from '../errors.js';
import { parseMetricValue } from '../grading/inputs.js';
import { directionSchema, indicatorSchema, tierSchema, type GradingConfig, type Playbook } from '../playbook/schema.js';
import { locate, type YamlSource } from '../playbook/yaml.js';
import { parseOffset } from '../time/offset.js';
import { parseInstant } from '../time/zone.js';
import { missingVars } from '../engine/decide.js';
import { t } from '../ui/i18n.js';

const level = z.number().int().min(1).max(4);
const metricsSchema = z.record(z.string(), z.union([z.number(), z.string()]));

const entrySchema = z.strictObject({
  at: z.union([z.string(), z.number()]),
  metrics: metricsSchema.optional(),
  indicators: z.partialRecord(indicatorSchema, level).optional(),
  impact: z.enum(['none', 'partial', 'material']).optional(),
  tier: tierSchema.optional(),
  reason: z.string().optional(),
  complete: z.string().optional(),
  skip: z.string().optional(),
  note: z.string().optional(),
  recover: z.literal(true).optional(),
  close: z.literal(true).optional(),
  summary: z.string().optional(),
  force: z.boolean().optional(),
});
export type TimelineEntry = z.infer<typeof entrySchema>;

export const scenarioSchema = z.strictObject({
  drill: z.string().min(1),
  type: z.string().min(1),
  start: z.string(),
  impact: z.enum(['none', 'partial', 'material']).default('none'),
  indicators: z.partialRecord(indicatorSchema, level).default({}),
  metrics: metricsSchema.default({}),
  vars: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  responder: z.enum(['on-time', 'late', 'idle']).default('on-time'),
  timeline: z.array(entrySchema).default([]),
  expect: z
    .strictObject({
      tier: tierSchema.optional(),
      maxTier: tierSchema.optional(),
      direction: directionSchema.optional(),
      includes: z.array(z.string()).optional(),
      excludes: z.array(z.string()).optional(),
      late: z.array(z.string()).optional(),
      onTime: z.number().min(0).max(1).optional(),
    })
    .default({}),
});
export type Scenario = z.infer<typeof scenarioSchema>;

export type EntryAction =
  | { kind: 'regrade' }
  | { kind: 'complete'; step: string }
  | { kind: 'skip'; step: string }
  | { kind: 'note' }
  | { kind: 'recover' }
  | { kind: 'close' };

/** What one timeline entry does; undefined when it does nothing or more than one thing. */
export function entryAction(e: TimelineEntry): EntryAction | undefined {
  const actions: EntryAction[] = [];
  if (e.metrics || e.indicators || e.impact || e.tier) actions.push({ kind: 'regrade' });
  if (e.complete !== undefined) actions.push({ kind: 'complete', step: e.complete });
  if (e.skip !== undefined) actions.push({ kind: 'skip', step: e.skip });
  // a note rides along with a completion or a recovery; alone it is a note on the incident
  if (e.note !== undefined && e.complete === undefined && !e.recover) actions.push({ kind: 'note' });
  if (e.recover) actions.push({ kind: 'recover' });
  if (e.close) actions.push({ kind: 'close' });
  return actions.length === 1 ? actions[0] : undefined;
}

function actionNames(e: TimelineEntry): string {
  return ['metrics', 'indicators', 'impact', 'tier', 'complete', 'skip', 'recover', 'close']
    .filter((k) => e[k as keyof TimelineEntry] !== undefined)
    .join(', ');
}

/** Checks that need the playbook and grading: offsets, step ids, metric values, reasons, notes. */
export function checkScenario(s: Scenario, source: YamlSource, playbook: Playbook, grading: GradingConfig): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], message: string, key?: string) => problems.push({ ...locate(source, path, key), message });
  if (parseInstant(s.start) === undefined) at(['start'], t('drill.start'));
  const steps = new Map(playbook.steps.map((step) => [step.id, step]));
  // a step of the playbook, or an occurrence <id>#N (N ≥ 2 only of a step that repeats)
  const stepProblem = (id: string): string | undefined => {
    const m = /^([^#]+)(?:#(\d+))?$/.exec(id);
    const step = m ? steps.get(m[1]!) : undefined;
    const n = m?.[2] === undefined ? 1 : Number(m[2]);
    if (step === undefined || n < 1) return t('drill.unknownStep', { step: id, playbook: playbook.id });
    if (n > 1 && !step.repeat) return t('drill.notRepeating', { step: id, base: step.id });
    return undefined;
  };
  const knownStep = (id: string) => stepProblem(id) === undefined;
  const checkMetrics = (metrics: Record<string, number | string>, path: PropertyKey[]) => {
    for (const [name, value] of Object.entries(metrics)) {
      try {
        parseMetricValue(name, value, grading);
      } catch (e) {
        at([...path, name], (e as Error).message);
      }
    }
  };
  checkMetrics(s.metrics, ['metrics']);
  const known = playbook.vars.map((v) => v.id);
  for (const name of Object.keys(s.vars)) {
    if (!known.includes(name)) at(['vars', name], t('var.unknown', { name, playbook: playbook.id, known: known.join(', ') || '—' }), name);
  }
  const missing = missingVars(playbook, s.vars);
  if (missing.length > 0) at(Object.keys(s.vars).length > 0 ? ['vars'] : ['type'], t('var.required', { names: missing.join(', '), playbook: playbook.id }));

  s.timeline.forEach((e, i) => {
    const path = ['timeline', i];
    if (parseOffset(e.at) === undefined) at([...path, 'at'], t('drill.offset', { where: `timeline[${i}].at` }));
    const action = entryAction(e);
    if (!action) {
      const found = actionNames(e);
      at(path, found ? t('drill.oneAction', { found }) : t('drill.noAction'));
      return;
    }
    if (e.metrics) checkMetrics(e.metrics, [...path, 'metrics']);
    if (action.kind === 'complete' || action.kind === 'skip') {
      const key = action.kind;
      if (!knownStep(action.step)) at([...path, key], stepProblem(action.step)!);
      else if (action.kind === 'complete' && steps.get(action.step.split('#')[0]!)!.requires.includes('note') && !e.note?.trim()) {
        at([...path, key], t('drill.noteRequired', { step: action.step }));
      }
      if (action.kind === 'skip' && !e.reason?.trim()) at(path, t('drill.reasonRequired', { what: 'skip' }));
    }
    if (e.tier && !e.reason?.trim()) at(path, t('drill.reasonRequired', { what: 'tier' }));
    if (action.kind === 'close' && e.force && !e.reason?.trim()) at(path, t('drill.reasonRequired', { what: 'force' }));
  });

  for (const key of ['includes', 'excludes', 'late'] as const) {
    (s.expect[key] ?? []).forEach((id, i) => {
      if (!knownStep(id)) at(['expect', key, i], stepProblem(id)!);
    });
  }
  return problems;
}

// The drill scenario file (SPEC §7): schema, and the checks that need the playbook.
import { z } from 'zod';
import { CliError, message, verbatim, type Message, type Problem } from '../errors.js';
import { parseMetricValue } from '../grading/inputs.js';
import { directionSchema, indicatorSchema, tierSchema, type GradingConfig, type Playbook } from '../playbook/schema.js';
import { locate, type YamlSource } from '../playbook/yaml.js';
import { parseOffset } from '../time/offset.js';
import { parseInstant } from '../time/zone.js';
import { missingVars } from '../engine/decide.js';

const level = z.number().int().min(1).max(4);
const metricsSchema = z.record(z.string(), z.union([z.number(), z.string()]));
// decision options are strings; a bare yes/no that a YAML 1.1 tool made a boolean is read back as one
const optionSchema = z.union([z.string().min(1), z.boolean().transform((b) => (b ? 'yes' : 'no'))]);
/** A negative offset from `start` (-15m) or a time with an offset before it (SPEC §4.2, §7). */
const statedTimeSchema = z.string().min(1);

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
  /** a decision made or changed (SPEC §4.1): {decision: option} */
  decide: z.record(z.string(), optionSchema).optional(),
  /** the outcome a `complete:` of a decision step records */
  outcome: optionSchema.optional(),
  summary: z.string().optional(),
  force: z.boolean().optional(),
  // a monitoring export (path relative to the scenario) imported and graded on (issue 18)
  signals: z.string().min(1).optional(),
  map: z.record(z.string(), z.string()).optional(),
  encoding: z.enum(['utf-8', 'gbk']).optional(),
  /** a member's approval or rejection of a step's latest draft (SPEC §7, §9) */
  approve: z.string().optional(),
  reject: z.string().optional(),
  by: z.string().optional(),
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
  startedAt: statedTimeSchema.optional(),
  discoveredAt: statedTimeSchema.optional(),
  /** the outcome the responder records when it does a decision step; default its first option */
  decisions: z.record(z.string(), optionSchema).default({}),
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
      decisions: z.record(z.string(), optionSchema).optional(),
      /** who approved each step's published statement (SPEC §9) */
      approvedBy: z.record(z.string(), z.string()).optional(),
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
  | { kind: 'close' }
  | { kind: 'decide' }
  | { kind: 'signals'; file: string }
  | { kind: 'approve'; step: string }
  | { kind: 'reject'; step: string };

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
  if (e.decide) actions.push({ kind: 'decide' });
  if (e.signals !== undefined) actions.push({ kind: 'signals', file: e.signals });
  if (e.approve !== undefined) actions.push({ kind: 'approve', step: e.approve });
  if (e.reject !== undefined) actions.push({ kind: 'reject', step: e.reject });
  return actions.length === 1 ? actions[0] : undefined;
}

function actionNames(e: TimelineEntry): string {
  return ['metrics', 'indicators', 'impact', 'tier', 'complete', 'skip', 'recover', 'close', 'decide', 'signals', 'approve', 'reject']
    .filter((k) => e[k as keyof TimelineEntry] !== undefined)
    .join(', ');
}

/**
 * A stated time of the scenario (startedAt, discoveredAt): `-15m` before the start, or an ISO time
 * with an offset, not after the start. Undefined when it is neither.
 */
export function statedTime(text: string, start: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) {
    const back = parseOffset(trimmed.slice(1));
    return back === undefined ? undefined : start - back;
  }
  const at = parseInstant(trimmed);
  return at !== undefined && at <= start ? at : undefined;
}

/** Checks that need the playbook and grading: offsets, step ids, metric values, reasons, notes. */
export function checkScenario(s: Scenario, source: YamlSource, playbook: Playbook, grading: GradingConfig): Problem[] {
  const problems: Problem[] = [];
  const at = (path: PropertyKey[], said: Message, key?: string) => problems.push({ ...locate(source, path, key), message: said });
  if (parseInstant(s.start) === undefined) at(['start'], message('drill.start'));
  const steps = new Map(playbook.steps.map((step) => [step.id, step]));
  // a step of the playbook, or an occurrence <id>#N (N ≥ 2 only of a step that repeats)
  const stepProblem = (id: string): Message | undefined => {
    const m = /^([^#]+)(?:#(\d+))?$/.exec(id);
    const step = m ? steps.get(m[1]!) : undefined;
    const n = m?.[2] === undefined ? 1 : Number(m[2]);
    if (step === undefined || n < 1) return message('drill.unknownStep', { step: id, playbook: playbook.id });
    if (n > 1 && !step.repeat) return message('drill.notRepeating', { step: id, base: step.id });
    return undefined;
  };
  const knownStep = (id: string) => stepProblem(id) === undefined;
  const checkMetrics = (metrics: Record<string, number | string>, path: PropertyKey[]) => {
    for (const [name, value] of Object.entries(metrics)) {
      try {
        parseMetricValue(name, value, grading);
      } catch (e) {
        at([...path, name], e instanceof CliError ? e.said : verbatim((e as Error).message));
      }
    }
  };
  checkMetrics(s.metrics, ['metrics']);
  const start = parseInstant(s.start);
  const stated: Record<string, number | undefined> = {};
  for (const key of ['startedAt', 'discoveredAt'] as const) {
    const value = s[key];
    if (value === undefined || start === undefined) continue;
    stated[key] = statedTime(value, start);
    if (stated[key] === undefined) at([key], message('drill.statedTime', { key }));
  }
  if (stated.startedAt !== undefined && stated.discoveredAt !== undefined && stated.discoveredAt < stated.startedAt) {
    at(['discoveredAt'], message('drill.discoveredBeforeStart'));
  }
  const decisions = new Map(playbook.steps.flatMap((step) => (step.decision ? [[step.decision.id, step.decision] as const] : [])));
  const known = [...decisions.keys()].join(', ') || '—';
  const checkDecision = (id: string, option: string, path: PropertyKey[]) => {
    const d = decisions.get(id);
    if (!d) at(path, message('decide.unknown', { decision: id, playbook: playbook.id, known }), id);
    else if (!d.options.some((o) => o.id === option)) at(path, message('decide.badOption', { decision: id, option, known: d.options.map((o) => o.id).join(', ') }), id);
  };
  for (const [id, option] of Object.entries(s.decisions)) checkDecision(id, option, ['decisions', id]);
  for (const [id, option] of Object.entries(s.expect.decisions ?? {})) checkDecision(id, option, ['expect', 'decisions', id]);
  const knownVars = playbook.vars.map((v) => v.id);
  for (const name of Object.keys(s.vars)) {
    if (!knownVars.includes(name)) at(['vars', name], message('var.unknown', { name, playbook: playbook.id, known: knownVars.join(', ') || '—' }), name);
  }
  const missing = missingVars(playbook, s.vars);
  if (missing.length > 0) at(Object.keys(s.vars).length > 0 ? ['vars'] : ['type'], message('var.required', { names: missing.join(', '), playbook: playbook.id }));

  s.timeline.forEach((e, i) => {
    const path = ['timeline', i];
    if (parseOffset(e.at) === undefined) at([...path, 'at'], message('drill.offset', { where: `timeline[${i}].at` }));
    const action = entryAction(e);
    if (!action) {
      const found = actionNames(e);
      at(path, found ? message('drill.oneAction', { found }) : message('drill.noAction'));
      return;
    }
    if (e.metrics) checkMetrics(e.metrics, [...path, 'metrics']);
    if (action.kind === 'complete' || action.kind === 'skip') {
      const key = action.kind;
      if (!knownStep(action.step)) at([...path, key], stepProblem(action.step)!);
      else if (action.kind === 'complete' && steps.get(action.step.split('#')[0]!)!.requires.includes('note') && !e.note?.trim()) {
        at([...path, key], message('drill.noteRequired', { step: action.step }));
      }
      if (action.kind === 'skip' && !e.reason?.trim()) at(path, message('drill.reasonRequired', { what: 'skip' }));
    }
    if (e.outcome !== undefined) {
      const step = action.kind === 'complete' ? steps.get(action.step.split('#')[0]!) : undefined;
      if (!step?.decision) at([...path, 'outcome'], message('drill.outcomeNoDecision'));
      else checkDecision(step.decision.id, e.outcome, [...path, 'outcome']);
    }
    if (action.kind === 'approve' || action.kind === 'reject') {
      const key = action.kind;
      if (!knownStep(action.step)) at([...path, key], stepProblem(action.step)!);
      else if (!steps.get(action.step.split('#')[0]!)!.approval) at([...path, key], message('approval.notRequired', { step: action.step }));
      if (!e.by?.trim()) at(path, message('drill.byRequired', { what: key }));
      if (key === 'reject' && !e.reason?.trim()) at(path, message('drill.reasonRequired', { what: 'reject' }));
    }
    if (action.kind === 'decide') {
      for (const [id, option] of Object.entries(e.decide!)) checkDecision(id, option, [...path, 'decide', id]);
    }
    if (e.tier && !e.reason?.trim()) at(path, message('drill.reasonRequired', { what: 'tier' }));
    if (action.kind === 'close' && e.force && !e.reason?.trim()) at(path, message('drill.reasonRequired', { what: 'force' }));
  });

  for (const id of Object.keys(s.expect.approvedBy ?? {})) {
    if (!knownStep(id)) at(['expect', 'approvedBy', id], stepProblem(id)!, id);
  }
  for (const key of ['includes', 'excludes', 'late'] as const) {
    (s.expect[key] ?? []).forEach((id, i) => {
      if (!knownStep(id)) at(['expect', key, i], stepProblem(id)!);
    });
  }
  return problems;
}

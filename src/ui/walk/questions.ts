// The questions the walk asks, as plain configurations: what is offered, in which words, and what
// an answer must satisfy. Pure, so prompt-level tests can render each one with @inquirer/testing.
import { definitionOf, type IncidentState, type StepInstance } from '../../engine/fold.js';
import { directionFor, type ClientImpact } from '../../grading/grade.js';
import { parseMetricValue } from '../../grading/inputs.js';
import type { DecisionDefinition, GradingConfig, MetricConfig, Text } from '../../playbook/schema.js';
import { INDICATORS, TIERS, type Indicator, type Tier } from '../../playbook/vocabulary.js';
import type { CheckboxQuestion, Choice, ConfirmQuestion, InputQuestion, SelectQuestion } from '../prompts.js';
import type { Messages } from '../../i18n/messages.js';

const required = (message: string) => (value: string) => (value.trim() ? true : message);

export function typeQuestion(m: Messages, types: { id: string; name: string; problem?: string }[]): SelectQuestion<string> {
  const { t } = m;
  return {
    key: 'type',
    message: t('ask.type'),
    choices: types.map((p) => ({
      value: p.id,
      name: `${p.name} (${p.id})`,
      ...(p.problem ? { disabled: p.problem } : {}),
    })),
  };
}

export function titleQuestion(m: Messages, defaultTitle: string): InputQuestion {
  const { t } = m;
  return { key: 'title', message: t('ask.title'), default: defaultTitle };
}

/** A level 1–4, or "I have figures" (ask the metrics), or "not known yet" (level 1 by default). */
export type LevelAnswer = 1 | 2 | 3 | 4 | 'metrics' | 'unknown';

export function metricsOf(grading: GradingConfig, indicator: Indicator): [string, MetricConfig][] {
  return Object.entries(grading.metrics).filter(([, m]) => m.indicator === indicator);
}

export function metricLabel(m: Messages, grading: GradingConfig, name: string): string {
  const { text } = m;
  return text(grading.metrics[name]?.name) || name;
}

export function indicatorQuestion(m: Messages, grading: GradingConfig, indicator: Indicator, current?: number): SelectQuestion<LevelAnswer> {
  const { t, text } = m;
  const config = grading.indicators[indicator];
  const levels: Choice<LevelAnswer>[] = config.levels.map((description, i) => ({
    value: (i + 1) as 1 | 2 | 3 | 4,
    name: text(description),
    short: t('ask.level', { level: i + 1 }),
  }));
  const metrics = metricsOf(grading, indicator);
  return {
    key: `indicator.${indicator}`,
    message: t('ask.indicator', { name: text(config.name) }),
    choices: [
      ...levels,
      ...(metrics.length
        ? [{ value: 'metrics' as const, name: t('ask.byMetrics', { metrics: metrics.map(([n]) => metricLabel(m, grading, n)).join(', ') }) }]
        : []),
      { value: 'unknown' as const, name: t('ask.levelUnknown') },
    ],
    ...(current ? { default: current as LevelAnswer } : {}),
  };
}

/** A numeric metric; an empty answer means "not known". */
export function numericMetricQuestion(m: Messages, grading: GradingConfig, name: string): InputQuestion {
  const { t } = m;
  return {
    key: `metric.${name}`,
    message: t('ask.metric', { name: metricLabel(m, grading, name) }),
    validate: (value) => {
      if (!value.trim()) return true;
      try {
        parseMetricValue(name, value, grading);
        return true;
      } catch (error) {
        return m.error(error);
      }
    },
  };
}

export function valueMetricQuestion(m: Messages, grading: GradingConfig, name: string, values: Record<string, number>): SelectQuestion<string> {
  const { t, valueLabel } = m;
  return {
    key: `metric.${name}`,
    message: t('ask.metric', { name: metricLabel(m, grading, name) }),
    choices: [
      // in the order of their levels (falling, stable, rising, secondary), named in the language
      ...Object.entries(values)
        .sort(([, a], [, b]) => a - b)
        .map(([value, level]) => ({ value, name: t('ask.metricValue', { value: valueLabel(value), level }) })),
      { value: '', name: t('ask.metricUnknown') },
    ],
  };
}

export function impactQuestion(m: Messages, current?: ClientImpact): SelectQuestion<ClientImpact> {
  const { t } = m;
  return {
    key: 'impact',
    message: t('ask.impact'),
    choices: (['none', 'partial', 'material'] as const).map((impact, i) => ({
      value: impact,
      name: t(`direction.${(['A', 'B', 'C'] as const)[i]!}`),
      short: t(`direction.${(['A', 'B', 'C'] as const)[i]!}`),
    })),
    ...(current ? { default: current } : {}),
  };
}

export function tierDecisionQuestion(m: Messages, tier: Tier): SelectQuestion<'accept' | 'override'> {
  const { t } = m;
  return {
    key: 'tier.decision',
    message: t('ask.tierDecision'),
    choices: [
      { value: 'accept', name: t('ask.tierAccept', { tier: t(`tier.${tier}`) }) },
      { value: 'override', name: t('ask.tierOverride') },
    ],
  };
}

export function overrideTierQuestion(m: Messages, computed: Tier): SelectQuestion<Tier> {
  const { t } = m;
  return {
    key: 'tier.override',
    message: t('ask.overrideTier'),
    choices: TIERS.map((tier) => ({ value: tier, name: `${t(`tier.${tier}`)} (${tier})`, disabled: tier === computed ? t('ask.computed') : false })),
  };
}

export function reasonQuestion(m: Messages, key: string, message: string): InputQuestion {
  const { t } = m;
  return { key, message, validate: required(t('ask.reasonRequired')) };
}

export function varQuestion(m: Messages, v: { id: string; prompt: Text; required: boolean }): InputQuestion {
  const { t, text } = m;
  return {
    key: `var.${v.id}`,
    message: v.required ? t('ask.varRequired', { prompt: text(v.prompt) }) : t('ask.varOptional', { prompt: text(v.prompt) }),
    ...(v.required ? { validate: required(t('ask.varMissing')) } : {}),
  };
}

export interface Contact {
  team: string;
  member: string;
}

export function reachedQuestion(m: Messages, groups: { team: string; teamName: string; members: { name: string; detail: string }[] }[]): CheckboxQuestion<Contact> {
  const { t } = m;
  return {
    key: 'teams.reached',
    message: t('ask.reached'),
    choices: groups.flatMap((g) => [
      { separator: `── ${g.teamName}` },
      ...g.members.map((member) => ({ value: { team: g.team, member: member.name }, name: member.detail ? `${member.name} — ${member.detail}` : member.name, short: member.name })),
    ]),
  };
}

export type WalkAction =
  | 'done'
  | 'skip'
  | 'note'
  | 'statement'
  | 'draft'
  | 'approve'
  | 'reject'
  | 'facts'
  | 'regrade'
  | 'signals'
  | 'jump'
  | 'status'
  | 'recover'
  | 'teams'
  | 'undo'
  | 'pause';

/** A decision step's outcome, asked with the options' own words (SPEC §4.1). */
export function outcomeQuestion(m: Messages, decision: DecisionDefinition): SelectQuestion<string> {
  return { key: `outcome.${decision.id}`, message: m.t('ask.outcome'), choices: decision.options.map((o) => ({ value: o.id, name: m.text(o.text) || o.id })) };
}

/** When the fault began / was discovered: `now`, or a time as in --started-at (SPEC §4.2). */
export function statedTimeQuestion(m: Messages, key: string, message: string, valid: (value: string) => string | true): InputQuestion {
  return { key, message, default: m.t('ask.now'), validate: valid };
}

/**
 * Each action's letter: the same on every card and in both languages (issue 16), so a hand that
 * learnt `d` for done never finds another action there.
 */
export const ACTION_KEYS: Record<WalkAction | IdleAction, string> = {
  done: 'd',
  skip: 's',
  note: 'n',
  statement: 't',
  facts: 'f',
  regrade: 'r',
  signals: 'i',
  jump: 'j',
  status: 'v',
  recover: 'c',
  teams: 'm',
  undo: 'u',
  pause: 'p',
  close: 'x',
  draft: 'w',
  approve: 'a',
  reject: 'e',
};

const keyed = <A extends WalkAction | IdleAction>(choices: Choice<A>[]): Choice<A>[] => choices.map((c) => ({ ...c, key: ACTION_KEYS[c.value] }));

/** `signoff`: the step is under sign-off (draft in $EDITOR), and its latest draft awaits this walker. */
export function actionQuestion(
  m: Messages,
  state: IncidentState,
  step: StepInstance,
  others: number,
  undo?: string,
  signoff?: { draft?: number; mine: boolean },
): SelectQuestion<WalkAction> {
  const { t } = m;
  const def = definitionOf(state, step.stepId);
  const actions: Choice<WalkAction>[] = [
    ...(signoff?.mine
      ? [
          { value: 'approve' as const, name: t('act.approve', { draft: signoff.draft ?? 0 }) },
          { value: 'reject' as const, name: t('act.reject', { draft: signoff.draft ?? 0 }) },
        ]
      : []),
    { value: 'done', name: def.requires.includes('note') ? t('act.doneNote') : t('act.done') },
    { value: 'skip', name: t('act.skip') },
    { value: 'note', name: t('act.note') },
    ...(signoff ? [{ value: 'draft' as const, name: t(signoff.draft ? 'act.redraft' : 'act.draft') }] : []),
    ...(def.template && !signoff ? [{ value: 'statement' as const, name: t('act.statement', { template: def.template }) }] : []),
    // on a statement's card: the cause or the measures may be known by now
    ...(def.template && state.opened.definition.vars.length > 0 ? [{ value: 'facts' as const, name: t('act.facts') }] : []),
    { value: 'regrade', name: t('act.regrade') },
    { value: 'signals', name: t('act.signals') },
    ...(others > 0 ? [{ value: 'jump' as const, name: t('act.jump', { count: others }) }] : []),
    { value: 'status', name: t('act.status') },
    ...(state.recoveredAt === null ? [{ value: 'recover' as const, name: t('act.recover') }] : []),
    { value: 'teams', name: t('act.teams') },
    ...(undo ? [{ value: 'undo' as const, name: t('act.undo', { step: undo }) }] : []),
    { value: 'pause', name: t('act.pause') },
  ];
  return { key: 'action', message: t('ask.action'), choices: keyed(actions) };
}

/** When nothing is pending: close, or keep going. */
export type IdleAction = 'close' | 'note' | 'regrade' | 'signals' | 'status' | 'undo' | 'pause';

export function idleQuestion(m: Messages, undo?: string): SelectQuestion<IdleAction> {
  const { t } = m;
  return {
    key: 'idle',
    message: t('ask.idle'),
    choices: keyed<IdleAction>([
      { value: 'close', name: t('act.close') },
      { value: 'note', name: t('act.incidentNote') },
      { value: 'regrade', name: t('act.regrade') },
      { value: 'signals', name: t('act.signals') },
      { value: 'status', name: t('act.status') },
      ...(undo ? [{ value: 'undo' as const, name: t('act.undo', { step: undo }) }] : []),
      { value: 'pause', name: t('act.pause') },
    ]),
  };
}

/** A free note on a step or on the incident: it must say something. */
export function freeNoteQuestion(m: Messages, key: string): InputQuestion {
  const { t } = m;
  return { key, message: t('ask.note'), validate: required(t('ask.noteMissing')) };
}

/** The note that goes with `done`: evidence where the step requires it, else optional. */
export function noteQuestion(m: Messages, key: string, requiredNote: boolean): InputQuestion {
  const { t } = m;
  return requiredNote
    ? { key, message: t('ask.noteRequired'), validate: required(t('ask.noteMissing')) }
    : { key, message: t('ask.noteOptional') };
}

export function jumpQuestion(m: Messages, steps: { id: string; label: string }[]): SelectQuestion<string> {
  const { t } = m;
  return { key: 'jump', message: t('ask.jump'), choices: steps.map((s) => ({ value: s.id, name: s.label })), pageSize: 15 };
}

export type RegradeChoice = Indicator | 'impact' | 'apply' | 'cancel';

export function regradeQuestion(m: Messages, grading: GradingConfig, levels: Record<Indicator, number>, impact: ClientImpact, changed: number): SelectQuestion<RegradeChoice> {
  const { t, text } = m;
  const indicators = INDICATORS.map((i) => ({
    value: i,
    name: t('ask.regradeIndicator', { name: text(grading.indicators[i].name), level: levels[i] }),
  }));
  return {
    key: 'regrade',
    message: t('ask.regrade'),
    choices: [
      ...indicators,
      { value: 'impact', name: t('ask.regradeImpact', { impact: t(`direction.${directionFor(impact)}`) }) },
      { value: 'apply', name: t('ask.regradeApply', { count: changed }), disabled: changed === 0 ? t('ask.regradeNothing') : false },
      { value: 'cancel', name: t('ask.regradeCancel') },
    ],
  };
}

export function confirmQuestion(key: string, message: string, defaultAnswer = true): ConfirmQuestion {
  return { key, message, default: defaultAnswer };
}

export function fileQuestion(m: Messages, key: string, message: string, defaultFile: string): InputQuestion {
  const { t } = m;
  return { key, message, default: defaultFile, validate: required(t('ask.fileMissing')) };
}

export function optionalTextQuestion(key: string, message: string): InputQuestion {
  return { key, message };
}

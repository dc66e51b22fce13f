// What each action records: the engine decides the events, the front ends only ask and show.
// Every front end (start, open/step/regrade, drill) goes through these functions.
import { InputError, WorkError } from '../errors.js';
import { grade, mergeInputs, type GradingInputs } from '../grading/grade.js';
import type { GradingConfig, Playbook, Team, Tier } from '../playbook/schema.js';
import type { TimeContext } from '../time/duration.js';
import { formatShort } from '../time/zone.js';
import { t } from '../ui/i18n.js';
import type { EventDraft, OpenedPayload } from './events.js';
import { renderStatement } from './statement.js';
import { cloneState, definitionOf, fold, lifecycle, step as foldOne, type IncidentState, type StepInstance } from './fold.js';

export interface OpenRequest {
  type: string;
  title: string;
  mode: OpenedPayload['mode'];
  playbook: { definition: Playbook; file: string; sha256: string };
  grading: GradingConfig;
  teams: Team[];
  vars: Record<string, string>;
  inputs: GradingInputs;
  override?: { tier: Tier; reason: string };
  timezone: string;
  lang: 'zh' | 'en';
  firm: OpenedPayload['firm'];
  drill?: OpenedPayload['drill'];
}

/** Follow-up records that make the log read on its own: teams activated, steps withdrawn. */
function withConsequences(before: IncidentState, drafts: EventDraft[], time: TimeContext): EventDraft[] {
  const after = cloneState(before);
  for (const d of drafts) foldOne(after, d, time);
  const last = drafts[drafts.length - 1]!;
  const extra: EventDraft[] = [];
  const activated = new Set(after.teams.map((x) => x.team));
  for (const team of after.opened.teams) {
    if (team.activate.includes(after.tier) && !activated.has(team.id)) {
      extra.push({ type: 'team.activated', at: last.at, actor: last.actor, payload: { team: team.id, tier: after.tier } });
    }
  }
  const wasPending = new Set(before.steps.filter((s) => s.status === 'pending').map((s) => s.id));
  for (const s of after.steps) {
    if (s.status === 'withdrawn' && wasPending.has(s.id) && s.withdrawnBy) {
      extra.push({ type: 'step.withdrawn', at: last.at, actor: last.actor, payload: { step: s.id, cause: s.withdrawnBy } });
    }
  }
  return [...drafts, ...extra];
}

function checkVars(playbook: Playbook, vars: Record<string, string>): void {
  const known = playbook.vars.map((v) => v.id);
  for (const name of Object.keys(vars)) {
    if (!known.includes(name)) throw new InputError(t('var.unknown', { name, playbook: playbook.id, known: known.join(', ') || '—' }));
  }
  const missing = missingVars(playbook, vars);
  if (missing.length > 0) throw new InputError(t('var.required', { names: missing.join(', '), playbook: playbook.id }));
}

/** The playbook's required vars not given, or given empty. */
export function missingVars(playbook: Playbook, vars: Record<string, string>): string[] {
  return playbook.vars.filter((v) => v.required && !vars[v.id]?.trim()).map((v) => v.id);
}

/** What can be wrong with a request to open, found before anything is written. */
export function checkOpenRequest(req: OpenRequest): void {
  checkVars(req.playbook.definition, req.vars);
  if (req.override && !req.override.reason.trim()) throw new InputError(t('override.reason'));
}

export function openIncident(id: string, req: OpenRequest, at: number, actor: string, time: TimeContext): EventDraft[] {
  checkOpenRequest(req);
  const opened: EventDraft = {
    type: 'incident.opened',
    at,
    actor,
    payload: {
      type: req.type,
      title: req.title,
      mode: req.mode,
      playbook: { id: req.playbook.definition.id, version: req.playbook.definition.version, sha256: req.playbook.sha256, file: req.playbook.file },
      definition: req.playbook.definition,
      grading: req.grading,
      teams: req.teams,
      vars: req.vars,
      timezone: req.timezone,
      lang: req.lang,
      firm: req.firm,
      ...(req.drill ? { drill: req.drill } : {}),
    },
  };
  const result = grade(req.inputs, req.grading);
  const graded: EventDraft = {
    type: 'incident.graded',
    at,
    actor,
    payload: {
      inputs: req.inputs,
      result,
      tier: req.override?.tier ?? result.tier,
      override: Boolean(req.override),
      ...(req.override ? { reason: req.override.reason } : {}),
    },
  };
  const state = fold(id, [opened], time);
  return [opened, ...withConsequences(state, [graded], time)];
}

function ensureOpen(state: IncidentState): void {
  if (lifecycle(state) === 'closed') throw new WorkError(t('incident.isClosed', { id: state.id }));
}

export interface RegradeRequest {
  change: Partial<GradingInputs>;
  override?: { tier: Tier; reason?: string };
  reason?: string;
}

export function regrade(state: IncidentState, req: RegradeRequest, at: number, actor: string, time: TimeContext): EventDraft[] {
  ensureOpen(state);
  // a regrade with nothing in it would record "no input changed": a slip, not a decision
  const { indicators = {}, metrics = {}, impact } = req.change;
  if (!req.override && Object.keys(indicators).length === 0 && Object.keys(metrics).length === 0 && impact === undefined) {
    throw new InputError(t('regrade.nothing'));
  }
  const reason = req.override?.reason ?? req.reason;
  if (req.override && !reason?.trim()) throw new InputError(t('override.reason'));
  const inputs = mergeInputs(state.inputs, req.change);
  const result = grade(inputs, state.opened.grading);
  const graded: EventDraft = {
    type: 'incident.graded',
    at,
    actor,
    payload: {
      inputs,
      result,
      tier: req.override?.tier ?? result.tier,
      override: Boolean(req.override),
      ...(reason ? { reason } : {}),
    },
  };
  return withConsequences(state, [graded], time);
}

/** `<id>` names the open occurrence of a repeating step (or its latest); `<id>#N` names one. */
export function resolveStep(state: IncidentState, ref: string): StepInstance {
  const [stepId] = ref.split('#') as [string];
  const def = state.opened.definition.steps.find((s) => s.id === stepId);
  if (!def) {
    throw new InputError(
      t('step.unknown', { step: ref, playbook: state.playbook.id, known: state.opened.definition.steps.map((s) => s.id).join(', ') }),
    );
  }
  const instances = state.steps.filter((s) => s.stepId === stepId);
  const found = ref.includes('#')
    ? instances.find((s) => s.id === ref || (s.occurrence === 1 && ref === `${stepId}#1`))
    : (instances.find((s) => s.status === 'pending') ?? instances[instances.length - 1]);
  if (!found) throw new WorkError(t('step.notApplicable', { step: ref, tier: state.tier, direction: state.direction }));
  return found;
}

export type StepOutcome = 'done' | 'skip' | 'note';

/**
 * done, skip or note on a step. With `templates`, a step with a template that is done also gets
 * its statement recorded as the template renders it then, in the incident's language — unless one
 * was already recorded for it (the walk's "show the statement"). Every front end passes its
 * templates, so scripted incidents and drills carry their statements too (SPEC §8.6).
 */
export function recordStep(
  state: IncidentState,
  ref: string,
  outcome: StepOutcome,
  detail: { note?: string; reason?: string; templates?: TemplateSource },
  at: number,
  actor: string,
): EventDraft[] {
  ensureOpen(state);
  const instance = resolveStep(state, ref);
  const def = definitionOf(state, instance.stepId);
  if (outcome === 'note') {
    if (!detail.note?.trim()) throw new InputError(t('note.empty'));
    return [{ type: 'note.added', at, actor, payload: { text: detail.note, step: instance.id } }];
  }
  if (instance.status === 'withdrawn') {
    throw new WorkError(
      instance.withdrawnBy === 'recovered'
        ? t('step.withdrawnRecovered', { step: instance.id })
        : t('step.withdrawnNow', { step: instance.id, tier: state.tier, direction: state.direction }),
    );
  }
  if (instance.status !== 'pending') throw new WorkError(t('step.notPending', { step: instance.id, status: t(`status.${instance.status}`) }));
  if (outcome === 'done') {
    if (def.requires.includes('note') && !detail.note?.trim()) throw new InputError(t('step.noteRequired', { step: instance.id }));
    const completed: EventDraft = { type: 'step.completed', at, actor, payload: { step: instance.id, ...(detail.note ? { note: detail.note } : {}) } };
    return [completed, ...(detail.templates ? statementOf(state, instance, detail.templates, at, actor) : [])];
  }
  if (!detail.reason?.trim()) throw new InputError(t('step.reasonRequired', { step: instance.id }));
  return [{ type: 'step.skipped', at, actor, payload: { step: instance.id, reason: detail.reason } }];
}

function statementOf(state: IncidentState, instance: StepInstance, templates: TemplateSource, at: number, actor: string): EventDraft[] {
  const template = definitionOf(state, instance.stepId).template;
  if (!template || state.statements.some((s) => s.step === instance.id)) return [];
  const lang = state.opened.lang;
  const source = templates(template, lang);
  return source === undefined ? [] : renderedStatement(state, { step: instance.id, template, lang, text: renderStatement(state, source, lang) }, at, actor);
}

export function addNote(state: IncidentState, text: string, at: number, actor: string): EventDraft[] {
  ensureOpen(state);
  if (!text.trim()) throw new InputError(t('note.empty'));
  return [{ type: 'note.added', at, actor, payload: { text } }];
}

export function recover(state: IncidentState, note: string | undefined, at: number, actor: string, time: TimeContext): EventDraft[] {
  ensureOpen(state);
  if (state.recoveredAt !== null) {
    throw new WorkError(t('incident.alreadyRecovered', { id: state.id, at: formatShort(state.recoveredAt, state.opened.timezone) }));
  }
  return withConsequences(state, [{ type: 'incident.recovered', at, actor, payload: note ? { note } : {} }], time);
}

export function pendingSteps(state: IncidentState): StepInstance[] {
  return state.steps.filter((s) => s.status === 'pending');
}

export function closeIncident(
  state: IncidentState,
  req: { summary?: string; force?: boolean; reason?: string },
  at: number,
  actor: string,
): EventDraft[] {
  ensureOpen(state);
  const pending = pendingSteps(state).map((s) => s.id);
  if (pending.length > 0 && !req.force) {
    throw new WorkError(t('close.pending', { id: state.id, count: pending.length, steps: pending.join(', ') }));
  }
  if (req.force && pending.length > 0 && !req.reason?.trim()) throw new InputError(t('close.forceReason'));
  return [
    {
      type: 'incident.closed',
      at,
      actor,
      payload: {
        forced: pending.length > 0,
        pending,
        ...(req.summary ? { summary: req.summary } : {}),
        ...(pending.length > 0 && req.reason ? { reason: req.reason } : {}),
      },
    },
  ];
}

export function renderedStatement(
  state: IncidentState,
  statement: { step?: string; template: string; lang: 'zh' | 'en'; text: string; file?: string },
  at: number,
  actor: string,
): EventDraft[] {
  ensureOpen(state);
  return [{ type: 'statement.rendered', at, actor, payload: statement }];
}

/**
 * Facts learnt after the opening (the cause once found, the measures taken): the statements
 * rendered from now on use them. Only changed values are recorded; an empty value clears an
 * optional fact. Unknown names are bad input, as at the opening.
 */
export function updateVars(state: IncidentState, vars: Record<string, string>, at: number, actor: string): EventDraft[] {
  ensureOpen(state);
  const playbook = state.opened.definition;
  const known = playbook.vars.map((v) => v.id);
  for (const name of Object.keys(vars)) {
    if (!known.includes(name)) throw new InputError(t('var.unknown', { name, playbook: playbook.id, known: known.join(', ') || '—' }));
  }
  const cleared = playbook.vars.filter((v) => v.required && givenValue(vars, v.id) === '').map((v) => v.id);
  if (cleared.length > 0) throw new InputError(t('var.required', { names: cleared.join(', '), playbook: playbook.id }));
  const changed = Object.fromEntries(Object.entries(vars).filter(([k, v]) => (state.vars[k] ?? '') !== v));
  if (Object.keys(changed).length === 0) throw new InputError(t('vars.nothing'));
  return [{ type: 'vars.updated', at, actor, payload: { vars: changed } }];
}

const givenValue = (vars: Record<string, string>, id: string) => (id in vars ? vars[id]!.trim() : undefined);

/** Reads a template's source; undefined when it cannot be read (the completion stands without it). */
export type TemplateSource = (template: string, lang: 'zh' | 'en') => string | undefined;

export function teamReached(
  state: IncidentState,
  r: { team: string; member: string; reached: boolean; note?: string },
  at: number,
  actor: string,
): EventDraft[] {
  ensureOpen(state);
  return [{ type: 'team.reached', at, actor, payload: r }];
}

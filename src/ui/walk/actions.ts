// What the responder can do with the step at hand, each through one engine command.
import { addNote, recordStep, recover, updateVars } from '../../engine/decide.js';
import { templateSource } from '../../commands/shared.js';
import { definitionOf, type IncidentState, type StepInstance } from '../../engine/fold.js';
import { WorkError } from '../../errors.js';
import { formatShort } from '../../time/zone.js';
import { t, text } from '../i18n.js';
import { dueText, renderStatus } from '../status-view.js';
import { stepLine } from './card.js';
import { describeChanges } from './changes.js';
import { freeNoteQuestion, jumpQuestion, noteQuestion, optionalTextQuestion, reasonQuestion, varQuestion } from './questions.js';
import { record, type Walk } from './session.js';

/**
 * The card's own occurrence, exactly: a bare id means "the open occurrence", which after someone
 * else completed this one from another terminal would be the next round, not due yet.
 */
const exactly = (step: StepInstance) => `${step.stepId}#${step.occurrence}`;

export async function markDone(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const def = definitionOf(state, step.stepId);
  const note = (await w.ask.input(noteQuestion('done.note', def.requires.includes('note')))).trim();
  const templates = templateSource(w.ctx);
  let after: IncidentState;
  try {
    after = record(w, (s, at, actor) => recordStep(s, exactly(step), 'done', { ...(note ? { note } : {}), templates }, at, actor));
  } catch (error) {
    // refused (done meanwhile from another terminal, say): the evidence typed is not thrown away
    if (note && error instanceof WorkError) {
      try {
        record(w, (s, at, actor) => recordStep(s, exactly(step), 'note', { note }, at, actor));
        w.ctx.err(t('walk.noteKept'));
      } catch {
        // the incident takes no more notes (closed meanwhile): the refusal says why
      }
    }
    throw error;
  }
  const done = after.steps.find((s) => s.id === step.id)!;
  const timing = dueText(done, w.ctx.now(), after.opened.timezone, w.ctx.color);
  w.ctx.out(t('walk.doneRecorded', { title: text(def.title), timing: timing ? ` (${timing})` : '' }));
  const next = after.steps.find((s) => s.stepId === step.stepId && s.occurrence === step.occurrence + 1);
  if (next) w.ctx.out(t('walk.nextOccurrence', { step: stepLine(after, next, w.ctx.now(), w.ctx.color) }));
  return after;
}

export async function skip(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const reason = (await w.ask.input(reasonQuestion('skip.reason', t('ask.skipReason')))).trim();
  const after = record(w, (s, at, actor) => recordStep(s, exactly(step), 'skip', { reason }, at, actor));
  w.ctx.out(t('walk.skipRecorded', { step: `${text(definitionOf(state, step.stepId).title)} (${step.id})` }));
  return after;
}

export async function stepNote(w: Walk, step: StepInstance): Promise<IncidentState> {
  const note = (await w.ask.input(freeNoteQuestion('step.note'))).trim();
  const after = record(w, (s, at, actor) => recordStep(s, exactly(step), 'note', { note }, at, actor));
  w.ctx.out(t('walk.noteRecorded'));
  return after;
}

/** Asks each of the playbook's facts again, the current value offered; records what changed. */
export async function updateFacts(w: Walk, state: IncidentState): Promise<IncidentState> {
  const answers: Record<string, string> = {};
  for (const v of state.opened.definition.vars) {
    const current = state.vars[v.id] ?? '';
    const answer = (await w.ask.input({ ...varQuestion(v), key: `facts.${v.id}`, ...(current ? { default: current } : {}) })).trim();
    if (answer !== current) answers[v.id] = answer;
  }
  if (Object.keys(answers).length === 0) {
    w.ctx.out(t('walk.factsUnchanged'));
    return state;
  }
  const after = record(w, (s, at, actor) => updateVars(s, answers, at, actor));
  w.ctx.out(t('vars.recorded', { id: state.id, count: Object.keys(answers).length }));
  return after;
}

export async function incidentNote(w: Walk): Promise<IncidentState> {
  const note = (await w.ask.input(freeNoteQuestion('incident.note'))).trim();
  const after = record(w, (s, at, actor) => addNote(s, note, at, actor));
  w.ctx.out(t('walk.noteRecorded'));
  return after;
}

/** Picks another pending step to show next; undefined keeps the order. */
export async function jump(w: Walk, state: IncidentState, agenda: StepInstance[], current: StepInstance): Promise<string | undefined> {
  const now = w.ctx.now();
  const others = agenda.filter((s) => s.id !== current.id);
  if (others.length === 0) return undefined;
  return w.ask.select(jumpQuestion(others.map((s) => ({ id: s.id, label: stepLine(state, s, now, w.ctx.color) }))));
}

export function showStatus(w: Walk, state: IncidentState): void {
  w.ctx.out(`\n${renderStatus(state, w.ctx.now(), w.ctx.color, w.ctx.columns)}`);
}

export async function markRecovered(w: Walk, state: IncidentState): Promise<IncidentState> {
  const note = (await w.ask.input(optionalTextQuestion('recover.note', t('ask.recoverNote')))).trim();
  const after = record(w, (s, at, actor, time) => recover(s, note || undefined, at, actor, time));
  const now = w.ctx.now();
  w.ctx.out(t('walk.recovered', { at: formatShort(after.recoveredAt!, after.opened.timezone) }));
  w.ctx.out(describeChanges(state, after, now, w.ctx.color));
  return after;
}

// What the responder can do with the step at hand, each through one engine command.
import { statementSource } from '../../app/statements.js';
import { addNote, recordStep, recover, reopenStep, updateVars } from '../../engine/decide.js';
import { definitionOf, type IncidentState, type StepInstance } from '../../engine/fold.js';
import { WorkError } from '../../errors.js';
import { formatShort } from '../../time/zone.js';
import { dueText, renderStatus } from '../status-view.js';
import { terminalSafe } from '../format.js';
import { taller, throughPager } from '../pager.js';
import { stepLine } from './card.js';
import { describeChanges } from './changes.js';
import {
  freeNoteQuestion,
  jumpQuestion,
  noteQuestion,
  optionalTextQuestion,
  outcomeQuestion,
  reasonQuestion,
  statedTimeQuestion,
  varQuestion,
} from './questions.js';
import { parseStatedTime } from '../../time/zone.js';
import { record, type Walk } from './session.js';

/**
 * The card's own occurrence, exactly: a bare id means "the open occurrence", which after someone
 * else completed this one from another terminal would be the next round, not due yet.
 */
const exactly = (step: StepInstance) => `${step.stepId}#${step.occurrence}`;

export async function markDone(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const { t, text } = w.ctx.messages;
  const def = definitionOf(state, step.stepId);
  const outcome = def.decision ? await w.ask.select(outcomeQuestion(w.ctx.messages, def.decision)) : undefined;
  const note = (await w.ask.input(noteQuestion(w.ctx.messages, 'done.note', def.requires.includes('note')))).trim();
  const statements = statementSource(w.ctx);
  let after: IncidentState;
  try {
    after = await record(w, (s, at, actor, time) => recordStep(s, exactly(step), 'done', { ...(note ? { note } : {}), outcome, statements }, at, actor, time));
  } catch (error) {
    // refused (done meanwhile from another terminal, say): the evidence typed is not thrown away
    if (note && error instanceof WorkError) {
      try {
        await record(w, (s, at, actor) => recordStep(s, exactly(step), 'note', { note }, at, actor));
        w.ctx.err(t('walk.noteKept'));
      } catch {
        // the incident takes no more notes (closed meanwhile): the refusal says why
      }
    }
    throw error;
  }
  const done = after.steps.find((s) => s.id === step.id)!;
  const timing = dueText(w.ctx.messages, done, w.ctx.now(), after.opened.timezone, w.ctx.color);
  w.ctx.out(t('walk.doneRecorded', { title: text(def.title), timing: timing ? ` (${timing})` : '' }));
  const next = after.steps.find((s) => s.stepId === step.stepId && s.occurrence === step.occurrence + 1);
  if (next) w.ctx.out(t('walk.nextOccurrence', { step: stepLine(w.ctx.messages, after, next, w.ctx.now(), w.ctx.color) }));
  return after;
}

export async function skip(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const { t, text } = w.ctx.messages;
  const reason = (await w.ask.input(reasonQuestion(w.ctx.messages, 'skip.reason', t('ask.skipReason')))).trim();
  const after = await record(w, (s, at, actor, time) => recordStep(s, exactly(step), 'skip', { reason }, at, actor, time));
  w.ctx.out(t('walk.skipRecorded', { step: `${text(definitionOf(state, step.stepId).title)} (${step.id})` }));
  return after;
}

export async function stepNote(w: Walk, step: StepInstance): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const note = (await w.ask.input(freeNoteQuestion(w.ctx.messages, 'step.note'))).trim();
  const after = await record(w, (s, at, actor) => recordStep(s, exactly(step), 'note', { note }, at, actor));
  w.ctx.out(t('walk.noteRecorded'));
  return after;
}

/** Asks each of the playbook's facts again, the current value offered; records what changed. */
export async function updateFacts(w: Walk, state: IncidentState): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const answers: Record<string, string> = {};
  for (const v of state.opened.definition.vars) {
    const current = state.vars[v.id] ?? '';
    const answer = (await w.ask.input({ ...varQuestion(w.ctx.messages, v), key: `facts.${v.id}`, ...(current ? { default: current } : {}) })).trim();
    if (answer !== current) answers[v.id] = answer;
  }
  if (Object.keys(answers).length === 0) {
    w.ctx.out(t('walk.factsUnchanged'));
    return state;
  }
  const after = await record(w, (s, at, actor) => updateVars(s, answers, at, actor));
  w.ctx.out(t('vars.recorded', { id: state.id, count: Object.keys(answers).length }));
  return after;
}

export async function incidentNote(w: Walk): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const note = (await w.ask.input(freeNoteQuestion(w.ctx.messages, 'incident.note'))).trim();
  const after = await record(w, (s, at, actor) => addNote(s, note, at, actor));
  w.ctx.out(t('walk.noteRecorded'));
  return after;
}

/** Picks another pending step to show next; undefined keeps the order. */
export async function jump(w: Walk, state: IncidentState, agenda: StepInstance[], current: StepInstance): Promise<string | undefined> {
  const now = w.ctx.now();
  const others = agenda.filter((s) => s.id !== current.id);
  if (others.length === 0) return undefined;
  return w.ask.select(jumpQuestion(w.ctx.messages, others.map((s) => ({ id: s.id, label: stepLine(w.ctx.messages, state, s, now, w.ctx.color) }))));
}

export function showStatus(w: Walk, state: IncidentState): void {
  const shown = `\n${renderStatus(w.ctx.messages, state, w.ctx.now(), w.ctx.color, w.ctx.columns)}`;
  // taller than the screen: paged, so its top is not scrolled away (issue 16)
  if (w.ctx.stdoutIsTTY && taller(shown, w.ctx.rows) && throughPager(terminalSafe(shown, w.ctx.color), w.ctx.env)) return;
  w.ctx.out(shown);
}

export async function markRecovered(w: Walk, state: IncidentState): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const when = await askStatedTime(w, state.opened.timezone, 'recover.at', t('ask.recoveredAt'));
  const note = (await w.ask.input(optionalTextQuestion('recover.note', t('ask.recoverNote')))).trim();
  const after = await record(w, (s, at, actor, time) => recover(s, note || undefined, at, actor, time, when));
  const now = w.ctx.now();
  w.ctx.out(t('walk.recovered', { at: formatShort(after.recoveredAt!, after.opened.timezone) }));
  w.ctx.out(describeChanges(w.ctx.messages, state, after, now, w.ctx.color));
  return after;
}

/**
 * A time the responder states (SPEC §4.2): Enter for now (undefined), or HH:MM / ISO 8601 in the
 * firm's zone, not in the future; asked again until it is one.
 */
export async function askStatedTime(w: Pick<Walk, 'ask' | 'ctx'>, zone: string, key: string, message: string): Promise<number | undefined> {
  const m = w.ctx.messages;
  const { t } = m;
  const now = t('ask.now');
  const parse = (value: string) => parseStatedTime(value, w.ctx.now(), zone);
  const answer = (
    await w.ask.input(
      statedTimeQuestion(m, key, message, (value) => {
        const v = value.trim();
        if (v === '' || v === now) return true;
        const at = parse(v);
        if (at === undefined) return t('ask.timeInvalid');
        return at > w.ctx.now() ? t('ask.timeFuture') : true;
      }),
    )
  ).trim();
  return answer === '' || answer === now ? undefined : parse(answer);
}

/** The responder's own latest completion or skip that is still the step's latest: what "undo" reopens. */
export function ownLastCompletion(state: IncidentState, actor: string): StepInstance | undefined {
  const ended = state.steps.filter((s) => (s.status === 'done' || s.status === 'skipped') && s.completedAt !== null && !s.byDecision);
  const latest = ended.filter((s) => s.actor === actor).sort((a, b) => b.completedAt! - a.completedAt!)[0];
  if (!latest) return undefined;
  // only while it is still that step's latest ended occurrence (a later one must be undone first)
  const newer = ended.some((s) => s.stepId === latest.stepId && s.occurrence > latest.occurrence);
  return newer ? undefined : latest;
}

/** "Undo the last action": the responder's own last completion is pending again, with a reason. */
export async function undoLast(w: Walk, state: IncidentState): Promise<IncidentState> {
  const last = ownLastCompletion(state, w.actor);
  if (!last) return state;
  const { t, text } = w.ctx.messages;
  const reason = (await w.ask.input(reasonQuestion(w.ctx.messages, 'undo.reason', t('ask.undoReason')))).trim();
  const after = await record(w, (s, at, actor) => reopenStep(s, last.id, reason, at, actor));
  w.ctx.out(t('walk.undone', { step: `${text(definitionOf(state, last.stepId).title)} (${last.id})` }));
  return after;
}

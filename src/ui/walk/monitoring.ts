// "Import monitoring data" in the walk (issue 18): the same reading, view and engine call as
// `signals import --apply`, with a look at the figures before anything is recorded.
import { resolve } from 'node:path';
import { assess } from '../../app/signals.js';
import { importSignals } from '../../engine/decide.js';
import { signalsReason } from '../../report/signals.js';
import type { IncidentState } from '../../engine/fold.js';
import { renderSignals } from '../signals-view.js';
import { describeChanges } from './changes.js';
import { confirmQuestion, fileQuestion } from './questions.js';
import { record, type Walk } from './session.js';
import { activate } from './teams.js';

export async function importMonitoring(w: Walk, state: IncidentState): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const file = (await w.ask.input(fileQuestion(w.ctx.messages, 'signals.file', t('ask.signalsFile'), ''))).trim();
  const assessed = await assess(state, resolve(file), {}, w.ctx.now());
  const { payload, read, before, after } = assessed;
  w.ctx.out(`\n${renderSignals(w.ctx.messages, { payload, summary: read.summary, timeZone: state.opened.timezone, grading: state.opened.grading, before, after, recorded: null, color: w.ctx.color })}`);
  if (!(await w.ask.confirm(confirmQuestion('signals.apply', t('ask.signalsApply', { from: t(`tier.${before.tier}`), to: t(`tier.${after.tier}`) }))))) {
    w.ctx.out(t('walk.signalsNotRecorded'));
    return state;
  }
  const updated = await record(w, (s, at, actor, time) => importSignals(s, payload, signalsReason(s, payload), at, actor, time));
  w.ctx.out(`\n${describeChanges(w.ctx.messages, state, updated, w.ctx.now(), w.ctx.color)}`);
  return activate(w, updated);
}

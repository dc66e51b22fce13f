// Regrading mid-walk: the responder names what changed, sees the new grading, accepts or
// overrides it, and is told which steps appeared and which due times tightened.
import { regrade } from '../../engine/decide.js';
import type { IncidentState } from '../../engine/fold.js';
import { grade, mergeInputs, type GradingInputs } from '../../grading/grade.js';
import type { GradingConfig } from '../../playbook/schema.js';
import { describeChanges } from './changes.js';
import { optionalTextQuestion, regradeQuestion } from './questions.js';
import { record, type Walk } from './session.js';
import { askImpact, askIndicator, decideTier, mergeChange } from './signals.js';
import { activate } from './teams.js';

/** How many signals changed: indicators touched (by level or by figures), and the impact. */
function changedCount(change: Partial<GradingInputs>, grading: GradingConfig): number {
  const touched = new Set<string>(Object.keys(change.indicators ?? {}));
  for (const name of Object.keys(change.metrics ?? {})) touched.add(grading.metrics[name]?.indicator ?? name);
  return touched.size + (change.impact ? 1 : 0);
}

export async function regradeWalk(w: Walk, state: IncidentState): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const grading = state.opened.grading;
  let change: Partial<GradingInputs> = {};
  for (;;) {
    const preview = grade(mergeInputs(state.inputs, change), grading);
    const choice = await w.ask.select(regradeQuestion(w.ctx.messages, grading, preview.levels, preview.impact, changedCount(change, grading)));
    if (choice === 'cancel') {
      w.ctx.out(t('walk.regradeCancelled'));
      return state;
    }
    if (choice === 'apply') break;
    const more = choice === 'impact' ? { impact: await askImpact(w.ctx.messages, w.ask, preview.impact) } : await askIndicator(w.ctx.messages, w.ask, grading, choice, preview.levels[choice]);
    change = mergeChange(change, more);
  }
  const decision = await decideTier(w.ctx.messages, w.ask, w.ctx.out, grade(mergeInputs(state.inputs, change), grading), grading, w.ctx.color, w.ctx.columns);
  const reason = decision.override ? undefined : (await w.ask.input(optionalTextQuestion('regrade.reason', t('ask.regradeReason')))).trim();
  const after = await record(w, (s, at, actor, time) =>
    regrade(s, { change, ...(decision.override ? { override: decision.override } : {}), ...(reason ? { reason } : {}) }, at, actor, time),
  );
  w.ctx.out(`\n${describeChanges(w.ctx.messages, state, after, w.ctx.now(), w.ctx.color)}`);
  return activate(w, after);
}

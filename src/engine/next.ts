// Which pending step a responder should see next: the walk's agenda. Pure: time is an argument.
import { PHASES } from '../playbook/vocabulary.js';
import { waitsForRecovery, type IncidentState, type StepInstance } from './fold.js';

// 0: to do now; 1: a later occurrence of a repeating step not yet due (the work was just done, the
// next round is only scheduled); 2: waiting for recovery.
function urgency(state: IncidentState, step: StepInstance, now: number): 0 | 1 | 2 {
  if (waitsForRecovery(state, step)) return 2;
  if (step.occurrence > 1 && step.dueAt !== null && step.dueAt > now) return 1;
  return 0;
}

const byDue = (a: StepInstance, b: StepInstance) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity);

/**
 * The pending steps in the order the walk offers them, most urgent first: steps to do now by due
 * time (an overdue one is the earliest; one without a due time after those with one), ties in phase
 * order, then playbook order; then scheduled repeats by due time; then steps that wait for recovery.
 * A responder who only ever takes the next card meets every deadline that can still be met.
 */
export function agenda(state: IncidentState, now: number): StepInstance[] {
  const position = new Map(state.opened.definition.steps.map((s, i) => [s.id, i]));
  const ranked = state.steps
    .filter((s) => s.status === 'pending')
    .map((step) => ({ step, rank: urgency(state, step, now) }));
  return ranked
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        (a.rank === 2 ? 0 : byDue(a.step, b.step)) ||
        PHASES.indexOf(a.step.phase) - PHASES.indexOf(b.step.phase) ||
        position.get(a.step.stepId)! - position.get(b.step.stepId)! ||
        a.step.occurrence - b.step.occurrence,
    )
    .map((r) => r.step);
}

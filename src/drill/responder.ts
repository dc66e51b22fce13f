// The drill's simulated responder (SPEC §7): when it acts on steps the timeline does not mention.
import type { IncidentState, StepInstance } from '../engine/fold.js';
import { lifecycle, waitsForRecovery } from '../engine/fold.js';
import { pendingInstances } from '../engine/copy-on-write.js';

export type ResponderPolicy = 'on-time' | 'late' | 'idle';

const MINUTE = 60_000;

/**
 * on-time: done one minute before due, never before the step applies; late: ten minutes after due;
 * idle: never. A step without a due time is done the moment it applies; a `from: recovered` step
 * has no due time before recovery, so it waits for it. Never before `now`, the drill's clock: the
 * responder cannot act in the past (a step whose due time a regrade or the recovery just set, a
 * `from: recovered` step with no due, is done at that moment).
 */
export function responderTime(step: StepInstance, waitsForRecovery: boolean, policy: ResponderPolicy, now: number): number | undefined {
  if (policy === 'idle' || step.status !== 'pending') return undefined;
  if (step.dueAt === null) return waitsForRecovery ? undefined : Math.max(step.applicableAt, now);
  return Math.max(now, policy === 'on-time' ? Math.max(step.applicableAt, step.dueAt - MINUTE) : step.dueAt + 10 * MINUTE);
}

/** The responder's next completion: the earliest, ties in playbook order (repeats by occurrence). */
export function nextResponderAction(
  state: IncidentState,
  policy: ResponderPolicy,
  mentioned: ReadonlySet<string>,
  now: number,
  /** The earliest the responder may act on a step (a statement's approval to come); Infinity: not at all. */
  notBefore: (step: StepInstance) => number | undefined = () => undefined,
): { at: number; step: StepInstance } | undefined {
  if (lifecycle(state) === 'closed') return undefined;
  // one pass, no sort: called before every action, over steps that grow with each repeat
  const position = new Map(state.opened.definition.steps.map((s, i) => [s.id, i]));
  const before = (a: StepInstance, b: StepInstance) =>
    position.get(a.stepId)! - position.get(b.stepId)! < 0 || (a.stepId === b.stepId && a.occurrence < b.occurrence);
  let best: { at: number; step: StepInstance } | undefined;
  for (const step of pendingInstances(state)) {
    if (mentioned.has(step.stepId)) continue;
    const earliest = notBefore(step);
    if (earliest === Infinity) continue;
    const found = responderTime(step, waitsForRecovery(state, step), policy, now);
    const at = found === undefined || earliest === undefined ? found : Math.max(found, earliest);
    if (at !== undefined && (!best || at < best.at || (at === best.at && before(step, best.step)))) best = { at, step };
  }
  return best;
}

// Copy-on-write for the fold (BENCHMARKS.md, issue 17): a state copied with cloneState shares its
// lists, records and step instances with the original, and a fold copies a part only when it first
// changes it — so a copy costs nothing per step or note, and a state an earlier caller holds never
// changes. Beside each steps list, an index by step (latest occurrence, counts) answers the fold's
// and the decider's questions without a pass over every occurrence of every repeating step.
// Only this module and fold.ts change a state's parts; everyone else reads them.
import { DamagedLogError, message } from '../errors.js';
import type { IncidentState, StepInstance } from './fold.js';

/** What each state may change in place: what it copied or made itself. Kept by state, out of its data. */
const owned = new WeakMap<IncidentState, WeakSet<object>>();

function ownedBy(state: IncidentState): WeakSet<object> {
  let mine = owned.get(state);
  if (!mine) owned.set(state, (mine = new WeakSet()));
  return mine;
}

function own<T extends object>(state: IncidentState, value: T, copy: (value: T) => T): T {
  const mine = ownedBy(state);
  if (mine.has(value)) return value;
  const copied = copy(value);
  mine.add(copied);
  return copied;
}

/** From now on the state changes nothing it holds in place: another state shares it all. */
export function disown(state: IncidentState): void {
  owned.delete(state);
}

/**
 * Hands the state's incident notes over to `next` (a shallow copy of it) when the state owns them:
 * `next` appends to them in place, and the state sees those notes too. Only for a state that is
 * being replaced (the service's own action): copying the whole list once per note made a drill of
 * n notes O(n²) (BENCHMARKS.md, issue 17). Everything else stays copy-on-write.
 */
export function handOverNotes(state: IncidentState, next: IncidentState): void {
  const notes = state.notes;
  const had = owned.get(state)?.has(notes) ?? false;
  disown(state);
  if (had && next.notes === notes) ownedBy(next).add(notes);
}

type ListKey = Exclude<{ [K in keyof IncidentState]: IncidentState[K] extends readonly unknown[] ? K : never }[keyof IncidentState], 'steps'>;
type RecordKey = 'decisions' | 'vars';

/** The state's list, safe to change in place. */
export function mutableList<K extends ListKey>(state: IncidentState, key: K): IncidentState[K] {
  return (state[key] = own(state, state[key], (list) => [...list] as IncidentState[K]));
}

export function mutableRecord<K extends RecordKey>(state: IncidentState, key: K): IncidentState[K] {
  return (state[key] = own(state, state[key], (record) => ({ ...record })));
}

/**
 * Per step id: its latest occurrence (the last in the list: occurrences are only ever appended),
 * the highest occurrence number, and how many occurrences are pending and not withdrawn. Entries
 * are replaced, never changed, so a copied index shares them safely.
 */
interface StepEntry {
  readonly latest: StepInstance;
  readonly max: number;
  readonly pending: number;
  readonly live: number;
}
type StepIndex = Map<string, StepEntry>;

/** By steps list: a list shared by two states shares its index; a copied list gets a copied index. */
const indexes = new WeakMap<readonly StepInstance[], StepIndex>();

const count = (s: StepInstance) => ({ pending: s.status === 'pending' ? 1 : 0, live: s.status === 'withdrawn' ? 0 : 1 });

function appended(index: StepIndex, s: StepInstance): void {
  const e = index.get(s.stepId);
  const c = count(s);
  index.set(s.stepId, e ? { latest: s, max: Math.max(e.max, s.occurrence), pending: e.pending + c.pending, live: e.live + c.live } : { latest: s, max: s.occurrence, ...c });
}

function indexOf(steps: readonly StepInstance[]): StepIndex {
  let index = indexes.get(steps);
  if (!index) {
    index = new Map();
    for (const s of steps) appended(index, s);
    indexes.set(steps, index);
  }
  return index;
}

function mutableSteps(state: IncidentState): StepInstance[] {
  const before = state.steps;
  const steps = own(state, before, (list) => {
    const copy = [...list];
    indexes.set(copy, new Map(indexOf(list)));
    return copy;
  });
  state.steps = steps;
  return steps;
}

/** The step instance, safe to change in place: a copy in this state's steps unless it is this state's own. */
function mutableStep(state: IncidentState, step: StepInstance): StepInstance {
  if (ownedBy(state).has(step)) return step;
  const steps = mutableSteps(state);
  const at = steps.lastIndexOf(step);
  if (at < 0) throw new DamagedLogError(message('fold.neverApplied', { step: step.id }));
  const copy = own(state, step, (s) => ({ ...s }));
  steps[at] = copy;
  const index = indexOf(steps);
  const e = index.get(copy.stepId);
  if (e && e.latest === step) index.set(copy.stepId, { ...e, latest: copy });
  return copy;
}

/** Changes a step instance of the state: a copy of it, when the state shares it. Returns the instance as it now stands. */
export function changeStep(state: IncidentState, step: StepInstance, changes: Partial<StepInstance>): StepInstance {
  const mine = mutableStep(state, step);
  const was = count(mine);
  Object.assign(mine, changes);
  const now = count(mine);
  if (now.pending !== was.pending || now.live !== was.live) {
    const index = indexOf(state.steps);
    const e = index.get(mine.stepId)!;
    index.set(mine.stepId, { ...e, pending: e.pending + now.pending - was.pending, live: e.live + now.live - was.live });
  }
  return mine;
}

export function addStep(state: IncidentState, step: StepInstance): StepInstance {
  const steps = mutableSteps(state);
  steps.push(step);
  appended(indexOf(steps), step);
  ownedBy(state).add(step);
  return step;
}

/** Removes the instance at `at` (a reopened step's next occurrence); the index is rebuilt when next asked. */
export function removeStep(state: IncidentState, at: number): void {
  const steps = mutableSteps(state);
  steps.splice(at, 1);
  indexes.delete(steps);
}

export function addStepNote(state: IncidentState, step: StepInstance, note: StepInstance['notes'][number]): void {
  const mine = mutableStep(state, step);
  mine.notes = own(state, mine.notes, (notes) => [...notes]);
  mine.notes.push(note);
}

// ---- questions, answered from the index where it can and by a pass over the steps where it cannot

/** The latest occurrence of a step, if it ever applied. */
export function latestOf(state: IncidentState, stepId: string): StepInstance | undefined {
  return indexOf(state.steps).get(stepId)?.latest;
}

/** Whether the step has an occurrence numbered above `occurrence`. */
export function hasLaterOccurrence(state: IncidentState, stepId: string, occurrence: number): boolean {
  return (indexOf(state.steps).get(stepId)?.max ?? 0) > occurrence;
}

/** The first pending occurrence of a step, in the order of the steps. */
export function pendingOf(state: IncidentState, stepId: string): StepInstance | undefined {
  const e = indexOf(state.steps).get(stepId);
  if (!e || e.pending === 0) return undefined;
  if (e.pending === 1 && e.latest.status === 'pending') return e.latest;
  return state.steps.find((s) => s.stepId === stepId && s.status === 'pending');
}

/** Every pending occurrence, in no particular order. */
export function pendingInstances(state: IncidentState): StepInstance[] {
  const index = indexOf(state.steps);
  const found: StepInstance[] = [];
  for (const e of index.values()) {
    if (e.pending === 0) continue;
    if (e.pending > 1 || e.latest.status !== 'pending') return state.steps.filter((s) => s.status === 'pending');
    found.push(e.latest);
  }
  return found;
}

/** The instance of that id (`<step>` or `<step>#N`), if there is one. */
export function instanceById(state: IncidentState, id: string): StepInstance | undefined {
  const latest = indexOf(state.steps).get(id.split('#')[0]!)?.latest;
  // ids are unique; the step an event names is most often the latest occurrence of its step
  return latest?.id === id ? latest : state.steps.findLast((s) => s.id === id);
}

/** The first step instance owned by the team that is not withdrawn, in the order of the steps. */
export function dutyOf(state: IncidentState, team: string): StepInstance | undefined {
  const index = indexOf(state.steps);
  for (const e of index.values()) {
    if (e.live > 0 && e.latest.owner === team) return state.steps.find((s) => s.owner === team && s.status !== 'withdrawn');
  }
  return undefined;
}

// The fold is a pure function although it copies on write (issue 17, linear drills): a state an
// earlier caller holds — the service's cached state, the look-ahead's `before` — never changes when
// events are folded onto it or onto a copy of it. The states are deep-frozen, so any change made
// in place throws here; and the step index answers as a pass over the steps would.
import { describe, expect, it } from 'vitest';
import { closeIncident, decide, recordStep, recover, regrade, reopenStep, resolveStep } from '../../src/engine/decide.js';
import type { EventDraft } from '../../src/engine/events.js';
import { cloneState, evolve, fold, foldOnto, succeedState, waitsForRecovery, type IncidentState } from '../../src/engine/fold.js';
import { pendingInstances, pendingOf } from '../../src/engine/copy-on-write.js';
import { nextResponderAction, responderTime } from '../../src/drill/responder.js';
import { orderedSteps } from '../../src/engine/views.js';
import { Harness, HOUR, inputs, MIN, NO_HOLIDAYS, playbook, T0 } from '../support/engine.js';

function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}

const PB = playbook([
  {
    id: 'reportability',
    due: '30m',
    decision: { id: 'reportable', options: [{ id: 'yes', text: 'Yes' }, { id: 'no', text: 'No' }] },
  },
  { id: 'phone-report', due: '30m', when: { reportable: 'yes' } },
  { id: 'progress', due: '1h', repeat: '1h', when: { reportable: 'yes' } },
  { id: 'sweep', due: '30m', repeat: '30m', until: 'stand-down' },
  { id: 'stand-down', due: '8h' },
  { id: 'escalated', due: '20m', tiers: ['severe', 'critical'] },
  { id: 'apology', from: 'recovered', due: '4h' },
  { id: 'watch', due: '1h', repeat: '2h', until: 'closed' },
]);

/** A log that reaches every kind of change the fold makes: repeats, until, decisions, regrades both ways, notes, reopening, recovery, close. */
function story(): EventDraft[] {
  const h = new Harness(PB, inputs('moderate'));
  let at = T0;
  const act = (fn: (s: IncidentState, time: typeof NO_HOLIDAYS) => EventDraft[]) => h.apply((s, time) => fn(s, time));
  act((s, time) => recordStep(s, 'reportability', 'done', { outcome: 'yes' }, (at += 10 * MIN), 'r', time));
  for (let i = 0; i < 4; i++) {
    act((s, time) => recordStep(s, 'sweep', 'done', {}, (at += 20 * MIN), 'r', time));
    act((s, time) => recordStep(s, 'progress', 'done', { note: `round ${i}` }, (at += 5 * MIN), 'r', time));
    act((s, time) => recordStep(s, 'sweep', 'note', { note: `looked ${i}` }, (at += MIN), 'r', time));
  }
  act((s, time) => regrade(s, { change: { indicators: { eventLevel: 3, impactScope: 3, propagation: 3 } } }, (at += 5 * MIN), 'r', time));
  act((s, time) => regrade(s, { change: { indicators: { eventLevel: 2, impactScope: 2, propagation: 2 } } }, (at += 5 * MIN), 'r', time));
  act((s, time) => decide(s, { decision: 'reportable', outcome: 'no', reason: 'below the threshold' }, (at += 5 * MIN), 'r', time));
  act((s, time) => decide(s, { decision: 'reportable', outcome: 'yes', reason: 'the bureau asked' }, (at += 5 * MIN), 'r', time));
  act((s, time) => recordStep(s, 'progress', 'done', {}, (at += 5 * MIN), 'r', time));
  act((s) => reopenStep(s, 'progress', 'sent to the wrong address', (at += MIN), 'r'));
  act((s, time) => recordStep(s, 'phone-report', 'done', {}, (at += 5 * MIN), 'r', time));
  act((s, time) => recover(s, 'service back', (at += 30 * MIN), 'r', time));
  act((s, time) => recordStep(s, 'stand-down', 'done', {}, (at += 5 * MIN), 'r', time));
  act((s, time) => recordStep(s, 'apology', 'done', {}, (at += HOUR), 'r', time));
  act((s, time) => recordStep(s, 'watch', 'skip', { reason: 'no news' }, (at += 5 * MIN), 'r', time));
  act((s) => closeIncident(s, { summary: 'over', force: true, reason: 'drill over' }, (at += HOUR), 'r'));
  return h.events;
}

const ID = 'INC-20260316-001';
const snapshot = (state: IncidentState) => JSON.stringify(state);

describe('the fold copies on write: a state once held never changes (issue 17)', () => {
  const events = story();
  const whole = fold(ID, events, NO_HOLIDAYS);

  it('the story reaches the changes it is meant to', () => {
    expect(whole.steps.filter((s) => s.stepId === 'sweep').length).toBeGreaterThan(3);
    expect(whole.steps.some((s) => s.withdrawnBy === 'until')).toBe(true);
    expect(whole.steps.some((s) => s.withdrawnBy === 'not-applicable')).toBe(true);
    expect(whole.steps.some((s) => s.withdrawnBy === 'closed')).toBe(true);
    expect(whole.reopened).toHaveLength(1);
    expect(whole.closedAt).not.toBeNull();
  });

  it('folding the rest onto a frozen earlier state, from every point of the log, gives the whole fold', () => {
    for (let k = 1; k < events.length; k++) {
      const earlier = fold(ID, events.slice(0, k), NO_HOLIDAYS);
      const before = snapshot(earlier);
      deepFreeze(earlier);
      expect(foldOnto(earlier, events.slice(k), NO_HOLIDAYS)).toEqual(whole);
      expect(snapshot(earlier)).toBe(before);
    }
  });

  it('one event at a time, each state frozen before the next is folded onto it', () => {
    let state = deepFreeze(fold(ID, events.slice(0, 1), NO_HOLIDAYS));
    const held: [IncidentState, string][] = [];
    for (const event of events.slice(1)) {
      held.push([state, snapshot(state)]);
      state = deepFreeze(foldOnto(state, [event], NO_HOLIDAYS));
    }
    expect(state).toEqual(whole);
    for (const [earlier, before] of held) expect(snapshot(earlier)).toBe(before);
  });

  it('the original a copy was made from, folded further, leaves the frozen copy alone', () => {
    for (let k = 1; k < events.length; k++) {
      const original = fold(ID, events.slice(0, k), NO_HOLIDAYS);
      const copy = deepFreeze(cloneState(original));
      const before = snapshot(copy);
      for (const event of events.slice(k)) evolve(original, event, NO_HOLIDAYS);
      expect(original).toEqual(whole);
      expect(snapshot(copy)).toBe(before);
    }
  });
});

describe('the step index answers as a pass over the steps would', () => {
  const passPending = (state: IncidentState) => state.steps.filter((s) => s.status === 'pending');
  /** The responder's pick as it was made before the index: every step sorted, the first earliest. */
  function passResponder(state: IncidentState, now: number) {
    let best: { at: number; id: string } | undefined;
    for (const step of orderedSteps(state)) {
      const at = responderTime(step, waitsForRecovery(state, step), 'on-time', now);
      if (at !== undefined && (!best || at < best.at)) best = { at, id: step.id };
    }
    return best;
  }
  const responder = (state: IncidentState, now: number) => {
    const next = nextResponderAction(state, 'on-time', new Set(), now);
    return next && { at: next.at, id: next.step.id };
  };

  it('also on a log the tool would not write: an old occurrence reopened while a later one is pending', () => {
    const h = new Harness(PB, inputs('moderate'));
    h.apply((s, time) => recordStep(s, 'sweep', 'done', {}, T0 + 10 * MIN, 'r', time));
    h.apply((s, time) => recordStep(s, 'sweep', 'done', {}, T0 + 20 * MIN, 'r', time));
    // sweep#3 is pending; reopening sweep (the first) by hand makes two pending occurrences
    const events: EventDraft[] = [...h.events, { type: 'step.reopened', at: T0 + 30 * MIN, actor: 'r', payload: { step: 'sweep', reason: 'by hand' } }];
    const state = foldOnto(deepFreeze(fold(ID, h.events, NO_HOLIDAYS)), events.slice(h.events.length), NO_HOLIDAYS);
    expect(state).toEqual(fold(ID, events, NO_HOLIDAYS));
    const pending = passPending(state);
    expect(pending.filter((s) => s.stepId === 'sweep').map((s) => s.id)).toEqual(['sweep', 'sweep#3']);
    expect(new Set(pendingInstances(state))).toEqual(new Set(pending));
    expect(pendingOf(state, 'sweep')?.id).toBe('sweep');
    expect(resolveStep(state, 'sweep').id).toBe('sweep');
    expect(resolveStep(state, 'sweep#3').id).toBe('sweep#3');
    expect(resolveStep(state, 'sweep#1').id).toBe('sweep');
    expect(responder(state, T0 + 30 * MIN)).toEqual(passResponder(state, T0 + 30 * MIN));
  });

  it('at every point of the story', () => {
    const events = story();
    for (let k = 1; k <= events.length; k++) {
      const state = fold(ID, events.slice(0, k), NO_HOLIDAYS);
      expect(new Set(pendingInstances(state))).toEqual(new Set(passPending(state)));
      if (state.closedAt === null) expect(responder(state, state.lastAt)).toEqual(passResponder(state, state.lastAt));
      for (const def of PB.steps) {
        const instances = state.steps.filter((s) => s.stepId === def.id);
        expect(pendingOf(state, def.id)).toBe(instances.find((s) => s.status === 'pending'));
        if (instances.length > 0) expect(resolveStep(state, def.id)).toBe(instances.find((s) => s.status === 'pending') ?? instances.at(-1));
        for (const s of instances) expect(resolveStep(state, `${s.stepId}#${s.occurrence}`)).toBe(s);
      }
    }
  });
});

describe('the notes handed over to the service\'s next state (a drill of n notes is not O(n²))', () => {
  const note = (text: string, at: number): EventDraft => ({ type: 'note.added', at, actor: 'r', payload: { text } });

  it('appends in place when the state replaced owned its notes; nothing else of it changes', () => {
    const events = story();
    const base = foldOnto(fold('INC-1', events, NO_HOLIDAYS), [note('first', T0 + 20 * HOUR)], NO_HOLIDAYS); // owns its notes now
    const notes = base.notes;
    const { notes: _n, ...rest } = base;
    const before = structuredClone(rest);
    const next = evolve(succeedState(base), note('second', T0 + 21 * HOUR), NO_HOLIDAYS);
    expect(next.notes).toBe(notes); // handed over: no copy
    expect(next.notes.map((n) => n.text).slice(-2)).toEqual(['first', 'second']);
    const { notes: _m, ...after } = base;
    expect(after).toEqual(before); // all but the notes as it was
    // the next state goes on in place too, and a copy of it copies as before
    const third = evolve(succeedState(next), note('third', T0 + 22 * HOUR), NO_HOLIDAYS);
    expect(third.notes).toBe(notes);
    const lookAhead = foldOnto(third, [note('maybe', T0 + 23 * HOUR)], NO_HOLIDAYS);
    expect(lookAhead.notes).not.toBe(notes);
    expect(third.notes.map((n) => n.text).at(-1)).toBe('third');
  });

  it('copies as before when the state shared its notes with another (a look-ahead took a copy)', () => {
    const base = foldOnto(fold('INC-1', story(), NO_HOLIDAYS), [note('first', T0 + 20 * HOUR)], NO_HOLIDAYS);
    const kept = cloneState(base); // someone else holds the same notes
    const frozen = deepFreeze(base.notes);
    const next = evolve(succeedState(base), note('second', T0 + 21 * HOUR), NO_HOLIDAYS);
    expect(next.notes).not.toBe(frozen);
    expect(kept.notes.map((n) => n.text).at(-1)).toBe('first');
    expect(base.notes.map((n) => n.text).at(-1)).toBe('first');
  });
});

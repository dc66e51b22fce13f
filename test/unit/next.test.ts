import { describe, expect, it } from 'vitest';
import { recordStep, recover } from '../../src/engine/decide.js';
import { agenda } from '../../src/engine/next.js';
import { waitsForRecovery } from '../../src/engine/fold.js';
import { Harness, HOUR, inputs, MIN, playbook, T0 } from '../support/engine.js';

const ids = (h: Harness, now: number) => agenda(h.state, now).map((s) => s.id);

describe('the walk offers the next pending step (engine/next)', () => {
  it('most urgent first: the earlier due time, whatever the phase; equal due times in phase order', () => {
    const h = new Harness(
      playbook([
        { id: 'apology', phase: 'reputation', due: '10m' },
        { id: 'sweep', phase: 'monitoring', due: '1h' },
        { id: 'confirm', phase: 'grading', due: '2h' },
        { id: 'brief', phase: 'media', due: '1h' },
      ]),
      inputs('moderate'),
    );
    expect(ids(h, T0)).toEqual(['apology', 'sweep', 'brief', 'confirm']);
    expect(agenda(h.state, T0)[0]?.id).toBe('apology');
  });

  it('an overdue step comes before one due later, even from a later phase', () => {
    const h = new Harness(
      playbook([
        { id: 'preserve', phase: 'response', due: '45m' },
        { id: 'hotline', phase: 'investors', due: '15m' },
      ]),
      inputs('moderate'),
    );
    expect(ids(h, T0 + 20 * MIN)).toEqual(['hotline', 'preserve']);
  });

  it('the earlier due time first; a step without one after those with one; ties in playbook order', () => {
    const h = new Harness(
      playbook([
        { id: 'no-due' },
        { id: 'later', due: '2h' },
        { id: 'tie-b', due: '30m' },
        { id: 'sooner', due: '15m' },
        { id: 'tie-a', due: '30m' },
      ]),
      inputs('moderate'),
    );
    expect(ids(h, T0)).toEqual(['sooner', 'tie-b', 'tie-a', 'later', 'no-due']);
  });

  it('leaves out steps that are done, skipped or withdrawn', () => {
    const h = new Harness(playbook([{ id: 'a', due: '10m' }, { id: 'b', due: '20m' }, { id: 'c', due: '30m' }]), inputs('moderate'));
    h.apply((s) => recordStep(s, 'a', 'done', {}, T0 + MIN, 'r'));
    h.apply((s) => recordStep(s, 'b', 'skip', { reason: 'n/a' }, T0 + 2 * MIN, 'r'));
    expect(ids(h, T0 + 3 * MIN)).toEqual(['c']);
    h.apply((s) => recordStep(s, 'c', 'done', {}, T0 + 4 * MIN, 'r'));
    expect(agenda(h.state, T0 + 5 * MIN)).toEqual([]);
  });

  it('puts the next round of a repeating step, not yet due, after the work still to do', () => {
    const h = new Harness(
      playbook([
        { id: 'sweep', phase: 'monitoring', due: '30m', repeat: '1h' },
        { id: 'diagnose', phase: 'response', due: '2h' },
      ]),
      inputs('moderate'),
    );
    h.apply((s) => recordStep(s, 'sweep', 'done', {}, T0 + 10 * MIN, 'r'));
    expect(ids(h, T0 + 11 * MIN)).toEqual(['diagnose', 'sweep#2']);
    // once the round is due it is work to do again, and the earlier due time comes first
    expect(ids(h, T0 + 10 * MIN + HOUR + MIN)).toEqual(['sweep#2', 'diagnose']);
  });

  it('offers steps that wait for recovery last, and by due time once service is back', () => {
    const h = new Harness(
      playbook([
        { id: 'call-backs', phase: 'investors', from: 'recovered', due: '1d' },
        { id: 'statement', phase: 'media', due: '2h' },
        { id: 'review', phase: 'review', from: 'recovered', due: '1d' },
      ]),
      inputs('moderate'),
    );
    expect(waitsForRecovery(h.state, h.step('call-backs'))).toBe(true);
    expect(ids(h, T0)).toEqual(['statement', 'call-backs', 'review']);
    h.apply((s, time) => recover(s, undefined, T0 + HOUR, 'r', time));
    expect(waitsForRecovery(h.state, h.step('call-backs'))).toBe(false);
    // the statement due in an hour before the call-backs due tomorrow
    expect(ids(h, T0 + HOUR)).toEqual(['statement', 'call-backs', 'review']);
  });
});

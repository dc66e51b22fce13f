// Found by the properties (issue 17, item 12): reopening a step the facts took out of scope, or whose
// repeat has ended, made it pending again — holding the close back until the next regrade withdrew it.
import { describe, expect, it } from 'vitest';
import { openIncident, recordStep, regrade, reopenStep } from '../../src/engine/decide.js';
import { fold, type IncidentState } from '../../src/engine/fold.js';
import type { EventDraft } from '../../src/engine/events.js';
import { WorkError } from '../../src/errors.js';
import { loadCalendar, loadGrading, loadPlaybook, loadTeams } from '../../src/playbook/library.js';
import { PLAYBOOKS } from '../helpers.js';
import { MIN, T0 } from '../support/engine.js';

describe('reopen and applicability', () => {
  const teams = loadTeams(PLAYBOOKS);
  const time = { calendar: loadCalendar(PLAYBOOKS), timeZone: 'Asia/Shanghai' };
  const request = {
    type: 'cyber-attack', title: 't', mode: 'real' as const, playbook: loadPlaybook(PLAYBOOKS, 'cyber-attack', teams), grading: loadGrading(PLAYBOOKS), teams,
    vars: { attack: 'DDoS', systems: 'app' }, inputs: { indicators: { propagation: 3, durationTrend: 2 }, metrics: {}, impact: 'none' as const },
    timezone: 'Asia/Shanghai', lang: 'en' as const, firm: { name: 'F', hotline: '1' },
  };

  function walk(): { state: IncidentState; apply: (drafts: EventDraft[]) => void } {
    const events = openIncident('INC-1', request, T0, 'a', time);
    const run = { state: fold('INC-1', events, time), apply: (drafts: EventDraft[]) => {
      events.push(...drafts);
      run.state = fold('INC-1', events, time);
    } };
    return run;
  }

  it('a step a regrade took out of scope is refused, not made pending; in scope it reopens', () => {
    const run = walk(); // moderate, direction A
    run.apply(recordStep(run.state, 'rumour-clarification', 'done', {}, T0 + MIN, 'a', time));
    run.apply(regrade(run.state, { change: { impact: 'partial' } }, T0 + 2 * MIN, 'a', time)); // direction B
    expect(() => reopenStep(run.state, 'rumour-clarification', 'sent too early', T0 + 3 * MIN, 'a')).toThrow(
      expect.objectContaining({ said: expect.objectContaining({ key: 'step.reopenNotApplicable' }) }),
    );
    // back in scope: it can be reopened
    run.apply(regrade(run.state, { change: { impact: 'none' } }, T0 + 4 * MIN, 'a', time));
    run.apply(reopenStep(run.state, 'rumour-clarification', 'sent too early', T0 + 5 * MIN, 'a'));
    expect(run.state.steps.find((s) => s.id === 'rumour-clarification')!.status).toBe('pending');
  });

  it('the refusal is a WorkError (exit 1: the state refuses it), not bad input', () => {
    const run = walk();
    run.apply(recordStep(run.state, 'rumour-clarification', 'done', {}, T0 + MIN, 'a', time));
    run.apply(regrade(run.state, { change: { impact: 'partial' } }, T0 + 2 * MIN, 'a', time));
    expect(() => reopenStep(run.state, 'rumour-clarification', 'x', T0 + 3 * MIN, 'a')).toThrow(WorkError);
  });
});

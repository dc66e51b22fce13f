// Conditions, decisions, until, reopen and the fault's own times (SPEC §4, §4.1, §4.2): table
// tests on the pure engine, input → expected.
import { describe, expect, it } from 'vitest';
import { closeIncident, decide, recordStep, recover, regrade, reopenStep } from '../../src/engine/decide.js';
import { beyondCalendar, fold } from '../../src/engine/fold.js';
import { applies } from '../../src/engine/rules.js';
import { InputError, WorkError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { checkPlaybook } from '../../src/playbook/checks.js';
import { parseYaml } from '../../src/playbook/yaml.js';
import { playbookSchema } from '../../src/playbook/schema.js';
import { checkCalendarHorizon } from '../../src/playbook/validate.js';
import { Harness, HOUR, inputs, MIN, NO_HOLIDAYS, playbook, refusal, T0, TEAMS } from '../support/engine.js';

const REPORTABLE = {
  id: 'reportability',
  due: '30m',
  from: 'discovered',
  decision: {
    id: 'reportable',
    options: [
      { id: 'yes', text: 'Reportable' },
      { id: 'unsure', text: 'Not yet clear' },
      { id: 'no', text: 'Not reportable' },
    ],
  },
};
const LANE = [
  REPORTABLE,
  { id: 'phone-report', due: '30m', when: { reportable: ['yes', 'unsure'] } },
  { id: 'written-report', due: { mild: '2h', moderate: '2h', severe: '1h', critical: '1h' }, when: { reportable: ['yes', 'unsure'] } },
  { id: 'progress', due: '1h', repeat: '1h', when: { reportable: ['yes', 'unsure'] } },
  { id: 'summary-report', due: '5wd', from: 'recovered', when: { reportable: 'yes' } },
  { id: 'cac-report', due: '4h', when: { eventLevel: 2, reportable: ['yes', 'unsure'] } },
];

const applied = (h: Harness) => h.state.steps.map((s) => s.id);

describe('when: an indicator at its level or above', () => {
  const def = playbook([{ id: 's', when: { eventLevel: 2 } }]).steps[0]!;
  it.each([
    [1, false],
    [2, true],
    [3, true],
    [4, true],
  ])('eventLevel %i ⇒ applies: %s', (level, expected) => {
    expect(applies(def, { tier: 'mild', direction: 'A', levels: { eventLevel: level }, decisions: {} })).toBe(expected);
  });

  it('an indicator never graded counts as level 1', () => {
    expect(applies(def, { tier: 'mild', direction: 'A', levels: {}, decisions: {} })).toBe(false);
  });

  it('a regrade that raises the level brings the step in; one that lowers it withdraws it', () => {
    const h = new Harness(playbook([{ id: 'cac', due: '1h', when: { eventLevel: 2 } }]), inputs('mild'));
    expect(applied(h)).toEqual([]);
    h.apply((s, time) => regrade(s, { change: { indicators: { eventLevel: 2 } } }, T0 + 10 * MIN, 'r', time));
    expect(h.step('cac')).toMatchObject({ status: 'pending', dueAt: T0 + 70 * MIN });
    h.apply((s, time) => regrade(s, { change: { indicators: { eventLevel: 1 } } }, T0 + 20 * MIN, 'r', time));
    expect(h.step('cac')).toMatchObject({ status: 'withdrawn', missed: false });
  });
});

describe('decisions (SPEC §4.1)', () => {
  it('before the decision is made its conditions do not hold; the lane follows the outcome', () => {
    const h = new Harness(playbook(LANE), inputs('mild'));
    expect(applied(h)).toEqual(['reportability']);
    h.apply((s, time) => recordStep(s, 'reportability', 'done', { outcome: 'yes' }, T0 + 10 * MIN, 'r', time));
    expect(h.state.decisions).toEqual({ reportable: 'yes' });
    expect(h.step('phone-report')).toMatchObject({ status: 'pending', applicableAt: T0 + 10 * MIN, dueAt: T0 + 40 * MIN });
    expect(h.step('written-report').dueAt).toBe(T0 + 130 * MIN);
    expect(h.step('progress').dueAt).toBe(T0 + 70 * MIN);
    // summary: from recovery, so no due time yet; cac: eventLevel 1 keeps it out
    expect(h.step('summary-report').dueAt).toBeNull();
    expect(applied(h)).not.toContain('cac-report');
  });

  it('a decision step needs an outcome among its options; other steps take none', () => {
    const h = new Harness(playbook(LANE), inputs('mild'));
    expect(() => recordStep(h.state, 'reportability', 'done', {}, T0, 'r')).toThrow(InputError);
    expect(refusal(() => recordStep(h.state, 'reportability', 'done', { outcome: 'maybe' }, T0, 'r'))).toMatch(/no option "maybe"/);
    h.apply((s, time) => recordStep(s, 'reportability', 'done', { outcome: 'unsure' }, T0, 'r', time));
    expect(() => recordStep(h.state, 'phone-report', 'done', { outcome: 'yes' }, T0, 'r')).toThrow(InputError);
  });

  it('a changed decision withdraws what no longer applies (late if past due) and re-applies from that moment', () => {
    const h = new Harness(playbook(LANE), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'reportability', 'done', { outcome: 'yes' }, T0 + 10 * MIN, 'r', time));
    // at 50 min the phone report (due 40 min) is overdue; written report (due 130 min) is not
    h.apply((s, time) => decide(s, { decision: 'reportable', outcome: 'no', reason: 'below the threshold' }, T0 + 50 * MIN, 'r', time));
    expect(h.step('phone-report')).toMatchObject({ status: 'withdrawn', withdrawnBy: 'not-applicable', missed: true });
    expect(h.step('written-report')).toMatchObject({ status: 'withdrawn', missed: false });
    expect(h.state.decisionLog.at(-1)).toMatchObject({ decision: 'reportable', outcome: 'no', previous: 'yes', reason: 'below the threshold' });
    // back to yes at 60 min: pending again, due from that moment; a deadline missed stays missed
    h.apply((s, time) => decide(s, { decision: 'reportable', outcome: 'yes', reason: 'the bureau asked' }, T0 + 60 * MIN, 'r', time));
    expect(h.step('written-report')).toMatchObject({ status: 'pending', applicableAt: T0 + 60 * MIN, dueAt: T0 + 180 * MIN });
    expect(h.step('phone-report')).toMatchObject({ status: 'pending', dueAt: T0 + 90 * MIN, missed: true });
    h.apply((s, time) => recordStep(s, 'phone-report', 'done', {}, T0 + 70 * MIN, 'r', time));
    const late = h.state.steps.filter((s) => s.missed || (s.dueAt !== null && s.completedAt !== null && s.completedAt > s.dueAt)).map((s) => s.id);
    expect(late).toEqual(['phone-report']);
  });

  it('a decision made before its step applies: the step is done by it when it comes to apply', () => {
    const pb = playbook([{ ...REPORTABLE, when: { eventLevel: 2 } }, { id: 'phone-report', due: '30m', when: { reportable: 'yes' } }]);
    const h = new Harness(pb, inputs('mild'));
    expect(applied(h)).toEqual([]);
    h.apply((s, time) => decide(s, { decision: 'reportable', outcome: 'yes', reason: 'the regulator asked' }, T0 + 5 * MIN, 'r', time));
    expect(h.step('phone-report')).toMatchObject({ status: 'pending', dueAt: T0 + 35 * MIN });
    h.apply((s, time) => regrade(s, { change: { indicators: { eventLevel: 2 } } }, T0 + 20 * MIN, 'r', time));
    expect(h.step('reportability')).toMatchObject({ status: 'done', completedAt: T0 + 20 * MIN, outcome: 'yes', byDecision: true });
  });

  it('decide while the step is pending does the step; decide refuses unknown decisions, options and a missing reason', () => {
    const h = new Harness(playbook(LANE), inputs('mild'));
    expect(() => decide(h.state, { decision: 'nope', outcome: 'yes', reason: 'x' }, T0, 'r')).toThrow(InputError);
    expect(() => decide(h.state, { decision: 'reportable', outcome: 'perhaps', reason: 'x' }, T0, 'r')).toThrow(InputError);
    expect(refusal(() => decide(h.state, { decision: 'reportable', outcome: 'yes' }, T0, 'r'))).toMatch(/reason/);
    h.apply((s, time) => decide(s, { decision: 'reportable', outcome: 'unsure', reason: 'precaution' }, T0 + 5 * MIN, 'r', time));
    expect(h.step('reportability')).toMatchObject({ status: 'done', outcome: 'unsure', note: 'precaution' });
    expect(h.step('phone-report').status).toBe('pending');
  });

  it('the lane activates the team that owns it, whatever the tier (SPEC §4: teams follow their duties)', () => {
    const pb = playbook([
      { ...REPORTABLE, owner: 'opinion' },
      { id: 'phone-report', due: '30m', owner: 'leadership', when: { reportable: 'yes' } },
    ]);
    const h = new Harness(pb, inputs('mild'));
    expect(h.state.teams.map((t) => t.team)).toEqual(['opinion']);
    h.apply((s, time) => recordStep(s, 'reportability', 'done', { outcome: 'yes' }, T0 + 5 * MIN, 'r', time));
    expect(h.state.teams.at(-1)).toMatchObject({ team: 'leadership', tier: 'mild', step: 'phone-report' });
  });
});

describe('until (SPEC §4)', () => {
  const sweep = (until?: string) => playbook([
    { id: 'sweep', due: '30m', repeat: '1h', ...(until ? { until } : {}) },
    { id: 'stand-down' },
  ]);

  it.each([
    ['recovered (default)', undefined, 'recovered'],
    ['closed', 'closed', 'pending'],
    ['a step', 'stand-down', 'pending'],
  ])('until %s: what recovery does to the open occurrence', (_name, until, expected) => {
    const h = new Harness(sweep(until), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'sweep', 'done', {}, T0 + 20 * MIN, 'r', time));
    h.apply((s, time) => recover(s, undefined, T0 + 30 * MIN, 'r', time));
    const open = h.step('sweep#2');
    expect(open.status === 'withdrawn' ? open.withdrawnBy : open.status).toBe(expected);
  });

  it('until a step: recurs after recovery until that step is done, then never again', () => {
    const h = new Harness(sweep('stand-down'), inputs('mild'));
    h.apply((s, time) => recover(s, undefined, T0 + 10 * MIN, 'r', time));
    h.apply((s, time) => recordStep(s, 'sweep', 'done', {}, T0 + 20 * MIN, 'r', time));
    expect(h.step('sweep#2')).toMatchObject({ status: 'pending', dueAt: T0 + 80 * MIN });
    h.apply((s, time) => recordStep(s, 'stand-down', 'done', {}, T0 + 100 * MIN, 'r', time));
    // withdrawn after its due time: late (a deadline missed stays missed)
    expect(h.step('sweep#2')).toMatchObject({ status: 'withdrawn', withdrawnBy: 'until', missed: true });
    h.apply((s, time) => reopenStep(s, 'stand-down', 'pressed by mistake', T0 + 110 * MIN, 'r'));
    expect(h.state.steps.filter((s) => s.stepId === 'sweep' && s.status === 'pending')).toEqual([]);
  });

  it('until closed: its occurrences never hold the close back, and are withdrawn by it', () => {
    const h = new Harness(sweep('closed'), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'stand-down', 'done', {}, T0 + 5 * MIN, 'r', time));
    h.apply((s) => closeIncident(s, { summary: 'done' }, T0 + 10 * MIN, 'r'));
    expect(h.state.closedAt).toBe(T0 + 10 * MIN);
    expect(h.step('sweep')).toMatchObject({ status: 'withdrawn', withdrawnBy: 'closed', missed: false });
  });

  it('validate refuses an until on a step that does not repeat, or naming an unknown step', () => {
    const text = 'id: p\nversion: 1\nname: P\nsteps:\n  - {id: a, phase: response, title: A, owner: opinion, until: closed}\n  - {id: b, phase: response, title: B, owner: opinion, repeat: 1h, until: nowhere}\n';
    const parsed = parseYaml('/x/p.yaml', text, playbookSchema);
    if (!parsed.ok) throw new Error('fixture does not parse');
    const said = checkPlaybook(parsed.value, parsed.source, TEAMS).map((p) => `${p.line}: ${messages('en').say(p.message)}`);
    expect(said).toEqual([expect.stringMatching(/^5: .*only to a step that repeats/), expect.stringMatching(/^6: .*until: nowhere/)]);
  });
});

describe('withdrawn late, withdrawn in time (SPEC §4)', () => {
  it.each([
    ['before its due time', 20, false],
    ['after its due time', 40, true],
  ])('a step withdrawn by a regrade %s is late: %s', (_name, at, late) => {
    const h = new Harness(playbook([{ id: 'call', due: '30m', tiers: ['moderate'] }]), inputs('moderate'));
    h.apply((s, time) => regrade(s, { change: { indicators: inputs('mild').indicators } }, T0 + at * MIN, 'r', time));
    expect(h.step('call')).toMatchObject({ status: 'withdrawn', missed: late });
  });

  it('recovery recorded late: an occurrence due before the stated recovery is late, one due after is not', () => {
    const h = new Harness(playbook([{ id: 'progress', due: '1h', repeat: '1h' }, { id: 'summary', due: '2h', from: 'recovered' }]), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'progress', 'done', {}, T0 + 50 * MIN, 'r', time)); // #2 due 110 min
    // recorded at 3 h, service came back at 100 min: #2 was not yet due then
    h.apply((s, time) => recover(s, undefined, T0 + 3 * HOUR, 'r', time, T0 + 100 * MIN));
    expect(h.step('progress#2')).toMatchObject({ status: 'withdrawn', withdrawnAt: T0 + 3 * HOUR, missed: false });
    expect(h.state.recoveredAt).toBe(T0 + 100 * MIN);
    expect(h.step('summary').dueAt).toBe(T0 + 220 * MIN);
    const late = new Harness(playbook([{ id: 'progress', due: '1h', repeat: '1h' }]), inputs('mild'));
    late.apply((s, time) => recover(s, undefined, T0 + 3 * HOUR, 'r', time, T0 + 2 * HOUR));
    expect(late.step('progress')).toMatchObject({ status: 'withdrawn', missed: true });
  });

  it('recover --at is refused in the future and before the fault began', () => {
    const h = new Harness(playbook([{ id: 'a' }]), inputs('mild'), NO_HOLIDAYS, { startedAt: T0 - HOUR });
    expect(() => recover(h.state, undefined, T0, 'r', undefined, T0 + MIN)).toThrow(InputError);
    expect(() => recover(h.state, undefined, T0, 'r', undefined, T0 - 2 * HOUR)).toThrow(InputError);
    expect(recover(h.state, undefined, T0, 'r', undefined, T0 - 30 * MIN)[0]!.payload).toMatchObject({ recoveredAt: new Date(T0 - 30 * MIN).toISOString() });
  });
});

describe('reopen (SPEC §4)', () => {
  it('a done step is pending again with its original due time, so it may be late at once', () => {
    const h = new Harness(playbook([{ id: 'call', due: '30m' }]), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'call', 'done', {}, T0 + 10 * MIN, 'r', time));
    expect(() => reopenStep(h.state, 'call', '', T0, 'r')).toThrow(InputError);
    h.apply((s) => reopenStep(s, 'call', 'pressed Enter by mistake', T0 + 40 * MIN, 'r'));
    expect(h.step('call')).toMatchObject({ status: 'pending', dueAt: T0 + 30 * MIN, completedAt: null });
    expect(h.state.reopened).toEqual([{ at: T0 + 40 * MIN, actor: 'r', step: 'call', reason: 'pressed Enter by mistake' }]);
    h.apply((s, time) => recordStep(s, 'call', 'done', {}, T0 + 50 * MIN, 'r', time));
    expect(h.step('call').completedAt! > h.step('call').dueAt!).toBe(true);
  });

  it('a skipped repeating step: the latest occurrence reopens and the round it scheduled goes with it', () => {
    const h = new Harness(playbook([{ id: 'sweep', due: '30m', repeat: '1h' }]), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'sweep', 'skip', { reason: 'no access' }, T0 + 10 * MIN, 'r', time));
    expect(applied(h)).toEqual(['sweep', 'sweep#2']);
    h.apply((s) => reopenStep(s, 'sweep', 'access restored', T0 + 15 * MIN, 'r'));
    expect(applied(h)).toEqual(['sweep']);
    expect(h.step('sweep').status).toBe('pending');
    expect(() => reopenStep(h.state, 'sweep', 'again', T0 + 16 * MIN, 'r')).toThrow(WorkError);
  });

  it('a reopened decision step keeps its outcome until a new one is recorded', () => {
    const h = new Harness(playbook(LANE), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'reportability', 'done', { outcome: 'yes' }, T0 + 5 * MIN, 'r', time));
    h.apply((s) => reopenStep(s, 'reportability', 'wrong option', T0 + 6 * MIN, 'r'));
    expect(h.state.decisions).toEqual({ reportable: 'yes' });
    expect(h.step('phone-report').status).toBe('pending');
    h.apply((s, time) => recordStep(s, 'reportability', 'done', { outcome: 'no' }, T0 + 7 * MIN, 'r', time));
    expect(h.step('phone-report').status).toBe('withdrawn');
  });

  it('after the close, notes may be added; steps may not change', () => {
    const h = new Harness(playbook([{ id: 'a' }]), inputs('mild'));
    h.apply((s, time) => recordStep(s, 'a', 'done', {}, T0, 'r', time));
    h.apply((s) => closeIncident(s, {}, T0 + MIN, 'r'));
    expect(recordStep(h.state, 'a', 'note', { note: 'rectification done' }, T0 + 2 * MIN, 'r')).toHaveLength(1);
    expect(() => reopenStep(h.state, 'a', 'x', T0 + 2 * MIN, 'r')).toThrow(WorkError);
  });
});

describe('the fault\'s own times (SPEC §4.2)', () => {
  it('from: discovered counts from the discovery: a duty brought in late may be overdue at once', () => {
    const h = new Harness(playbook(LANE), inputs('mild'), NO_HOLIDAYS, { startedAt: T0 - 50 * MIN, discoveredAt: T0 - 40 * MIN });
    expect(h.step('reportability').dueAt).toBe(T0 - 10 * MIN);
    expect(h.state.startedAt).toBe(T0 - 50 * MIN);
  });

  it('a discovery alone moves the start back with it; a start alone leaves the discovery at the opening', () => {
    const a = new Harness(playbook([{ id: 'a' }]), inputs('mild'), NO_HOLIDAYS, { discoveredAt: T0 - 20 * MIN });
    expect([a.state.startedAt, a.state.discoveredAt]).toEqual([T0 - 20 * MIN, T0 - 20 * MIN]);
    const b = new Harness(playbook([{ id: 'a' }]), inputs('mild'), NO_HOLIDAYS, { startedAt: T0 - 20 * MIN });
    expect([b.state.startedAt, b.state.discoveredAt]).toEqual([T0 - 20 * MIN, T0]);
  });

  it.each([
    ['a start after the opening', { startedAt: T0 + MIN }],
    ['a discovery after the opening', { discoveredAt: T0 + MIN }],
    ['a discovery before the start', { startedAt: T0 - 10 * MIN, discoveredAt: T0 - 20 * MIN }],
  ])('refuses %s', (_name, extra) => {
    expect(() => new Harness(playbook([{ id: 'a' }]), inputs('mild'), NO_HOLIDAYS, extra)).toThrow(InputError);
  });
});

describe('calendar horizon (SPEC §4)', () => {
  const time = { calendar: { holidays: new Set<string>(), workdays: new Set<string>(), lastYear: 2026 }, timeZone: 'Asia/Shanghai' };
  it('a working-day due time past the holiday data is flagged; one inside it is not', () => {
    const pb = playbook([{ id: 'summary', due: '5wd' }, { id: 'call', due: '30m' }]);
    const dec = new Harness(pb, inputs('mild'), time, {});
    const late = Date.parse('2026-12-28T10:00:00+08:00');
    const events = dec.events.map((e) => ({ ...e, at: late }));
    const state = fold('INC-1', events, time);
    expect(beyondCalendar(state, state.steps.find((s) => s.id === 'summary')!)).toBe(true);
    expect(beyondCalendar(state, state.steps.find((s) => s.id === 'call')!)).toBe(false);
    expect(beyondCalendar(dec.state, dec.step('summary'))).toBe(false);
  });

  it('validate warns when a playbook\'s working days could reach past the data, and not before', () => {
    const text = 'id: p\nversion: 1\nname: P\nsteps:\n  - {id: a, phase: review, title: A, owner: opinion, due: 5wd}\n';
    const parsed = parseYaml('/x/p.yaml', text, playbookSchema);
    if (!parsed.ok) throw new Error('fixture does not parse');
    expect(checkCalendarHorizon(parsed.value, parsed.source, 2026, '2026-11-27')).toEqual([]);
    const [warning] = checkCalendarHorizon(parsed.value, parsed.source, 2026, '2026-12-20');
    expect(warning).toMatchObject({ line: 5, severity: 'warning' });
    expect(messages('en').say(warning!.message)).toContain('holiday data ends 2026-12-31: add 2027 to playbooks/calendar.yaml');
  });
});

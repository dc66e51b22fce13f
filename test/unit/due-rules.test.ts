import { describe, expect, it } from 'vitest';
import { closeIncident, recordStep, recover, regrade } from '../../src/engine/decide.js';
import { DEFAULT_APPROVALS } from '../../src/engine/approvals.js';
import { isLate } from '../../src/engine/rules.js';
import { loadCalendar } from '../../src/playbook/library.js';
import { parseInstant } from '../../src/time/zone.js';
import { CliError, InputError, WorkError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { Harness, HOUR, inputs, MIN, playbook, refusal, T0, TIER_INPUTS } from '../support/engine.js';
import { PLAYBOOKS } from '../helpers.js';

const tiered = { id: 'statement', due: { mild: '4h', moderate: '2h', severe: '1h', critical: '30m' } };
const toTier = (tier: string) => ({ change: { indicators: TIER_INPUTS[tier] } });

describe('due times (SPEC §4)', () => {
  it('a step that applies at open is due at open + due(tier)', () => {
    const h = new Harness(playbook([tiered]), inputs('moderate'));
    expect(h.step('statement').dueAt).toBe(T0 + 2 * HOUR);
  });

  it.each([
    // [opened at, escalated to, at (min after open), expected due (min after open)]
    ['moderate', 'severe', 30, 90], // min(120, 30 + 60): escalation shortens
    ['moderate', 'severe', 110, 120], // min(120, 110 + 60): the earlier due time stays
    ['moderate', 'critical', 10, 40], // min(120, 10 + 30)
    ['severe', 'moderate', 10, 60], // de-escalation: min(60, 10 + 120) never relaxes
    ['critical', 'mild', 5, 30], // de-escalation to mild keeps 30 min
  ])('opened %s, regraded to %s at +%i min → due at +%i min', (from, to, at, due) => {
    const h = new Harness(playbook([tiered]), inputs(from));
    h.apply((s, time) => regrade(s, toTier(to), T0 + at * MIN, 'tester', time));
    expect(h.state.tier).toBe(to);
    expect(h.step('statement').dueAt).toBe(T0 + due * MIN);
  });

  it('a step brought in late by a regrade is due from that moment', () => {
    const h = new Harness(playbook([{ id: 'briefing', tiers: ['severe', 'critical'], due: '1h' }]), inputs('moderate'));
    expect(h.state.steps).toHaveLength(0);
    h.apply((s, time) => regrade(s, toTier('severe'), T0 + 40 * MIN, 'tester', time));
    expect(h.step('briefing')).toMatchObject({ status: 'pending', applicableAt: T0 + 40 * MIN, dueAt: T0 + 100 * MIN });
  });

  it('a step that stops applying is withdrawn and never late; applying again, it is due from then', () => {
    const h = new Harness(playbook([{ id: 'briefing', tiers: ['severe'], due: '30m' }]), inputs('severe'));
    h.apply((s, time) => regrade(s, toTier('moderate'), T0 + 10 * MIN, 'tester', time));
    expect(h.step('briefing').status).toBe('withdrawn');
    expect(isLate(h.step('briefing'), T0 + 10 * HOUR)).toBe(false);
    expect(h.events.some((e) => e.type === 'step.withdrawn')).toBe(true);
    h.apply((s, time) => regrade(s, toTier('severe'), T0 + 2 * HOUR, 'tester', time));
    expect(h.step('briefing')).toMatchObject({ status: 'pending', dueAt: T0 + 2 * HOUR + 30 * MIN });
  });

  it('a direction change brings in and withdraws steps', () => {
    const pb = playbook([
      { id: 'apology', directions: ['B', 'C'], due: '1h' },
      { id: 'clarify', directions: ['A'], due: '1h' },
    ]);
    const h = new Harness(pb, inputs('moderate', 'none'));
    expect(h.state.steps.map((s) => s.id)).toEqual(['clarify']);
    h.apply((s, time) => regrade(s, { change: { impact: 'material' } }, T0 + 20 * MIN, 'tester', time));
    expect(h.state.direction).toBe('C');
    expect(h.step('clarify').status).toBe('withdrawn');
    expect(h.step('apology').dueAt).toBe(T0 + 80 * MIN);
  });

  it('repeat: the next occurrence is due D after each completion, and the chain stops at recovery', () => {
    const h = new Harness(playbook([{ id: 'update', due: '30m', repeat: '1h' }]), inputs('moderate'));
    h.apply((s) => recordStep(s, 'update', 'done', {}, T0 + 20 * MIN, 'tester'));
    expect(h.step('update#2').dueAt).toBe(T0 + 80 * MIN);
    h.apply((s) => recordStep(s, 'update', 'done', {}, T0 + 90 * MIN, 'tester'));
    expect(h.step('update#2')).toMatchObject({ status: 'done', completedAt: T0 + 90 * MIN });
    expect(isLate(h.step('update#2'), T0 + 3 * HOUR)).toBe(true);
    expect(h.step('update#3').dueAt).toBe(T0 + 150 * MIN);
    h.apply((s, time) => recover(s, undefined, T0 + 2 * HOUR, 'tester', time));
    expect(h.step('update#3').status).toBe('withdrawn');
    expect(h.state.steps.map((s) => s.id)).toEqual(['update', 'update#2', 'update#3']);
  });

  it('from: recovered has no due time until recovery, then recovery + due', () => {
    const h = new Harness(playbook([{ id: 'apology', from: 'recovered', due: '4h' }]), inputs('moderate'));
    expect(h.step('apology').dueAt).toBeNull();
    expect(isLate(h.step('apology'), T0 + 100 * HOUR)).toBe(false);
    h.apply((s, time) => recover(s, undefined, T0 + 3 * HOUR, 'tester', time));
    expect(h.step('apology').dueAt).toBe(T0 + 7 * HOUR);
  });

  it('wd counts working days on the Chinese calendar, across a holiday and a make-up workday', () => {
    const time = { calendar: loadCalendar(PLAYBOOKS), timeZone: 'Asia/Shanghai' };
    const h = new Harness(playbook([{ id: 'summary', from: 'recovered', due: '3wd' }]), inputs('moderate'), time);
    // recovered Wed 2026-09-30 10:00: Oct 1–7 are National Day holidays, Oct 8 and 9 are working
    // days, and Saturday Oct 10 is a make-up workday (调休)
    h.apply((s, tc) => recover(s, undefined, parseInstant('2026-09-30T10:00:00+08:00')!, 'tester', tc));
    expect(h.step('summary').dueAt).toBe(parseInstant('2026-10-10T10:00:00+08:00'));
  });

  it.each([
    ['done before due', 'done', 59, false],
    ['done exactly at due', 'done', 60, false],
    ['done after due', 'done', 61, true],
  ] as const)('late: %s', (_name, _outcome, at, late) => {
    const h = new Harness(playbook([{ id: 'call', due: '1h' }]), inputs('moderate'));
    h.apply((s) => recordStep(s, 'call', 'done', {}, T0 + at * MIN, 'tester'));
    expect(isLate(h.step('call'), T0 + 10 * HOUR)).toBe(late);
  });

  it('late: an open step is late once the time asked is past its due time', () => {
    const h = new Harness(playbook([{ id: 'call', due: '1h' }]), inputs('moderate'));
    expect(isLate(h.step('call'), T0 + HOUR)).toBe(false);
    expect(isLate(h.step('call'), T0 + HOUR + 1)).toBe(true);
  });
});

describe('step outcomes and closing', () => {
  const pb = playbook([
    { id: 'report', due: '30m', requires: ['note'] },
    { id: 'call', due: '1h' },
  ]);

  it('a step that requires a note cannot be completed without one', () => {
    const h = new Harness(pb, inputs('moderate'));
    expect(() => recordStep(h.state, 'report', 'done', {}, T0, 'tester')).toThrow(InputError);
    h.apply((s) => recordStep(s, 'report', 'done', { note: 'phoned the CSRC bureau 09:50' }, T0 + 20 * MIN, 'tester'));
    expect(h.step('report')).toMatchObject({ status: 'done', note: 'phoned the CSRC bureau 09:50' });
  });

  it('a skip needs a reason; a done step cannot be done again; an unknown step is bad input', () => {
    const h = new Harness(pb, inputs('moderate'));
    expect(() => recordStep(h.state, 'call', 'skip', {}, T0, 'tester')).toThrow(InputError);
    h.apply((s) => recordStep(s, 'call', 'skip', { reason: 'client list unavailable' }, T0, 'tester'));
    expect(() => recordStep(h.state, 'call', 'done', {}, T0, 'tester')).toThrow(WorkError);
    expect(() => recordStep(h.state, 'nope', 'done', {}, T0, 'tester')).toThrow(InputError);
  });

  it('close is refused while a step is pending, unless forced with a reason that is recorded', () => {
    // without four eyes on a forced close (approvals.test.ts has it with them)
    const h = new Harness(pb, inputs('moderate'), undefined, { approvals: { ...DEFAULT_APPROVALS, forcedClose: false } });
    let refused: unknown;
    try {
      closeIncident(h.state, {}, T0 + HOUR, 'tester');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(WorkError);
    expect(messages('en').say((refused as CliError).said)).toContain('report');
    expect(() => closeIncident(h.state, { force: true }, T0 + HOUR, 'tester')).toThrow(InputError);
    h.apply((s) => closeIncident(s, { force: true, reason: 'drill cut short' }, T0 + HOUR, 'tester'));
    expect(h.state.closed).toMatchObject({ forced: true, reason: 'drill cut short', pending: ['report', 'call'] });
    expect(() => recordStep(h.state, 'call', 'done', {}, T0 + 2 * HOUR, 'tester')).toThrow(WorkError);
  });

  it('a regrade with neither a new signal nor an override is refused, for every front end', () => {
    const h = new Harness(pb, inputs('moderate'));
    expect(refusal(() => regrade(h.state, { change: {}, reason: 'just because' }, T0, 'tester', h.time))).toMatch(/nothing to regrade/);
    expect(() => regrade(h.state, { change: { indicators: {}, metrics: {} } }, T0, 'tester', h.time)).toThrow(InputError);
    expect(regrade(h.state, { change: { impact: 'none' } }, T0, 'tester', h.time)[0]).toMatchObject({ type: 'incident.graded' });
  });

  it('a tier override needs a reason and holds until the next regrade', () => {
    const h = new Harness(pb, inputs('moderate'));
    expect(() => regrade(h.state, { change: {}, override: { tier: 'severe' } }, T0, 'tester', h.time)).toThrow(InputError);
    h.apply((s, time) => regrade(s, { change: {}, override: { tier: 'critical', reason: 'CEO decision' } }, T0 + 5 * MIN, 'tester', time));
    expect(h.state.tier).toBe('critical');
    expect(h.state.gradings.at(-1)).toMatchObject({ override: true, reason: 'CEO decision' });
    h.apply((s, time) => regrade(s, { change: { metrics: { reposts: 500 } } }, T0 + 30 * MIN, 'tester', time));
    expect(h.state.tier).toBe('moderate');
    expect(h.state.maxTier).toBe('critical');
    expect(h.state.tierHistory.map((x) => x.tier)).toEqual(['moderate', 'critical', 'moderate']);
  });

  it('escalation activates the teams of the new tier, once', () => {
    const h = new Harness(pb, inputs('moderate'));
    expect(h.state.teams.map((x) => x.team)).toEqual(['opinion']);
    h.apply((s, time) => regrade(s, toTier('severe'), T0 + 5 * MIN, 'tester', time));
    h.apply((s, time) => regrade(s, toTier('critical'), T0 + 6 * MIN, 'tester', time));
    expect(h.state.teams.map((x) => x.team)).toEqual(['opinion', 'leadership']);
  });
});

describe('repeating steps after recovery', () => {
  const pb = playbook([{ id: 'update', tiers: ['severe', 'critical'], due: '30m', repeat: '1h' }]);

  it('an occurrence that applies again after a withdrawal is due from then + due(tier), like any step brought in', () => {
    const h = new Harness(pb, inputs('critical'));
    h.apply((s) => recordStep(s, 'update', 'done', {}, T0 + 10 * MIN, 'tester'));
    expect(h.step('update#2').dueAt).toBe(T0 + 70 * MIN); // completion + repeat
    h.apply((s, time) => regrade(s, toTier('moderate'), T0 + 20 * MIN, 'tester', time));
    expect(h.step('update#2').status).toBe('withdrawn');
    h.apply((s, time) => regrade(s, toTier('severe'), T0 + 50 * MIN, 'tester', time));
    expect(h.step('update#2')).toMatchObject({ status: 'pending', applicableAt: T0 + 50 * MIN, dueAt: T0 + 80 * MIN });
  });

  it('... and from then + repeat when the step has no due time for the tier', () => {
    const h = new Harness(playbook([{ id: 'update', tiers: ['severe', 'critical'], due: { critical: '15m' }, repeat: '1h' }]), inputs('critical'));
    h.apply((s) => recordStep(s, 'update', 'done', {}, T0 + 10 * MIN, 'tester'));
    h.apply((s, time) => regrade(s, toTier('moderate'), T0 + 20 * MIN, 'tester', time));
    h.apply((s, time) => regrade(s, toTier('severe'), T0 + 50 * MIN, 'tester', time));
    expect(h.step('update#2')).toMatchObject({ status: 'pending', dueAt: T0 + 110 * MIN });
  });

  it('a repeating step that first applies after recovery gets no occurrence to do', () => {
    const h = new Harness(pb, inputs('moderate'));
    h.apply((s, time) => recover(s, undefined, T0 + HOUR, 'tester', time));
    h.apply((s, time) => regrade(s, toTier('severe'), T0 + 2 * HOUR, 'tester', time));
    expect(h.step('update')).toMatchObject({ status: 'withdrawn', withdrawnBy: 'recovered', dueAt: null });
    expect(isLate(h.step('update'), T0 + 10 * HOUR)).toBe(false);
  });

  it('one withdrawn by a de-escalation is not reopened by an escalation after recovery', () => {
    const h = new Harness(pb, inputs('severe'));
    h.apply((s, time) => regrade(s, toTier('moderate'), T0 + 10 * MIN, 'tester', time));
    h.apply((s, time) => recover(s, undefined, T0 + HOUR, 'tester', time));
    h.apply((s, time) => regrade(s, toTier('critical'), T0 + 2 * HOUR, 'tester', time));
    expect(h.state.steps.map((s) => [s.id, s.status])).toEqual([['update', 'withdrawn']]);
  });
});

describe('from: recovered brought in after recovery', () => {
  it('is due at recovery + due, not from the regrade', () => {
    const h = new Harness(playbook([{ id: 'summary', tiers: ['moderate', 'severe', 'critical'], from: 'recovered', due: '4h' }]), inputs('mild'));
    expect(h.state.steps).toHaveLength(0);
    h.apply((s, time) => recover(s, undefined, T0 + HOUR, 'tester', time));
    h.apply((s, time) => regrade(s, toTier('moderate'), T0 + 3 * HOUR, 'tester', time));
    expect(h.step('summary')).toMatchObject({ applicableAt: T0 + 3 * HOUR, dueAt: T0 + 5 * HOUR });
  });
});

import { describe, expect, it } from 'vitest';
import { responderTime, nextResponderAction } from '../../src/drill/responder.js';
import { judge, onTimeShare } from '../../src/drill/verdict.js';
import { messages } from '../../src/i18n/messages.js';
import { checkScenario, entryAction, scenarioSchema } from '../../src/drill/scenario.js';
import { parseYaml } from '../../src/playbook/yaml.js';
import { recordStep, recover } from '../../src/engine/decide.js';
import type { StepInstance } from '../../src/engine/fold.js';
import { formatOffset, parseOffset } from '../../src/time/offset.js';
import { GRADING, Harness, HOUR, inputs, MIN, playbook, T0 } from '../support/engine.js';

const pending = (over: Partial<StepInstance>): StepInstance => ({
  id: 's',
  stepId: 's',
  occurrence: 1,
  phase: 'response',
  owner: 'opinion',
  status: 'pending',
  applicableAt: T0,
  dueAt: T0 + HOUR,
  completedAt: null,
  missed: false,
  withdrawnAt: null,
  withdrawnBy: null,
  notes: [],
  ...over,
});

describe('drill clock: offsets', () => {
  it.each([
    ['20m', 20 * MIN],
    ['2h', 2 * HOUR],
    ['1h30m', 90 * MIN],
    ['90s', 90_000],
    ['1d', 24 * HOUR],
    ['0', 0],
  ])('%s', (text, ms) => expect(parseOffset(text)).toBe(ms));
  it.each(['', '20', 'm', '2x', '-5m', '1.5h', 30])('rejects %j', (text) => expect(parseOffset(text)).toBeUndefined());
  it('takes a bare 0', () => expect(parseOffset(0)).toBe(0));
  it('formats back', () => expect(formatOffset(90 * MIN)).toBe('1h30m'));
});

describe('responder policy (SPEC §7)', () => {
  it('on-time acts one minute before due', () => expect(responderTime(pending({}), false, 'on-time', T0)).toBe(T0 + HOUR - MIN));
  it('on-time never acts before the step applies', () =>
    expect(responderTime(pending({ applicableAt: T0 + 59 * MIN + 30_000 }), false, 'on-time', T0)).toBe(T0 + 59 * MIN + 30_000));
  it('late acts ten minutes after due', () => expect(responderTime(pending({}), false, 'late', T0)).toBe(T0 + 70 * MIN));
  it('idle never acts', () => expect(responderTime(pending({}), false, 'idle', T0)).toBeUndefined());
  it('a step without a due time is done the moment it applies', () => {
    expect(responderTime(pending({ dueAt: null, applicableAt: T0 + 5 * MIN }), false, 'on-time', T0)).toBe(T0 + 5 * MIN);
    expect(responderTime(pending({ dueAt: null, applicableAt: T0 + 5 * MIN }), false, 'late', T0)).toBe(T0 + 5 * MIN);
  });
  it('a from: recovered step waits for recovery', () => expect(responderTime(pending({ dueAt: null }), true, 'on-time', T0)).toBeUndefined());
  it('never acts before the drill\'s clock: a due time or a recovery just set is acted on from that moment', () => {
    const now = T0 + 2 * HOUR;
    expect(responderTime(pending({ dueAt: null, applicableAt: T0 }), false, 'on-time', now)).toBe(now); // from: recovered, no due, recovery at now
    expect(responderTime(pending({ dueAt: now, applicableAt: T0 }), false, 'on-time', now)).toBe(now); // due: 0m set by a regrade at now
    expect(responderTime(pending({ dueAt: now + 5 * MIN }), false, 'late', now)).toBe(now + 15 * MIN);
  });
  it('a step that is not pending is left alone', () => expect(responderTime(pending({ status: 'done' }), false, 'on-time', T0)).toBeUndefined());

  it('picks the earliest action, ties in playbook order, skipping steps the timeline mentions', () => {
    const h = new Harness(
      playbook([
        { id: 'b', due: '30m' },
        { id: 'a', due: '30m' },
        { id: 'c', due: '10m' },
      ]),
      inputs('moderate'),
    );
    expect(nextResponderAction(h.state, 'on-time', new Set(), T0)).toMatchObject({ at: T0 + 9 * MIN, step: { id: 'c' } });
    expect(nextResponderAction(h.state, 'on-time', new Set(['c']), T0)).toMatchObject({ at: T0 + 29 * MIN, step: { id: 'b' } });
  });
});

describe('timeline entries', () => {
  it.each([
    [{ at: '5m', metrics: { reposts: 1 }, impact: 'partial' }, 'regrade'],
    [{ at: '5m', complete: 'x', note: 'n' }, 'complete'],
    [{ at: '5m', recover: true, note: 'n' }, 'recover'],
    [{ at: '5m', note: 'n' }, 'note'],
    [{ at: '5m', close: true }, 'close'],
  ] as const)('%j is one %s', (entry, kind) => expect(entryAction(entry as never)?.kind).toBe(kind));
  it('an entry that does two things is not an action', () =>
    expect(entryAction({ at: '5m', complete: 'x', recover: true } as never)).toBeUndefined());
});

describe('verdict', () => {
  const pb = playbook([
    { id: 'fast', due: '10m' },
    { id: 'slow', due: '1h' },
    { id: 'later', from: 'recovered', due: '1d' },
  ]);

  it('late is an exact set and onTime counts what could be judged', () => {
    const h = new Harness(pb, inputs('moderate'));
    h.apply((s) => recordStep(s, 'fast', 'done', {}, T0 + 20 * MIN, 'drill'));
    h.apply((s, time) => recover(s, undefined, T0 + 30 * MIN, 'drill', time));
    const end = T0 + 2 * HOUR;
    // fast done late, slow open past due, later not yet due (not judged)
    expect(onTimeShare(h.state, end)).toEqual({ share: 0, done: 0, total: 2 });
    const verdict = judge(messages('en'), { late: ['slow', 'fast'], tier: 'moderate', onTime: 0 }, h.state, end);
    expect(verdict.map((x) => [x.name, x.passed])).toEqual([
      ['tier', true],
      ['late', true],
      ['onTime', true],
    ]);
    expect(judge(messages('en'), { late: ['fast'] }, h.state, end)[0]).toMatchObject({ name: 'late', passed: false });
    expect(judge(messages('en'), { excludes: ['later'], includes: ['slow'] }, h.state, end).map((x) => x.passed)).toEqual([true, false]);
  });

  it('an occurrence <id>#N can be expected; it must be of a step that repeats (else bad input)', () => {
    const book = playbook([{ id: 'update', due: '30m', repeat: '1h' }, { id: 'once', due: '1h' }]);
    const h = new Harness(book, inputs('moderate'));
    h.apply((s) => recordStep(s, 'update', 'done', {}, T0 + 10 * MIN, 'drill'));
    const end = T0 + 3 * HOUR;
    expect(judge(messages('en'), { includes: ['update#2', 'update#1'], excludes: ['update#3'] }, h.state, end).map((x) => x.passed)).toEqual([true, true]);
    expect(judge(messages('en'), { includes: ['update#3'] }, h.state, end)[0]).toMatchObject({ passed: false });
    expect(judge(messages('en'), { late: ['update#2', 'once'] }, h.state, end)[0]).toMatchObject({ passed: true });

    const text = 'drill: x\ntype: test\nstart: 2026-03-16T09:30:00+08:00\nexpect:\n  late: [once#2, update#0, update#9, nope]\n';
    const parsed = parseYaml('s.yaml', text, scenarioSchema);
    if (!parsed.ok) throw new Error('the fixture should parse');
    const problems = checkScenario(parsed.value, parsed.source, book, GRADING);
    expect(problems.map((p) => [p.line, p.col, messages('en').say(p.message)])).toEqual([
      [5, 10, 'step "once" does not repeat, so there is no occurrence once#2'],
      [5, 18, 'step "update#0" is not in playbook test'],
      [5, 38, 'step "nope" is not in playbook test'],
    ]);
  });
});

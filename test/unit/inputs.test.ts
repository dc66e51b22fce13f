// Turning --indicator / --metric / --impact flags into grading inputs: bad input is an InputError (exit 2).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { inputsFromFlags, parseImpact, parseIndicatorArgs, parseMetricArgs, parseTier } from '../../src/grading/inputs.js';
import { loadGrading } from '../../src/playbook/library.js';
import { PLAYBOOKS } from '../helpers.js';

const config = loadGrading(PLAYBOOKS);

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('--indicator key=level', () => {
  it.each([
    ['eventLevel=1', { eventLevel: 1 }],
    ['impactScope=4', { impactScope: 4 }],
    [' propagation = 3 ', { propagation: 3 }],
  ])('%s → %j', (raw, expected) => {
    expect(parseIndicatorArgs([raw])).toEqual(expected);
  });

  it('the last value given for an indicator wins', () => {
    expect(parseIndicatorArgs(['eventLevel=2', 'eventLevel=3'])).toEqual({ eventLevel: 3 });
  });

  it('an unknown indicator is refused, naming the known ones', () => {
    const e = inputError(() => parseIndicatorArgs(['foo=1']));
    expect(messages('en').say(e.said)).toBe('unknown indicator "foo" (known: eventLevel, impactScope, propagation, durationTrend)');
  });

  it.each(['0', '5', '2.5', 'abc', '-1', '1e0'])('level %s is refused: a whole number from 1 to 4', (level) => {
    const e = inputError(() => parseIndicatorArgs([`eventLevel=${level}`]));
    expect(messages('en').say(e.said)).toBe(`indicator "eventLevel": level must be a whole number from 1 to 4, got "${level}"`);
  });

  it.each(['eventLevel', 'eventLevel=', '=3'])('"%s" is not key=value', (raw) => {
    const e = inputError(() => parseIndicatorArgs([raw]));
    expect(messages('en').say(e.said)).toBe(`--indicator expects key=value, got "${raw}"`);
  });
});

describe('--metric key=value', () => {
  it.each([
    ['reposts=15000', { reposts: 15000 }],
    ['reposts=15,000', { reposts: 15000 }],
    ['views=1_000_000', { views: 1_000_000 }],
    ['hours=1.5', { hours: 1.5 }],
    ['affectedClients=0', { affectedClients: 0 }],
    ['trend=rising', { trend: 'rising' }],
    ['reposts=1.5万', { reposts: 15000 }],
    ['affectedClients=5万', { affectedClients: 50000 }],
    ['views=2亿', { views: 200_000_000 }],
    ['reposts=1，500', { reposts: 1500 }],
  ])('%s → %j', (raw, expected) => {
    expect(parseMetricArgs([raw], config)).toEqual(expected);
  });

  it.each(['abc', '-5', 'Infinity', '12abc', '万', '5千'])('a non-numeric or negative value (%s) is refused', (value) => {
    const e = inputError(() => parseMetricArgs([`reposts=${value}`], config));
    expect(messages('en').say(e.said)).toBe(`metric "reposts" must be a non-negative number, got "${value}"`);
  });

  it('an unknown metric is refused, naming the known ones', () => {
    const e = inputError(() => parseMetricArgs(['likes=10'], config));
    expect(messages('en').say(e.said)).toBe('unknown metric "likes" (known: affectedClients, reposts, views, hours, trend)');
  });

  it('a trend outside its values is refused, naming them', () => {
    const e = inputError(() => parseMetricArgs(['trend=up'], config));
    expect(messages('en').say(e.said)).toBe('metric "trend" must be one of falling / stable / rising / secondary, got "up"');
  });
});

describe('--impact and --tier', () => {
  it.each(['none', 'partial', 'material'])('--impact %s is accepted', (impact) => {
    expect(parseImpact(impact)).toBe(impact);
  });

  it.each(['big', 'B', ''])('--impact "%s" is refused', (impact) => {
    const e = inputError(() => parseImpact(impact));
    expect(messages('en').say(e.said)).toBe(`--impact must be none, partial or material, got "${impact}"`);
  });

  it('an unknown tier is refused', () => {
    expect(parseTier('severe')).toBe('severe');
    expect(messages('en').say(inputError(() => parseTier('high')).said)).toBe('unknown tier "high" (known: mild, moderate, severe, critical)');
  });

  it('inputsFromFlags checks every flag it is given', () => {
    expect(inputsFromFlags({ indicator: ['eventLevel=2'], metric: ['reposts=15000'], impact: 'partial' }, config)).toEqual({
      indicators: { eventLevel: 2 },
      metrics: { reposts: 15000 },
      impact: 'partial',
    });
    inputError(() => inputsFromFlags({ metric: ['reposts=abc'] }, config));
  });
});

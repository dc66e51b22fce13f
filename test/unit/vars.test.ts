// Facts learnt after the opening (SPEC §4 vars): recorded as events, used by statements from then on.
import { describe, expect, it } from 'vitest';
import { updateVars } from '../../src/engine/decide.js';
import { messages } from '../../src/i18n/messages.js';
import { renderStatement } from '../../src/report/statement.js';
import { InputError } from '../../src/errors.js';
import { Harness, inputs, MIN, playbook, refusal, T0 } from '../support/engine.js';

const pb = playbook(
  [{ id: 'apology', phase: 'reputation', template: 'apology' }],
  [
    { id: 'systems', prompt: 'Systems', required: true },
    { id: 'cause', prompt: 'Cause', required: false },
  ],
);
const TEMPLATE = 'Affected: {{systems}}.{{#cause}} Cause: {{cause}}.{{/cause}}{{^cause}} The cause is being investigated.{{/cause}}';

describe('updating the facts', () => {
  it('statements rendered after an update use it; those before keep what was known', () => {
    const h = new Harness(pb, inputs('moderate'), undefined, { vars: { systems: 'the app' } });
    expect(renderStatement(h.state, TEMPLATE, messages('en'))).toBe('Affected: the app. The cause is being investigated.');
    h.apply((s) => updateVars(s, { cause: 'a faulty configuration change' }, T0 + 30 * MIN, 'oncall'));
    expect(h.state.vars).toEqual({ systems: 'the app', cause: 'a faulty configuration change' });
    expect(h.events.at(-1)).toMatchObject({ type: 'vars.updated', actor: 'oncall', payload: { vars: { cause: 'a faulty configuration change' } } });
    expect(renderStatement(h.state, TEMPLATE, messages('en'))).toBe('Affected: the app. Cause: a faulty configuration change.');
    // an optional fact can be cleared again
    h.apply((s) => updateVars(s, { cause: '' }, T0 + 40 * MIN, 'oncall'));
    expect(renderStatement(h.state, TEMPLATE, messages('en'))).toBe('Affected: the app. The cause is being investigated.');
  });

  it('records only what changed; refuses unknown names, a required fact emptied, and an update that changes nothing', () => {
    const h = new Harness(pb, inputs('moderate'), undefined, { vars: { systems: 'the app' } });
    expect(updateVars(h.state, { systems: 'the app', cause: 'x' }, T0, 'r')[0]!.payload).toEqual({ vars: { cause: 'x' } });
    expect(() => updateVars(h.state, { nope: '1' }, T0, 'r')).toThrow(InputError);
    expect(refusal(() => updateVars(h.state, { systems: ' ' }, T0, 'r'))).toMatch(/requires: systems/);
    expect(refusal(() => updateVars(h.state, { systems: 'the app' }, T0, 'r'))).toMatch(/nothing changed/);
  });
});

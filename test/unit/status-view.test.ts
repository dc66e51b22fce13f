// The human status: phase headings in phase order, and a layout that fits the terminal it is given.
import { describe, expect, it } from 'vitest';
import { recover } from '../../src/engine/decide.js';
import { PHASES } from '../../src/playbook/vocabulary.js';
import { messages } from '../../src/i18n/messages.js';
import { terminalSafe } from '../../src/ui/format.js';
import { PAINT } from '../../src/ui/style.js';
import { renderStatus } from '../../src/ui/status-view.js';
import { displayWidth } from '../../src/ui/table.js';
import { Harness, HOUR, inputs, MIN, playbook, T0 } from '../support/engine.js';

const long = 'Decide whether the event must be reported and report it by telephone to the regulator';
const pb = playbook([
  // listed out of phase order on purpose: the view groups by phase, in the vocabulary's order
  { id: 'summary-report', phase: 'review', title: { zh: '报送事件总结报告', en: 'Submit the summary report' }, due: '1d', from: 'recovered' },
  { id: 'reportability', phase: 'response', title: { zh: '判定是否报告并电话报告监管', en: long }, due: '30m' },
  { id: 'confirm-grading', phase: 'grading', title: { zh: '确认舆情分级与处置方向', en: 'Confirm the tier' }, due: '15m' },
  { id: 'holding-statement', phase: 'media', title: { zh: '发布首次情况说明', en: 'Publish the holding statement' }, due: '2d' },
]);

function state() {
  return new Harness(pb, inputs('moderate')).state;
}

const m = messages('en');

describe('renderStatus', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`${lang}: groups steps under their phases, in phase order`, () => {
      const m = messages(lang);
      const out = renderStatus(m, state(), T0 + 5 * MIN, false);
      const order = ['confirm-grading', 'reportability', 'holding-statement', 'summary-report'].map((id) => out.indexOf(`  ${id} `));
      expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
      const used = PHASES.filter((p) => pb.steps.some((x) => x.phase === p)).map((p) => m.t(`phase.${p}`));
      expect(out.split('\n').filter((l) => used.includes(l))).toEqual(used);
    });

    it.each([80, 60])(`${lang}: at %i columns no line is wider than the terminal, and nothing is cut`, (columns) => {
      const m = messages(lang);
      const title = 'APP login failures after the weekend change across all branches in Shanghai and Shenzhen 交易系统登录失败';
      const s = new Harness(pb, inputs('moderate'), undefined, { title }).state;
      const wide = renderStatus(m, s, T0 + 5 * MIN, false);
      const narrow = renderStatus(m, s, T0 + 5 * MIN, false, columns);
      expect(Math.max(...wide.split('\n').map(displayWidth))).toBeGreaterThan(columns); // the test means something
      expect(narrow.split('\n').filter((l) => displayWidth(l) > columns)).toEqual([]);
      expect(narrow.replace(/\s+/g, ' ')).toContain('Shanghai and Shenzhen');
      for (const step of s.steps) expect(narrow).toMatch(new RegExp(`^  ${step.id}( |$)`, 'm'));
      const words = (lang === 'en' ? long : '判定是否报告并电话报告监管').split(' ');
      expect(narrow.replace(/\s+/g, ' ')).toContain(words.join(' ')); // whole, though wrapped
    });
  }

  it('a table when it fits, with the due date only when it is not today', () => {
    const out = renderStatus(m, state(), T0 + 5 * MIN, false, 200);
    expect(out).toMatch(/^Step +Title +Owner +Status +Due$/m);
    expect(out).toMatch(/^ {2}confirm-grading +Confirm the tier +Opinion +pending +due in 10 min \(09:45\)$/m);
    expect(out).toMatch(/^ {2}holding-statement .* due in 1 d 23 h \(2026-03-18 09:30\)$/m);
  });

  it('an overdue step keeps its due time on screen; under a minute is not "0 min"', () => {
    const s = state();
    const out = renderStatus(m, s, T0 + 15 * MIN + 20_000, false, 200); // confirm-grading was due at 09:45
    expect(out).toMatch(/confirm-grading .* overdue under 1 min \(09:45\)$/m);
    expect(renderStatus(m, s, T0 + 20 * MIN, false, 200)).toMatch(/confirm-grading .* overdue 5 min \(09:45\)$/m);
  });

  it('shows recovery and the steps that count from it', () => {
    const h = new Harness(pb, inputs('moderate'));
    h.apply((st, time) => recover(st, undefined, T0 + HOUR, 'tester', time));
    const out = renderStatus(m, h.state, T0 + HOUR, false);
    expect(out).toContain('recovered 2026-03-16 10:30');
    expect(out).toMatch(/summary-report .* due in 1 d 0 h \(2026-03-17 10:30\)/);
  });
});

describe('terminalSafe', () => {
  it('shows the escapes people typed instead of obeying them; keeps our colour codes only when colour is on', () => {
    const typed = 't\x1b[31mRED\x1b]0;pwned\x07\rX\x9b2J\x7f';
    expect(terminalSafe(typed, false)).toBe('t␛[31mRED␛]0;pwned␇␍X\ufffd2J\ufffd');
    // a colour code typed is not ours: escaped even on a colour terminal; ours (marked by the painter) are written
    expect(terminalSafe(typed, true)).toBe('t␛[31mRED␛]0;pwned␇␍X\ufffd2J\ufffd');
    expect(terminalSafe(`${PAINT}[31mRED${PAINT}[39m ${typed}`, true)).toBe('\x1b[31mRED\x1b[39m t␛[31mRED␛]0;pwned␇␍X\ufffd2J\ufffd');
    expect(terminalSafe(`${PAINT}[31mRED${PAINT}[39m`, false)).toBe('RED');
    expect(terminalSafe('line one\n\tindented 中文', false)).toBe('line one\n\tindented 中文');
    expect(terminalSafe('abc\u202edef', false)).toBe('abc\ufffddef'); // a right-to-left override would reorder the line
  });
});

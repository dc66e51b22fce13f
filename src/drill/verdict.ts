// Whether a drill's expectations held (SPEC §7). Pure: the state and the moment it ends.
import type { IncidentState } from '../engine/fold.js';
import { isLate } from '../engine/rules.js';
import type { Messages } from '../i18n/messages.js';
import type { Scenario } from './scenario.js';

export interface Expectation {
  name: string;
  passed: boolean;
  detail: string;
}

const list = (ids: readonly string[]) => ids.join(', ') || '—';

/**
 * Share of the steps that applied that were done by their due time. Counted: steps done or
 * skipped, steps still open past their due time, and steps withdrawn after it (a deadline missed
 * stays missed). Not counted: steps withdrawn before their due time, and open steps whose due
 * time has not come (they cannot be judged yet). docs/decisions.md.
 */
export function onTimeShare(state: IncidentState, asOf: number): { share: number; done: number; total: number } {
  const counted = state.steps.filter(
    (s) => s.status === 'done' || s.status === 'skipped' || isLate(s, asOf),
  );
  const done = counted.filter((s) => s.status === 'done' && !isLate(s, asOf)).length;
  return { share: counted.length ? done / counted.length : 1, done, total: counted.length };
}

export function judge(m: Messages, expect: Scenario['expect'], state: IncidentState, asOf: number): Expectation[] {
  const { t } = m;
  const out: Expectation[] = [];
  if (expect.tier) {
    out.push({ name: 'tier', passed: state.tier === expect.tier, detail: t('drill.exp.tier', { expected: expect.tier, actual: state.tier }) });
  }
  if (expect.maxTier) {
    out.push({ name: 'maxTier', passed: state.maxTier === expect.maxTier, detail: t('drill.exp.maxTier', { expected: expect.maxTier, actual: state.maxTier }) });
  }
  if (expect.direction) {
    out.push({ name: 'direction', passed: state.direction === expect.direction, detail: t('drill.exp.direction', { expected: expect.direction, actual: state.direction }) });
  }
  // a step id, or one occurrence of a repeating step (<id>#N; <id>#1 is the step itself)
  const occurrence = (id: string) => id.replace(/#1$/, '');
  const applied = new Set(state.steps.flatMap((s) => [s.stepId, s.id]));
  if (expect.includes) {
    const missing = expect.includes.filter((id) => !applied.has(occurrence(id)));
    out.push({
      name: 'includes',
      passed: missing.length === 0,
      detail: missing.length ? t('drill.exp.includes', { missing: list(missing) }) : t('drill.exp.includesOk', { steps: list(expect.includes) }),
    });
  }
  if (expect.excludes) {
    const found = expect.excludes.filter((id) => applied.has(occurrence(id)));
    out.push({
      name: 'excludes',
      passed: found.length === 0,
      detail: found.length ? t('drill.exp.excludes', { found: list(found) }) : t('drill.exp.excludesOk', { steps: list(expect.excludes) }),
    });
  }
  if (expect.late) {
    const actual = state.steps.filter((s) => isLate(s, asOf)).map((s) => s.id).sort();
    const expected = [...expect.late].map(occurrence).sort();
    const passed = actual.length === expected.length && actual.every((id, i) => id === expected[i]);
    out.push({ name: 'late', passed, detail: t('drill.exp.late', { expected: expected.join(', '), actual: actual.join(', ') }) });
  }
  if (expect.decisions) {
    const wanted = Object.entries(expect.decisions);
    const passed = wanted.every(([id, option]) => state.decisions[id] === option);
    const show = (entries: [string, string | undefined][]) => entries.map(([id, o]) => `${id}=${o ?? '—'}`).join(', ') || '—';
    out.push({
      name: 'decisions',
      passed,
      detail: t('drill.exp.decisions', { expected: show(wanted), actual: show(wanted.map(([id]) => [id, state.decisions[id]])) }),
    });
  }
  if (expect.approvedBy) {
    // who approved the draft each step published (its first occurrence unless named #N)
    const approvers = (id: string) => {
      const published = state.statements.find((x) => x.step === occurrence(id) && x.draft !== undefined);
      return state.signoffs.filter((x) => x.step === occurrence(id) && x.verdict === 'approved' && x.draft === published?.draft).map((x) => x.member);
    };
    const wanted = Object.entries(expect.approvedBy);
    const passed = wanted.every(([id, name]) => approvers(id).includes(name));
    out.push({
      name: 'approvedBy',
      passed,
      detail: t('drill.exp.approvedBy', {
        expected: wanted.map(([id, name]) => `${id}=${name}`).join(', '),
        actual: wanted.map(([id]) => `${id}=${approvers(id).join('+') || '—'}`).join(', '),
      }),
    });
  }
  if (expect.onTime !== undefined) {
    const { share, done, total } = onTimeShare(state, asOf);
    out.push({
      name: 'onTime',
      passed: share >= expect.onTime,
      detail: t('drill.exp.onTime', { expected: expect.onTime, actual: share.toFixed(3), done, total }),
    });
  }
  return out;
}

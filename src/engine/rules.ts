// Which steps apply and when they are due (SPEC §4, §4.1). Pure: time is always an argument.
import type { HandlingDirection, Indicator, StepDefinition, Tier } from '../playbook/schema.js';
import { INDICATORS } from '../playbook/vocabulary.js';
import { addDuration, parseDuration, type TimeContext } from '../time/duration.js';

/** What applicability depends on: the tier and direction, the indicators' levels, the decisions made. */
export interface ApplicabilityFacts {
  tier: Tier;
  direction: HandlingDirection;
  levels: Partial<Record<Indicator, number>>;
  decisions: Readonly<Record<string, string>>;
}

const isIndicator = (key: string): key is Indicator => (INDICATORS as readonly string[]).includes(key);

/**
 * A step applies when the tier is in `tiers`, the direction in `directions`, and every `when`
 * entry holds: an indicator at its level or above (an indicator never graded is level 1), a
 * decision whose latest outcome is one of the options (before it is made, it does not hold).
 */
export function applies(step: StepDefinition, facts: ApplicabilityFacts): boolean {
  if (!(step.tiers ?? [facts.tier]).includes(facts.tier)) return false;
  if (!(step.directions ?? [facts.direction]).includes(facts.direction)) return false;
  for (const [key, wanted] of Object.entries(step.when ?? {})) {
    if (isIndicator(key)) {
      if ((facts.levels[key] ?? 1) < Number(wanted)) return false;
    } else {
      const outcome = facts.decisions[key];
      if (outcome === undefined || !(Array.isArray(wanted) ? wanted : [String(wanted)]).includes(outcome)) return false;
    }
  }
  return true;
}

/** The step's due duration at a tier, if it has one there. */
export function dueFor(step: StepDefinition, tier: Tier): string | undefined {
  if (step.due === undefined) return undefined;
  return typeof step.due === 'string' ? step.due : step.due[tier];
}

/** from + due(tier), or undefined when the step has no due time at this tier. */
export function dueFrom(step: StepDefinition, tier: Tier, from: number, time: TimeContext): number | undefined {
  const text = dueFor(step, tier);
  const duration = text === undefined ? undefined : parseDuration(text);
  return duration ? addDuration(from, duration, time) : undefined;
}

export function repeatAfter(step: StepDefinition, completedAt: number, time: TimeContext): number | undefined {
  const duration = step.repeat ? parseDuration(step.repeat) : undefined;
  return duration ? addDuration(completedAt, duration, time) : undefined;
}

/** When a repeating step stops recurring (SPEC §4): recovery by default. */
export function untilOf(step: StepDefinition): string {
  return step.until ?? 'recovered';
}

/**
 * A step is late when completed after its due time, still open past it, or withdrawn after it —
 * and a deadline missed stays missed: `missed` marks an occurrence once withdrawn late, whatever
 * happens to it afterwards (SPEC §4).
 */
export function isLate(
  step: { status: string; dueAt: number | null; completedAt: number | null; missed?: boolean },
  asOf: number,
): boolean {
  if (step.missed) return true;
  if (step.dueAt === null) return false;
  if (step.status === 'done') return step.completedAt !== null && step.completedAt > step.dueAt;
  if (step.status === 'pending') return asOf > step.dueAt;
  return false;
}

export const earlier = (a: number | null, b: number | undefined): number | null =>
  b === undefined ? a : a === null ? b : Math.min(a, b);

// Which steps apply and when they are due (SPEC §4). Pure: time is always an argument.
import type { HandlingDirection, StepDefinition, Tier } from '../playbook/schema.js';
import { addDuration, parseDuration, type TimeContext } from '../time/duration.js';

export function applies(step: StepDefinition, tier: Tier, direction: HandlingDirection): boolean {
  return (step.tiers ?? [tier]).includes(tier) && (step.directions ?? [direction]).includes(direction);
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

/** A step is late when completed after its due time, or still open past it (SPEC §4). */
export function isLate(
  step: { status: string; dueAt: number | null; completedAt: number | null },
  asOf: number,
): boolean {
  if (step.dueAt === null) return false;
  if (step.status === 'done') return step.completedAt !== null && step.completedAt > step.dueAt;
  if (step.status === 'pending') return asOf > step.dueAt;
  return false;
}

export const earlier = (a: number | null, b: number | undefined): number | null =>
  b === undefined ? a : a === null ? b : Math.min(a, b);

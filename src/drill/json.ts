import { statusJson } from '../engine/views.js';
import { formatInZone } from '../time/zone.js';
import type { DrillOutcome } from './run.js';

/** `drill --json` (SPEC §5): the verdict with the tier history and the steps as `status` shows them. */
export function drillJson(outcome: DrillOutcome, scenarioFile: string) {
  const { state, endAt } = outcome;
  const tz = state.opened.timezone;
  const status = statusJson(state, endAt);
  return {
    incident: state.id,
    scenario: scenarioFile,
    title: state.opened.title,
    passed: outcome.passed,
    tier: state.tier,
    maxTier: state.maxTier,
    tierHistory: state.tierHistory.map((h) => ({ at: formatInZone(h.at, tz), tier: h.tier })),
    direction: state.direction,
    decisions: status.decisions,
    state: status.state,
    startedAt: status.startedAt,
    discoveredAt: status.discoveredAt,
    recoveredAt: status.recoveredAt,
    endedAt: formatInZone(endAt, tz),
    steps: status.steps,
    approvals: status.approvals,
    expectations: outcome.expectations,
  };
}

// In-process incidents for unit tests: the real engine functions on an inline playbook, no I/O.
import { messages } from '../../src/i18n/messages.js';
import { openIncident, type OpenRequest } from '../../src/engine/decide.js';
import type { EventDraft } from '../../src/engine/events.js';
import { fold, type IncidentState } from '../../src/engine/fold.js';
import type { GradingInputs } from '../../src/grading/grade.js';
import { gradingSchema, playbookSchema, teamsFileSchema, type Playbook } from '../../src/playbook/schema.js';
import type { TimeContext } from '../../src/time/duration.js';
import { parseInstant } from '../../src/time/zone.js';

export const T0 = parseInstant('2026-03-16T09:30:00+08:00')!;
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const NO_HOLIDAYS: TimeContext = { calendar: { holidays: new Set(), workdays: new Set() }, timeZone: 'Asia/Shanghai' };

const level = (n: number) => ({ zh: `级别${n}`, en: `level ${n}` });
const indicator = { name: 'x', weight: 1, levels: [level(1), level(2), level(3), level(4)] };
export const GRADING = gradingSchema.parse({
  indicators: { eventLevel: indicator, impactScope: indicator, propagation: indicator, durationTrend: indicator },
  metrics: { reposts: { indicator: 'propagation', thresholds: [1000, 10000, 100000] } },
  bands: { mild: 4, moderate: 7, severe: 10, critical: 13 },
  floors: [{ id: 'event-especially-major', when: { eventLevel: 4 }, atLeast: 'severe' }],
});
export const TEAMS = teamsFileSchema.parse({
  teams: [
    { id: 'opinion', name: 'Opinion', activate: ['mild', 'moderate', 'severe', 'critical'] },
    { id: 'leadership', name: 'Leadership', activate: ['severe', 'critical'] },
  ],
}).teams;

export function playbook(steps: Record<string, unknown>[], vars: Record<string, unknown>[] = []): Playbook {
  return playbookSchema.parse({
    id: 'test',
    version: 1,
    name: 'Test',
    vars,
    steps: steps.map((s) => ({ phase: 'response', title: String(s.id), owner: 'opinion', ...s })),
  });
}

/** Indicator levels that land on a tier with the default bands: mild 4, moderate 7, severe 10, critical 13. */
export const TIER_INPUTS: Record<string, GradingInputs['indicators']> = {
  mild: { eventLevel: 1, impactScope: 1, propagation: 1, durationTrend: 1 },
  moderate: { eventLevel: 2, impactScope: 2, propagation: 2, durationTrend: 1 },
  severe: { eventLevel: 3, impactScope: 3, propagation: 3, durationTrend: 1 },
  critical: { eventLevel: 4, impactScope: 4, propagation: 4, durationTrend: 1 },
};

export function inputs(tier: string, impact: GradingInputs['impact'] = 'partial'): GradingInputs {
  return { indicators: { ...TIER_INPUTS[tier] }, metrics: {}, impact };
}

export function request(pb: Playbook, init: GradingInputs, extra: Partial<OpenRequest> = {}): OpenRequest {
  return {
    type: pb.id,
    title: 'Test incident',
    mode: 'real',
    playbook: { definition: pb, file: '/nonexistent/test.yaml', sha256: '0'.repeat(64) },
    grading: GRADING,
    teams: TEAMS,
    vars: {},
    inputs: init,
    timezone: 'Asia/Shanghai',
    lang: 'en',
    firm: { name: 'Test Securities', hotline: '95500' },
    ...extra,
  };
}

/** A running incident: apply decide functions and keep the log, as the service does. */
export class Harness {
  events: EventDraft[];
  state: IncidentState;
  constructor(
    pb: Playbook,
    init: GradingInputs,
    readonly time: TimeContext = NO_HOLIDAYS,
    extra: Partial<OpenRequest> = {},
  ) {
    this.events = openIncident('INC-20260316-001', request(pb, init, extra), T0, 'tester', time);
    this.state = fold('INC-20260316-001', this.events, time);
  }
  apply(decide: (state: IncidentState, time: TimeContext) => EventDraft[]): IncidentState {
    this.events.push(...decide(this.state, this.time));
    this.state = fold('INC-20260316-001', this.events, this.time);
    return this.state;
  }
  step(id: string) {
    const s = this.state.steps.find((x) => x.id === id);
    if (!s) throw new Error(`no step ${id}; have ${this.state.steps.map((x) => x.id).join(', ')}`);
    return s;
  }
}

/** What a refused call says to an English-speaking user (errors carry a key; the edge says it). */
export function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return messages('en').error(error);
  }
  throw new Error('expected the call to be refused');
}

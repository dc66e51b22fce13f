// What every part of the walk shares: who is asking, which incident, and the one way to record.
import type { Context } from '../../context.js';
import type { EventDraft } from '../../engine/events.js';
import type { IncidentState } from '../../engine/fold.js';
import type { Incidents } from '../../app/incidents.js';
import type { TimeContext } from '../../time/duration.js';
import type { Prompter } from '../prompts.js';

export interface Walk {
  ctx: Context;
  ask: Prompter;
  service: Incidents;
  id: string;
  actor: string;
}

/** Decides with an engine function against the current log and appends its events, at ctx.now(). */
export function record(
  w: Walk,
  decide: (state: IncidentState, at: number, actor: string, time: TimeContext) => EventDraft[],
): Promise<IncidentState> {
  const at = w.ctx.now();
  return w.service.act(w.id, (state, time) => decide(state, at, w.actor, time));
}

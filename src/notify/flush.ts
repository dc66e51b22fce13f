// Before a command exits it sends what it queued (SPEC §9): a few seconds at most, then what is
// left is `watch`'s to deliver. Said on stderr in one line; the values of the robots never.
import { actorOf } from '../app/flags.js';
import { incidents, type Incidents } from '../app/incidents.js';
import { currentTeams } from '../app/library.js';
import type { Context } from '../context.js';
import { fitToWidth } from '../ui/table.js';
import { deliverOutbox } from './deliver.js';

/** How long a command waits for the platforms before leaving the rest to `watch`. */
export const FLUSH_WAIT_MS = 8_000;

export async function flush(ctx: Context, ids: string[]): Promise<void> {
  const { t } = ctx.messages;
  const service = await incidents(ctx);
  try {
    const summary = await deliverOutbox(service, ids, {
      actor: actorOf(ctx, {}),
      env: ctx.env,
      directory: currentTeams(ctx),
      now: ctx.now,
      deadline: Date.now() + FLUSH_WAIT_MS,
      onlyResolvable: true,
    });
    if (summary.sent + summary.failed + summary.left === 0) return;
    ctx.err(t('notify.flushed', { sent: summary.sent, failed: summary.failed, left: summary.left }));
    for (const problem of new Set(summary.problems.map(ctx.messages.say))) ctx.err(fitToWidth(`  - ${problem}`, 80));
  } finally {
    await service.store.close();
  }
}

/**
 * For the walk, where a responder may stay for an hour: what an action queues is sent at once, in
 * the background, without a word on the terminal (the log records every answer). `settle` waits
 * for what is in flight before the store is closed.
 */
export function deliverAsYouGo(ctx: Context, service: Incidents): { settle: () => Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    do {
      again = false;
      // a robot that says "wait a minute" is left to the end of the walk or to `watch`
      const deadline = Date.now() + 8_000;
      // teams.yaml read at each pass: the walk may last an hour, and the file be fixed meanwhile
      await Promise.resolve()
        .then(() => deliverOutbox(service, [...service.queued], { actor: actorOf(ctx, {}), env: ctx.env, directory: currentTeams(ctx), now: ctx.now, deadline, onlyResolvable: true }))
        .catch(() => undefined);
    } while (again);
    running = undefined;
  };
  service.onQueued = () => {
    if (running) again = true;
    else running = pass();
  };
  return {
    settle: async () => {
      service.onQueued = undefined;
      await running;
    },
  };
}

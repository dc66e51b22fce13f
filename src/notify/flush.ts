// Before a command exits it sends what it queued (SPEC §9): a few seconds at most, then what is
// left is `watch`'s to deliver. Said on stderr in one line; the values of the robots never.
import { actorOf, incidents } from '../commands/shared.js';
import type { Context } from '../context.js';
import { t } from '../ui/i18n.js';
import { fitToWidth } from '../ui/table.js';
import { deliverOutbox } from './deliver.js';

/** How long a command waits for the platforms before leaving the rest to `watch`. */
export const FLUSH_WAIT_MS = 8_000;

export async function flush(ctx: Context, ids: string[]): Promise<void> {
  const service = await incidents(ctx);
  try {
    const summary = await deliverOutbox(service, ids, {
      actor: actorOf(ctx, {}),
      env: ctx.env,
      now: ctx.now,
      deadline: Date.now() + FLUSH_WAIT_MS,
      onlyResolvable: true,
    });
    if (summary.sent + summary.failed + summary.left === 0) return;
    ctx.err(t('notify.flushed', { sent: summary.sent, failed: summary.failed, left: summary.left }));
    for (const problem of new Set(summary.problems)) ctx.err(fitToWidth(`  - ${problem}`, 80));
  } finally {
    await service.store.close();
  }
}

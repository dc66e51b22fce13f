// `sec-incident watch [--once]` (SPEC §9): delivers the outbox, raises due and overdue reminders
// once each, and keeps a board on a terminal. Everything it does is an event, so a restart, or a
// second watcher, repeats nothing.
import { setTimeout as delay } from 'node:timers/promises';
import type { Context } from '../context.js';
import { lifecycle } from '../engine/fold.js';
import { InputError } from '../errors.js';
import { deliverOutbox, readOutbox, senderIdentity, type DeliverySummary } from '../notify/deliver.js';
import { planReminders } from '../notify/outbox.js';
import { parseDuration } from '../time/duration.js';
import { fitToWidth } from '../ui/table.js';
import { renderBoard, type BoardEntry } from '../ui/watch-board.js';
import type { Incidents } from '../app/incidents.js';
import { actorOf } from '../app/flags.js';
import { currentTeams } from '../app/library.js';
import { incidents } from '../app/incidents.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, wd: 86_400_000 } as const;

export function leadMs(lead: string | undefined): number {
  const d = parseDuration(lead ?? '10m');
  if (!d) throw new InputError('watch.badLead', { lead: lead ?? '' });
  return d.amount * UNIT_MS[d.unit];
}

export interface WatchFlags {
  once?: boolean;
  interval?: string;
}

export interface TickResult extends DeliverySummary {
  reminders: number;
  board: BoardEntry[];
}

/** One pass: reminders for every open real incident, then the outbox of every incident. */
export async function tick(ctx: Context, service: Incidents, by: string, lead: number): Promise<TickResult> {
  const actor = actorOf(ctx, {});
  const now = ctx.now();
  let reminders = 0;
  const ids = (await service.store.list('all')).map((x) => x.id);
  await service.store.transact(async () => {
    reminders = 0; // counted again if the store runs the pass again
    for (const id of ids) {
      const state = await service.load(id);
      if (state.mode === 'drill' || lifecycle(state) === 'closed') continue;
      // the outbox is read inside the write transaction, under the incident's lock: two watchers
      // cannot both raise one reminder
      await service.store.transact(async () => {
        const outbox = await readOutbox(service, id);
        await service.act(id, (current) => {
          const drafts = planReminders(current, outbox, now, lead, actor, current.events + 1);
          reminders += drafts.filter((d) => d.type === 'reminder.raised').length;
          return drafts;
        });
      }, id);
    }
  });
  // read at every pass: a watch runs for days, and teams.yaml changes under it
  const summary = await deliverOutbox(service, ids, { actor, env: ctx.env, directory: currentTeams(ctx), now: ctx.now, by });
  const board: BoardEntry[] = [];
  for (const id of ids) board.push({ state: await service.load(id), outbox: await readOutbox(service, id) });
  return { ...summary, reminders, board };
}

export async function run(ctx: Context, _args: string[], flags: WatchFlags): Promise<number> {
  const { t } = ctx.messages;
  const lead = leadMs(ctx.notifyLead);
  const interval = flags.interval ? leadMs(flags.interval) : 5_000;
  const service = await incidents(ctx);
  const by = senderIdentity();
  const live = !flags.once && ctx.stdoutIsTTY;
  try {
    for (;;) {
      const result = await tick(ctx, service, by, lead);
      if (live) {
        const board = renderBoard(ctx.messages, result.board, ctx.now(), { color: ctx.color, width: ctx.columns ?? 80, timezone: ctx.timezone });
        // the board replaces itself: home and clear, then the text (no other output on stdout)
        process.stdout.write('\x1b[H\x1b[2J');
        ctx.out(board);
      }
      const happened = result.reminders + result.sent + result.failed > 0;
      if (!live && (happened || flags.once)) {
        ctx.err(t('watch.pass', { reminders: result.reminders, sent: result.sent, failed: result.failed, left: result.left }));
      }
      for (const problem of new Set(result.problems.map(ctx.messages.say))) ctx.err(fitToWidth(`  - ${problem}`, 80));
      if (flags.once) return result.failed > 0 ? 1 : 0;
      await delay(interval);
    }
  } finally {
    await service.store.close();
  }
}

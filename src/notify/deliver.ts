// Delivering the outbox (SPEC §9): claim what is due under the store's write lock, send it, and
// record each answer as it comes, so an acknowledged message is never sent again.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventDraft } from '../engine/events.js';
import type { Incidents } from '../service.js';
import { foldOutbox, isDeliverable, MAX_ATTEMPTS, outboxTime, type OutboxEntry } from './outbox.js';
import { resolveChannel, type ChannelAddress } from './secrets.js';
import { Sender, type DeliveryResult, type SenderOptions } from './send.js';

export interface DeliverOptions {
  actor: string;
  env: NodeJS.ProcessEnv;
  now?: () => number;
  /** Who claims: unique per process. */
  by?: string;
  /** How long a claim holds off other senders (default 2 min). */
  leaseMs?: number;
  /** Wait no longer than this (wall clock): what is left stays for `watch`. */
  deadline?: number;
  /** Leave alone what this process cannot resolve (a command run without the robots' variables). */
  onlyResolvable?: boolean;
  sender?: Partial<SenderOptions>;
}

export interface DeliverySummary {
  sent: number;
  failed: number;
  /** Queued or to be retried, for a later run. */
  left: number;
  /** Why some could not go, in words safe to print: channels and variable names, no values. */
  problems: string[];
}

export const senderIdentity = () => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

const CONFIG_RETRY_MS = 60_000;

const addressOf = (entry: OutboxEntry): ChannelAddress => {
  const { channel } = entry.queued;
  return {
    team: entry.queued.team,
    index: channel.index,
    channel: { type: channel.type, url: channel.url, drill: channel.drill, ...(channel.secret ? { secret: channel.secret } : {}) } as ChannelAddress['channel'],
  };
};

/** The outcome as the event that records it. */
function resultEvent(entry: OutboxEntry, result: DeliveryResult, at: number, actor: string): EventDraft {
  const id = entry.queued.id;
  const codes = { ...(result.status !== undefined ? { status: result.status } : {}), ...(result.code !== undefined ? { code: result.code } : {}) };
  if (result.outcome === 'sent') return { type: 'notification.sent', at, actor, payload: { id, attempt: result.attempts, parts: result.parts, ...codes } };
  // a missing variable may be set where `watch` runs: tried again, within the attempts allowed
  const retryAt =
    result.attempts < MAX_ATTEMPTS && (result.outcome === 'retryable' || result.code === 'config')
      ? new Date(result.retryAt ?? at + CONFIG_RETRY_MS).toISOString()
      : undefined;
  return {
    type: 'notification.failed',
    at,
    actor,
    payload: { id, attempt: Math.max(result.attempts, entry.attempts + (result.code === 'config' ? 1 : 0)), delivered: result.delivered, ...codes, ...(retryAt ? { retryAt } : {}), ...(result.detail ? { detail: result.detail } : {}) },
  };
}

/** Claims an incident's deliverable notifications for this sender; returns them. */
export function claim(service: Incidents, id: string, options: Required<Pick<DeliverOptions, 'actor' | 'by' | 'leaseMs'>> & { now: number; accept?: (entry: OutboxEntry) => boolean }): OutboxEntry[] {
  let claimed: OutboxEntry[] = [];
  service.act(id, (state) => {
    // read inside the write transaction: no other sender can claim between this read and the append
    const outbox = foldOutbox(service.store.eventsAfter(id, 0));
    claimed = [...outbox.entries.values()].filter((e) => isDeliverable(e, options.now) && (options.accept?.(e) ?? true));
    if (claimed.length === 0) return [];
    const until = new Date(options.now + options.leaseMs).toISOString();
    return [{ type: 'notification.claimed', at: outboxTime(state, options.now), actor: options.actor, payload: { ids: claimed.map((e) => e.queued.id), by: options.by, until } }];
  });
  return claimed;
}

/** Delivers the outbox of these incidents: claim, send (robots in parallel, each in order), record. */
export async function deliverOutbox(service: Incidents, ids: Iterable<string>, options: DeliverOptions): Promise<DeliverySummary> {
  const now = options.now ?? Date.now;
  const by = options.by ?? senderIdentity();
  const leaseMs = options.leaseMs ?? 120_000;
  const summary: DeliverySummary = { sent: 0, failed: 0, left: 0, problems: [] };
  for (const id of ids) {
    const start = now();
    const accept = (entry: OutboxEntry) => {
      if (!options.onlyResolvable) return true;
      try {
        resolveChannel(addressOf(entry), options.env);
        return true;
      } catch (error) {
        summary.left += 1;
        summary.problems.push((error as Error).message);
        return false;
      }
    };
    const claimed = claim(service, id, { actor: options.actor, by, leaseMs, now: start, accept });
    if (claimed.length === 0) continue;
    // stop before the claim runs out, so no other sender takes over a message still in flight
    const deadline = Math.min(options.deadline ?? Infinity, start + leaseMs - 5_000);
    const sender = new Sender({ env: options.env, now, deadline, ...options.sender });
    const robots = new Map<string, OutboxEntry[]>();
    for (const entry of claimed) {
      const key = `${entry.queued.channel.type} ${JSON.stringify(entry.queued.channel.url)}`;
      robots.set(key, [...(robots.get(key) ?? []), entry]);
    }
    await Promise.all(
      [...robots.values()].map(async (queue) => {
        for (const entry of queue) {
          const result = await sender.deliver({ notice: entry.queued.notice, address: addressOf(entry), delivered: entry.delivered, attempts: entry.attempts });
          service.act(id, (state) => [resultEvent(entry, result, outboxTime(state, now()), options.actor)]);
          if (result.outcome === 'sent') summary.sent += 1;
          else if (result.outcome === 'retryable' || result.code === 'config') summary.left += 1;
          else summary.failed += 1;
          if (result.detail) summary.problems.push(result.detail);
        }
      }),
    );
  }
  return summary;
}

// Delivering the outbox (SPEC §9): claim what is due under the store's write lock, send it, and
// record each answer as it comes, so an acknowledged message is never sent again.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EventDraft } from '../engine/events.js';
import type { IncidentState } from '../engine/fold.js';
import type { Incidents } from '../app/incidents.js';
import { CliError, message, verbatim, type Message } from '../errors.js';
import { lookUpMentions, type Directory } from './mentions.js';
import { emptyOutbox, foldOutbox, isDeliverable, MAX_ATTEMPTS, outboxTime, type Outbox, type OutboxEntry } from './outbox.js';
import { resolveChannel, type ChannelAddress } from './secrets.js';
import { Sender, type DeliveryResult, type SenderOptions } from './send.js';
import type { Notice } from './notice.js';
import { messages } from '../i18n/messages.js';

export interface DeliverOptions {
  actor: string;
  env: NodeJS.ProcessEnv;
  /** teams.yaml as it is now: whom the notices @mention is looked up there, by name (mentions.ts). */
  directory: Directory;
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
  problems: Message[];
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
function resultEvent(entry: OutboxEntry, result: DeliveryResult, unmentioned: string[], at: number, actor: string): EventDraft {
  const id = entry.queued.id;
  const codes = { ...(result.status !== undefined ? { status: result.status } : {}), ...(result.code !== undefined ? { code: result.code } : {}) };
  if (result.outcome === 'sent') {
    // names only, as the notice holds them: who was not called, for the review to see
    return { type: 'notification.sent', at, actor, payload: { id, attempt: result.attempts, parts: result.parts, ...codes, ...(unmentioned.length ? { unmentioned } : {}) } };
  }
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

/** Who was not @mentioned, and why: said once a team, whatever its channels (the log has each). */
function unmentionedProblem(entry: OutboxEntry, names: string[], directory: Directory): Message {
  const where = { team: entry.queued.team, names: names.join(', ') };
  return 'problem' in directory ? message('notify.unmentioned.unread', { ...where, problem: directory.problem }) : message('notify.unmentioned', where);
}

const outboxes = new WeakMap<Incidents, Map<string, { seq: number; outbox: Outbox }>>();

/**
 * An incident's outbox as the log stands, read incrementally: the log only grows, so a watcher
 * running for days reads each event once, not at every pass.
 */
export async function readOutbox(service: Incidents, id: string): Promise<Outbox> {
  let known = outboxes.get(service);
  if (!known) outboxes.set(service, (known = new Map()));
  const cached = known.get(id) ?? { seq: 0, outbox: emptyOutbox() };
  const events = await service.store.eventsAfter(id, cached.seq);
  if (events.length > 0) {
    foldOutbox(events, cached.outbox);
    cached.seq = events[events.length - 1]!.seq;
  }
  known.set(id, cached);
  return cached.outbox;
}

/**
 * Records answers in the log with one commit for those that arrive together (group commit): each
 * is durable before its caller goes on, without one disk flush per message.
 */
function groupCommit(service: Incidents): (id: string, event: (state: IncidentState) => EventDraft) => Promise<void> {
  let batch: { id: string; event: (state: IncidentState) => EventDraft; done: (error?: unknown) => void }[] = [];
  const flush = async () => {
    const taken = batch;
    batch = [];
    try {
      await service.store.transact(async () => {
        for (const item of taken) await service.act(item.id, (state) => [item.event(state)]);
      });
      for (const item of taken) item.done();
    } catch (error) {
      for (const item of taken) item.done(error);
    }
  };
  return (id, event) =>
    new Promise((resolve, reject) => {
      if (batch.length === 0) setImmediate(() => void flush());
      batch.push({ id, event, done: (error) => (error === undefined ? resolve() : reject(error)) });
    });
}

/** Claims an incident's deliverable notifications for this sender; returns them. */
export async function claim(
  service: Incidents,
  id: string,
  options: Required<Pick<DeliverOptions, 'actor' | 'by' | 'leaseMs'>> & { now: number; accept?: (entry: OutboxEntry) => boolean },
): Promise<OutboxEntry[]> {
  // read inside the write transaction, under the incident's lock: no other sender can claim
  // between this read and the append
  return service.store.transact(async () => {
    const outbox = await readOutbox(service, id);
    let claimed: OutboxEntry[] = [];
    await service.act(id, (state) => {
      // copies: the cached outbox moves on with the log while these are in flight
      claimed = [...outbox.entries.values()].filter((e) => isDeliverable(e, options.now) && (options.accept?.(e) ?? true)).map((e) => ({ ...e }));
      if (claimed.length === 0) return [];
      const until = new Date(options.now + options.leaseMs).toISOString();
      return [{ type: 'notification.claimed', at: outboxTime(state, options.now), actor: options.actor, payload: { ids: claimed.map((e) => e.queued.id), by: options.by, until } }];
    });
    return claimed;
  }, id);
}

/**
 * Delivers the outbox of these incidents: claim each incident's share, then one lane per robot
 * across all of them (robots in parallel, each in order, at its platform's rate), recording each
 * answer as it comes.
 */
export async function deliverOutbox(service: Incidents, ids: Iterable<string>, options: DeliverOptions): Promise<DeliverySummary> {
  const now = options.now ?? Date.now;
  const by = options.by ?? senderIdentity();
  const leaseMs = options.leaseMs ?? 120_000;
  const summary: DeliverySummary = { sent: 0, failed: 0, left: 0, problems: [] };
  const accept = (entry: OutboxEntry) => {
    if (!options.onlyResolvable) return true;
    try {
      resolveChannel(addressOf(entry), options.env);
      return true;
    } catch (error) {
      summary.left += 1;
      summary.problems.push(error instanceof CliError ? error.said : verbatim((error as Error).message));
      return false;
    }
  };
  const start = now();
  const lanes = new Map<string, { id: string; entry: OutboxEntry }[]>();
  const heads = new Map<string, { seq: number; hash: string }>();
  // one commit for all the claims of a pass (run again from the start if the store retries it)
  const wanted = [...ids];
  await service.store.transact(async () => {
    lanes.clear();
    heads.clear();
    for (const id of wanted) {
      for (const entry of await claim(service, id, { actor: options.actor, by, leaseMs, now: start, accept })) {
        const key = `${entry.queued.channel.type} ${JSON.stringify(entry.queued.channel.url)}`;
        lanes.set(key, [...(lanes.get(key) ?? []), { id, entry }]);
        if (!heads.has(id)) heads.set(id, await chainHead(service, id));
      }
    }
  });
  if (lanes.size === 0) return summary;
  // stop before the claims run out, so no other sender takes over a message still in flight
  const deadline = Math.min(options.deadline ?? Infinity, start + leaseMs - 5_000);
  const sender = new Sender({ env: options.env, now, deadline, ...options.sender });
  const record = groupCommit(service);
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const { id, entry } of lane) {
        const { notice, unmentioned } = lookUpMentions(witnessed(entry.queued.notice, heads.get(id)), entry.queued.channel.type, options.directory);
        const result = await sender.deliver({ notice, address: addressOf(entry), delivered: entry.delivered, attempts: entry.attempts });
        // a lane goes on only once its answer is in the log: at most one acknowledged, unrecorded message per robot
        await record(id, (state) => resultEvent(entry, result, unmentioned, outboxTime(state, now()), options.actor));
        if (result.outcome === 'sent') summary.sent += 1;
        else if (result.outcome === 'retryable' || result.code === 'config') summary.left += 1;
        else summary.failed += 1;
        if (result.detail) summary.problems.push(verbatim(result.detail));
        if (result.outcome === 'sent' && unmentioned.length > 0) summary.problems.push(unmentionedProblem(entry, unmentioned, options.directory));
      }
    }),
  );
  return summary;
}

/** The incident's chain head as it stands after the claim: what the message witnesses. */
async function chainHead(service: Incidents, id: string): Promise<{ seq: number; hash: string }> {
  const seq = await service.store.headSeq(id);
  const [last] = await service.store.eventsAfter(id, seq - 1);
  return { seq, hash: last?.hash ?? '' };
}

/**
 * The notice with the chain's head in its footer (issue 17, build 4): the firm's chat history
 * then witnesses the log as it stood, as an anchor does — `verify --anchors` can be fed from it.
 */
function witnessed(notice: Notice, head: { seq: number; hash: string } | undefined): Notice {
  if (!head?.hash) return notice;
  return { ...notice, footer: `${notice.footer} · ${messages(notice.lang).t('notify.head', { seq: head.seq, hash: head.hash })}` };
}

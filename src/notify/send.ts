// The sender: the one place a notice leaves the machine. Node's own fetch, a timeout per request,
// each robot kept under its rate, retries that wait as long as the platform asks (SPEC §9).
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { CliError } from '../errors.js';
import { messages } from '../i18n/messages.js';
import type { SendableNotice } from './notice.js';
import { RateLimiter } from './limiter.js';
import { backoffMs, classify, CODES, RATE_LIMITS, retryAfterMs, type Outcome } from './outcome.js';
import { resolveChannel, type ChannelAddress } from './secrets.js';
import { encodeNotice, signPart } from './wire.js';

export interface Delivery {
  notice: SendableNotice;
  address: ChannelAddress;
  /** Parts a platform already acknowledged in an earlier attempt: never sent again. */
  delivered?: number;
  /** Attempts made before this one, so attempt numbers keep counting across runs. */
  attempts?: number;
}

export interface DeliveryResult {
  outcome: 'sent' | 'failed' | 'retryable';
  /** Attempts so far, earlier runs included. */
  attempts: number;
  delivered: number;
  parts: number;
  status?: number;
  /** The platform's error code, or what went wrong on the way: timeout, a network error code, config. */
  code?: number | string;
  /** For a retryable result: not before this moment. */
  retryAt?: number;
  /** Why, in words safe to show: never the URL or the secret. */
  detail?: string;
}

export interface SenderOptions {
  env: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Attempts per part in one run before it is left for later (default 4). */
  attemptsPerRun?: number;
  /** First backoff after a failed attempt; doubled each time (default 1 s). */
  backoffMs?: number;
  /** Wall-clock moment after which the sender waits no more: what is left is retryable. */
  deadline?: number;
  limiter?: RateLimiter;
}

export class Sender {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly limiter: RateLimiter;

  constructor(private readonly options: SenderOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.limiter = options.limiter ?? new RateLimiter();
  }

  async deliver(delivery: Delivery): Promise<DeliveryResult> {
    const { notice, address } = delivery;
    const type = address.channel.type;
    let attempts = delivery.attempts ?? 0;
    let delivered = delivery.delivered ?? 0;
    let target: { url: string; secret?: string };
    try {
      target = resolveChannel(address, this.options.env);
    } catch (error) {
      // recorded in the log: said in the incident's language, as the notice is
      const detail = error instanceof CliError ? messages(notice.lang).say(error.said) : 'config';
      return { outcome: 'failed', attempts, delivered, parts: 0, code: 'config', detail };
    }
    const parts = encodeNotice(notice, type);
    // the robot, not the channel entry: two teams may share one group's robot
    const key = `${type}:${createHash('sha256').update(target.url).digest('hex')}`;
    const rules = RATE_LIMITS[type];
    let last: Outcome | undefined;

    while (delivered < parts.length) {
      let tries = 0;
      for (;;) {
        const wait = Math.max(this.limiter.waitMs(key, rules, this.now()), this.limiter.blockedMs(key, this.now()));
        if (this.options.deadline !== undefined && this.now() + wait > this.options.deadline) {
          return { outcome: 'retryable', attempts, delivered, parts: parts.length, ...codes(last), retryAt: this.now() + wait };
        }
        if (wait > 0) await this.sleep(wait);
        const sentAt = this.now();
        this.limiter.record(key, rules, sentAt);
        attempts += 1;
        tries += 1;
        last = await this.post(type, signPart(parts[delivered]!, type, target, sentAt));
        if (last.kind === 'sent') break;
        if (last.kind === 'failed') return { outcome: 'failed', attempts, delivered, parts: parts.length, ...codes(last) };
        const pause = Math.max(last.waitMs, backoffMs(tries, this.options.backoffMs ?? 1000));
        if (isRateLimit(type, last)) this.limiter.blockUntil(key, this.now() + last.waitMs);
        if (tries >= (this.options.attemptsPerRun ?? 4)) {
          return { outcome: 'retryable', attempts, delivered, parts: parts.length, ...codes(last), retryAt: this.now() + pause };
        }
        if (!isRateLimit(type, last)) this.limiter.blockUntil(key, this.now() + pause);
      }
      delivered += 1;
    }
    return { outcome: 'sent', attempts, delivered, parts: parts.length, ...codes(last) };
  }

  private async post(type: Parameters<typeof classify>[0], request: { url: string; headers: Record<string, string>; body: string }): Promise<Outcome> {
    try {
      const response = await this.fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        // a redirect would carry the body (and the robot's key) somewhere else
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const text = await response.text();
      return classify(type, response.status, text, retryAfterMs(response.headers.get('retry-after'), this.now()));
    } catch (error) {
      // a timed-out request may still have arrived: it is retried, and its id tells the copies apart
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'retry', code: 'timeout', waitMs: 0 };
      const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
      return { kind: 'retry', code: typeof cause === 'string' ? cause : 'network', waitMs: 0 };
    }
  }
}

function isRateLimit(type: string, outcome: Outcome): boolean {
  if (outcome.kind !== 'retry') return false;
  return (
    outcome.status === 429 ||
    (type === 'wecom' && outcome.code === CODES.wecom.rateLimited) ||
    (type === 'dingtalk' && outcome.code === CODES.dingtalk.tooFast) ||
    (type === 'feishu' && outcome.code === CODES.feishu.rateLimited)
  );
}

function codes(outcome: Outcome | undefined): Pick<DeliveryResult, 'status' | 'code'> {
  if (!outcome) return {};
  return { ...(outcome.status !== undefined ? { status: outcome.status } : {}), ...(outcome.code !== undefined ? { code: outcome.code } : {}) };
}

// What a platform's answer means, and how fast each platform may be spoken to (SPEC §9). Pure.
import type { ChannelType } from '../playbook/schema.js';

export type Outcome =
  | { kind: 'sent'; status: number; code?: number }
  /** Worth another attempt after `waitMs` (at least). */
  | { kind: 'retry'; status?: number; code?: number | string; waitMs: number }
  | { kind: 'failed'; status?: number; code?: number | string };

/** Platform error codes the sender acts on (each platform's documentation; see the report of issue 15). */
export const CODES = {
  wecom: { rateLimited: 45009, busy: -1 },
  dingtalk: { refused: 310000, tooFast: 130101, busy: -1 },
  feishu: { badSignature: 19021, rateLimited: 11232 },
} as const;

/** A sliding-window limit: at most `count` messages in any `windowMs`. */
export interface RateRule {
  count: number;
  windowMs: number;
}

const MINUTE = 60_000;

/** WeCom and DingTalk: 20 messages a minute per robot; Feishu: 100 a minute and 5 a second. */
export const RATE_LIMITS: Record<ChannelType, RateRule[]> = {
  wecom: [{ count: 20, windowMs: MINUTE }],
  dingtalk: [{ count: 20, windowMs: MINUTE }],
  feishu: [
    { count: 5, windowMs: 1000 },
    { count: 100, windowMs: MINUTE },
  ],
  webhook: [],
  cloudevents: [],
};

/** How long a platform's own "too fast" asks us to stay away. */
const RATE_LIMIT_WAIT: Record<ChannelType, number> = {
  wecom: MINUTE,
  // DingTalk blocks a robot for 10 minutes once it went over 20 a minute
  dingtalk: 10 * MINUTE,
  feishu: 5_000,
  webhook: 30_000,
  cloudevents: 30_000,
};

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds (or an HTTP date) in a Retry-After header, as milliseconds. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Classifies an HTTP answer. The chat robots answer 200 with an error code in the body (WeCom and
 * DingTalk `errcode`, Feishu `code`); a plain webhook's answer is its status.
 */
export function classify(type: ChannelType, status: number, bodyText: string, retryAfter?: number): Outcome {
  if (status === 429) return { kind: 'retry', status, waitMs: retryAfter ?? RATE_LIMIT_WAIT[type] };
  if (status >= 500 || status === 408) return { kind: 'retry', status, waitMs: retryAfter ?? 0 };
  if (type === 'webhook' || type === 'cloudevents') return status >= 200 && status < 300 ? { kind: 'sent', status } : { kind: 'failed', status };

  const body = parseBody(bodyText);
  const raw = type === 'feishu' ? (body?.code ?? body?.StatusCode) : body?.errcode;
  // Feishu answers a bad body with HTTP 400 and code 9499: the code says more than the status
  if (status < 200 || status >= 300) return { kind: 'failed', status, ...(typeof raw === 'number' ? { code: raw } : {}) };
  if (typeof raw !== 'number') return { kind: 'failed', status, code: 'unreadable' };
  if (raw === 0) return { kind: 'sent', status, code: 0 };
  const rateLimited =
    (type === 'wecom' && raw === CODES.wecom.rateLimited) ||
    (type === 'dingtalk' && raw === CODES.dingtalk.tooFast) ||
    (type === 'feishu' && raw === CODES.feishu.rateLimited);
  if (rateLimited) return { kind: 'retry', status, code: raw, waitMs: RATE_LIMIT_WAIT[type] };
  // "system busy, try again": WeCom and DingTalk use -1
  if (raw === -1 && type !== 'feishu') return { kind: 'retry', status, code: raw, waitMs: 0 };
  // a refused signature, keyword or IP (310000, 19021…) or a bad body will not get better by itself
  return { kind: 'failed', status, code: raw };
}

/** Exponential backoff with a cap; attempt 1 is the first retry. */
export function backoffMs(attempt: number, baseMs: number, capMs = 5 * MINUTE): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

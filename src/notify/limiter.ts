// Keeps each robot under its platform's rate (outcome.ts RATE_LIMITS), in this process. Another
// process sending to the same robot is not seen here: the platform's own "too fast" then says so,
// and the sender waits as it asks.
import type { RateRule } from './outcome.js';

export class RateLimiter {
  private readonly sent = new Map<string, number[]>();
  private readonly blocked = new Map<string, number>();

  /** Milliseconds to wait before one more message to `key` keeps within every rule; 0 when it may go now. */
  waitMs(key: string, rules: readonly RateRule[], now: number): number {
    const times = this.sent.get(key) ?? [];
    let wait = 0;
    for (const rule of rules) {
      const inWindow = times.filter((x) => x > now - rule.windowMs);
      if (inWindow.length >= rule.count) wait = Math.max(wait, inWindow[inWindow.length - rule.count]! + rule.windowMs - now);
    }
    return wait;
  }

  record(key: string, rules: readonly RateRule[], now: number): void {
    const longest = Math.max(0, ...rules.map((r) => r.windowMs));
    const times = (this.sent.get(key) ?? []).filter((x) => x > now - longest);
    times.push(now);
    this.sent.set(key, times);
  }

  /** After the platform said "too fast": nothing more to `key` until `until`. */
  blockUntil(key: string, until: number): void {
    this.blocked.set(key, Math.max(this.blocked.get(key) ?? 0, until));
  }

  blockedMs(key: string, now: number): number {
    return Math.max(0, (this.blocked.get(key) ?? 0) - now);
  }
}

// What several commands read from their flags the same way.
import type { Context } from '../context.js';
import { defaultActor } from '../config.js';
import { InputError, message } from '../errors.js';
import type { GradingFlags } from '../grading/inputs.js';
import { parseStatedTime } from '../time/zone.js';

/** The flags that open an incident: `open`, and `start` for what it need not ask. */
export interface OpenFlags extends GradingFlags {
  type?: string;
  title?: string;
  var?: string[];
  drill?: boolean;
  actor?: string;
  tier?: string;
  reason?: string;
  startedAt?: string;
  discoveredAt?: string;
}

/** --started-at / --discovered-at (SPEC §4.2): ISO with an offset, or HH:MM today in the firm's zone. */
export function faultTimes(ctx: Context, flags: Pick<OpenFlags, 'startedAt' | 'discoveredAt'>, at: number): { startedAt?: number; discoveredAt?: number } {
  const out: { startedAt?: number; discoveredAt?: number } = {};
  for (const [key, what] of [['startedAt', 'what.startedAt'], ['discoveredAt', 'what.discoveredAt']] as const) {
    const raw = flags[key];
    if (raw === undefined) continue;
    const value = parseStatedTime(raw, at, ctx.timezone);
    if (value === undefined) throw new InputError('time.unparseable', { what: message(what), value: raw });
    if (value > at) throw new InputError('time.future', { what: message(what), value: raw });
    out[key] = value;
  }
  return out;
}

export function actorOf(ctx: Context, opts: { actor?: unknown }): string {
  return typeof opts.actor === 'string' && opts.actor.trim() ? opts.actor.trim() : defaultActor(ctx.env);
}

export function parseVars(raw: readonly string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const item of raw ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new InputError('arg.kv', { flag: '--var', value: item });
    vars[item.slice(0, at).trim()] = item.slice(at + 1);
  }
  return vars;
}

import type { Settings } from './config.js';
import type { Messages } from './i18n/messages.js';

/** What every command receives: resolved settings, output streams, and the clock at the edge. */
export interface Context extends Settings {
  /** The catalogue in the user's language: everything said to people goes through it. */
  messages: Messages;
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  now: () => number;
  env: NodeJS.ProcessEnv;
  /** The working directory relative paths are shown against. */
  cwd: string;
  /** Incidents whose notifications this run queued: sent before the command exits (cli.ts). */
  queued: Set<string>;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** The terminal's width when stdout is one; tables fit it. Undefined for pipes and files. */
  columns?: number;
  /** The terminal's height when stdout is one: text taller than it goes through a pager. */
  rows?: number;
}

export function printJson(ctx: Context, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}

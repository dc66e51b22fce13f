import type { Settings } from './config.js';

/** What every command receives: resolved settings, output streams, and the clock at the edge. */
export interface Context extends Settings {
  json: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  now: () => number;
  env: NodeJS.ProcessEnv;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** The terminal's width when stdout is one; tables fit it. Undefined for pipes and files. */
  columns?: number;
}

export function printJson(ctx: Context, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2));
}

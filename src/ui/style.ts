import { randomBytes } from 'node:crypto';
import chalk, { Chalk, chalkStderr, type ChalkInstance } from 'chalk';
import type { Tier } from '../playbook/schema.js';

/**
 * What our own colour codes begin with until the terminal's edge (`ctx.out`, `terminalSafe`) turns
 * them into escape sequences: a private-use character and a token drawn for this process, which
 * text people typed or stored cannot hold. So a title or note holding `\e[8m` (conceal) or
 * `\e[30m` is shown escaped while the tool's own colours are kept (issue 17, finding 7).
 */
export const PAINT = `\ue000${randomBytes(4).toString('hex')}`;

/**
 * A chalk that honours --no-color, NO_COLOR and --json (chalk 5 ignores NO_COLOR by itself), its
 * escape sequences marked with PAINT: text for `ctx.out`/`ctx.err`, which write them as colour.
 */
export function painter(color: boolean, stream: 'stdout' | 'stderr' = 'stdout'): ChalkInstance {
  const c = terminalPainter(color, stream);
  return c.level === 0 ? c : marked(c);
}

/** A chalk writing escape sequences as they are: only for what goes to the terminal without `ctx.out` (inquirer's theme). */
export function terminalPainter(color: boolean, stream: 'stdout' | 'stderr' = 'stdout'): ChalkInstance {
  return new Chalk({ level: color ? (stream === 'stdout' ? chalk.level : chalkStderr.level) : 0 });
}

function marked<T extends object>(builder: T): T {
  // the proxy stands on a bare function: chalk's own properties are read, never exposed as the target's
  const stand = (() => undefined) as unknown as T;
  return new Proxy(stand, {
    apply: (_stand, self, args) => {
      // an escape inside the text painted is the text's, shown as ␛; every one chalk adds is ours
      const text = args.map((a) => (typeof a === 'string' ? a.replaceAll('\x1b', '\u241b') : a));
      const result: unknown = Reflect.apply(builder as (...a: unknown[]) => unknown, self, text);
      if (typeof result === 'string') return result.replaceAll('\x1b', PAINT);
      return typeof result === 'function' ? marked(result) : result; // c.hex('#…') is a builder
    },
    get: (_stand, prop) => {
      const value: unknown = Reflect.get(builder, prop);
      return typeof value === 'function' ? marked(value) : value;
    },
  });
}

// the customary blue / yellow / orange / red of Chinese four-level warnings
export function paintTier(c: ChalkInstance, tier: Tier, label: string): string {
  switch (tier) {
    case 'mild':
      return c.blueBright(label);
    case 'moderate':
      return c.yellow(label);
    case 'severe':
      return c.hex('#ff8c00')(label);
    case 'critical':
      return c.bold.red(label);
  }
}

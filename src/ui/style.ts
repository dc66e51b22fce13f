import chalk, { Chalk, chalkStderr, type ChalkInstance } from 'chalk';
import type { Tier } from '../playbook/schema.js';

/** A chalk that honours --no-color, NO_COLOR and --json (chalk 5 ignores NO_COLOR by itself). */
export function painter(color: boolean, stream: 'stdout' | 'stderr' = 'stdout'): ChalkInstance {
  return new Chalk({ level: color ? (stream === 'stdout' ? chalk.level : chalkStderr.level) : 0 });
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

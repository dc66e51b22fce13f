import type { Context } from '../context.js';
import { WorkError } from '../errors.js';

export async function run(_ctx: Context): Promise<number> {
  throw new WorkError('not yet available');
}
export const resume = run;

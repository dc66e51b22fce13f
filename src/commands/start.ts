// `start` and `resume`: the interactive walk. The flow lives in src/ui/walk/; this only checks for
// a terminal (before anything heavy loads) and hands over.
import type { Context } from '../context.js';
import type { StartFlags } from '../ui/walk/intake.js';
import { createPrompter } from '../ui/prompts.js';

export async function run(ctx: Context, _args: string[], opts: StartFlags): Promise<number> {
  const ask = createPrompter(ctx, { command: 'start' });
  const { startFlow } = await import('../ui/walk/flow.js');
  return startFlow(ctx, ask, opts);
}

export async function resume(ctx: Context, [id]: string[], opts: { actor?: string }): Promise<number> {
  const ask = createPrompter(ctx, { command: 'resume' });
  const { resumeFlow } = await import('../ui/walk/flow.js');
  return resumeFlow(ctx, ask, id!, opts);
}

import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { grade, gradingJson, mergeInputs } from '../grading/grade.js';
import { EMPTY_INPUTS, inputsFromFlags, type GradingFlags } from '../grading/inputs.js';
import { loadGradingCached } from '../playbook/grading-cache.js';

export async function run(ctx: Context, _args: string[], opts: GradingFlags): Promise<number> {
  const config = await loadGradingCached(ctx.playbooksDir, ctx.env);
  const result = grade(mergeInputs(EMPTY_INPUTS, inputsFromFlags(opts, config)), config);
  if (ctx.json) {
    printJson(ctx, gradingJson(result));
  } else {
    // the table needs colour; JSON does not, so chalk loads only here
    const { renderGrading } = await import('../ui/grading-view.js');
    ctx.out(renderGrading(result, config, ctx.color));
  }
  return 0;
}

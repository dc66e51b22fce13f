import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { grade } from '../grading/grade.js';
import { EMPTY_INPUTS, inputsFromFlags, type GradingFlags } from '../grading/inputs.js';
import { mergeInputs } from '../grading/grade.js';
import { loadGrading } from '../playbook/library.js';

export async function run(ctx: Context, _args: string[], opts: GradingFlags): Promise<number> {
  const config = loadGrading(ctx.playbooksDir);
  const result = grade(mergeInputs(EMPTY_INPUTS, inputsFromFlags(opts, config)), config);
  if (ctx.json) {
    const { gradingJson } = await import('../ui/grading-view.js');
    printJson(ctx, gradingJson(result));
  } else {
    const { renderGrading } = await import('../ui/grading-view.js');
    ctx.out(renderGrading(result, config, ctx.color));
  }
  return 0;
}

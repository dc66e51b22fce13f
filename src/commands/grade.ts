import { join } from 'node:path';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { grade, gradingJson, mergeInputs } from '../grading/grade.js';
import { EMPTY_INPUTS, inputsFromFlags, type GradingFlags } from '../grading/inputs.js';
import { cacheGet, cacheSet, readText } from '../playbook/cache.js';
import type { GradingConfig } from '../playbook/schema.js';

/** grading.yaml, from the cache when unchanged: then neither yaml nor zod loads (BENCHMARKS.md). */
async function gradingConfig(ctx: Context): Promise<GradingConfig> {
  const text = readText(join(ctx.playbooksDir, 'grading.yaml'));
  const key = text === undefined ? undefined : { kind: 'grading', texts: [text] };
  const hit = key && cacheGet<GradingConfig>(ctx.env, key);
  if (hit) return hit;
  const config = (await import('../playbook/library.js')).loadGrading(ctx.playbooksDir);
  if (key) cacheSet(ctx.env, key, config);
  return config;
}

export async function run(ctx: Context, _args: string[], opts: GradingFlags): Promise<number> {
  const config = await gradingConfig(ctx);
  const result = grade(mergeInputs(EMPTY_INPUTS, inputsFromFlags(opts, config)), config);
  if (ctx.json) {
    printJson(ctx, gradingJson(result));
  } else {
    // the table needs colour; JSON does not, so chalk loads only here
    const { renderGrading } = await import('../ui/grading-view.js');
    ctx.out(renderGrading(ctx.messages, result, config, ctx.color, { width: ctx.columns }));
  }
  return 0;
}

import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { InputError, message } from '../errors.js';
import { recordStep, reopenStep, type StepOutcome } from '../engine/decide.js';
import { statusJson } from '../engine/views.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents } from '../app/incidents.js';
import { statementSource } from '../app/statements.js';

/** The flags each outcome takes besides --actor/--json; any other is refused, not silently dropped (issue 16). */
export const TAKES = { done: ['note', 'outcome'], skip: ['reason'], note: ['note'], reopen: ['reason'] } as const;

export function checkFlags(outcome: keyof typeof TAKES, opts: { note?: string; reason?: string; outcome?: string }): void {
  const takes: readonly string[] = TAKES[outcome];
  for (const flag of ['note', 'reason', 'outcome'] as const) {
    if (opts[flag] !== undefined && !takes.includes(flag)) {
      throw new InputError('step.flagMeaningless', { flag: `--${flag}`, outcome, takes: takes.length > 0 ? takes.map((f) => `--${f}`).join(', ') : message('step.flagsNone') });
    }
  }
}

export async function run(
  ctx: Context,
  [id, stepRef, outcome]: string[],
  opts: { note?: string; reason?: string; outcome?: string; actor?: string },
): Promise<number> {
  const { t } = ctx.messages;
  if (!['done', 'skip', 'note', 'reopen'].includes(outcome!)) throw new InputError('step.badOutcome', { value: outcome! });
  checkFlags(outcome as keyof typeof TAKES, opts);
  const at = ctx.now();
  const actor = actorOf(ctx, opts);
  const statements = statementSource(ctx);
  const state = await withIncidents(existingIncidents(ctx, id!), (service) =>
    service.act(id!, (s, time) =>
      outcome === 'reopen'
        ? reopenStep(s, stepRef!, opts.reason, at, actor)
        : recordStep(s, stepRef!, outcome as StepOutcome, { note: opts.note, reason: opts.reason, outcome: opts.outcome, statements }, at, actor, time),
    ),
  );
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else ctx.out(t('step.recorded', { id: id!, step: stepRef!, outcome: outcome! }));
  return 0;
}

// close --force at a terminal, step's flags and mistyped step ids: the command functions on a
// temporary database, the prompt module replaced by a scripted confirmation.
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { run as close } from '../../src/commands/close.js';
import { run as open } from '../../src/commands/open.js';
import { incidents } from '../../src/app/incidents.js';
import { run as step } from '../../src/commands/step.js';
import type { Context } from '../../src/context.js';
import { InputError, WorkError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { PLAYBOOKS, TEMPLATES, tempDir } from '../helpers.js';

const confirmations = vi.hoisted(() => ({ answers: [] as boolean[], asked: [] as string[] }));
vi.mock('../../src/ui/prompts.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/ui/prompts.js')>()),
  createPrompter: () => ({
    confirm: async (q: { message: string }) => {
      confirmations.asked.push(q.message);
      return confirmations.answers.shift() ?? false;
    },
  }),
}));

function context(tty: boolean): Context & { errors: string[]; output: string[] } {
  const errors: string[] = [];
  const output: string[] = [];
  return {
    lang: 'en',
    messages: messages('en'),
    color: false,
    db: join(tempDir(), 'audit.db'),
    playbooksDir: PLAYBOOKS,
    templatesDir: TEMPLATES,
    timezone: 'Asia/Shanghai',
    firm: { name: 'Test Securities', hotline: '95500' },
    // what is tested here is the confirmation; a second person's grant of a forced close is
    // tested with the approvals (test/unit/approvals.test.ts, test/e2e/approvals.test.ts)
    approvals: { statements: true, forcedClose: false, downgrade: true, withdrawDuty: true },
    json: false,
    out: (text) => output.push(text),
    err: (text) => errors.push(text),
    now: () => Date.parse('2026-03-16T09:31:00+08:00'),
    env: {},
    cwd: tempDir(),
    queued: new Set(),
    stdinIsTTY: tty,
    stdoutIsTTY: tty,
    errors,
    output,
  };
}

async function opened(ctx: Context): Promise<string> {
  await open(ctx, [], { type: 'trading-outage', var: ['systems=APP'], indicator: ['eventLevel=2'], impact: 'partial' } as never);
  return (ctx as unknown as { output: string[] }).output[0]!;
}

const stateOf = async (ctx: Context, id: string) => {
  const service = await incidents(ctx, true);
  try {
    return await service.load(id);
  } finally {
    await service.store.close();
  }
};

beforeEach(() => {
  confirmations.answers = [];
  confirmations.asked = [];
});

describe('close --force at a terminal', () => {
  it('lists what it abandons and closes only once confirmed', async () => {
    const ctx = context(true);
    const id = await opened(ctx);
    const pending = (await stateOf(ctx, id)).steps.filter((s) => s.status === 'pending');
    confirmations.answers = [false];
    await expect(close(ctx, [id], { force: true, reason: 'drill over' })).rejects.toThrow(WorkError);
    expect(ctx.errors.join('\n')).toContain(`Closing ${id} by force abandons ${pending.length} pending step(s):`);
    expect(ctx.errors.join('\n')).toMatch(/^  - confirm-grading  Confirm the opinion tier and handling direction$/m);
    expect(confirmations.asked).toEqual([`Close ${id} with these steps left undone?`]);
    expect((await stateOf(ctx, id)).closedAt).toBeNull();

    confirmations.answers = [true];
    expect(await close(ctx, [id], { force: true, reason: 'drill over' })).toBe(0);
    expect((await stateOf(ctx, id)).closedAt).not.toBeNull();
  });

  it('from a script it closes as told, asking nothing', async () => {
    const ctx = context(false);
    const id = await opened(ctx);
    expect(await close(ctx, [id], { force: true, reason: 'scripted' })).toBe(0);
    expect(confirmations.asked).toEqual([]);
  });
});

describe('step', () => {
  it.each([
    ['done', { reason: 'x' }, '--reason means nothing for `done`: `done` takes --note, --outcome'],
    ['skip', { note: 'x', reason: 'y' }, '--note means nothing for `skip`: `skip` takes --reason'],
    ['note', { note: 'x', reason: 'y' }, '--reason means nothing for `note`: `note` takes --note'],
    ['reopen', { note: 'x', reason: 'y' }, '--note means nothing for `reopen`: `reopen` takes --reason'],
  ])('%s refuses a flag that means nothing for it (exit 2), recording nothing', async (outcome, flags, message) => {
    const ctx = context(false);
    const id = await opened(ctx);
    const before = (await stateOf(ctx, id)).events;
    const error = await step(ctx, [id, 'confirm-grading', outcome], flags).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect(messages('en').error(error)).toBe(message);
    expect((await stateOf(ctx, id)).events).toBe(before);
  });

  it('a mistyped step id gets "did you mean"', async () => {
    const ctx = context(false);
    const id = await opened(ctx);
    const said = async (ref: string) => messages('en').error(await step(ctx, [id, ref, 'done'], {}).catch((e: unknown) => e));
    expect(await said('confirm-grding')).toBe('step "confirm-grding" is not in playbook trading-outage: did you mean confirm-grading?');
    expect(await said('holding')).toMatch(/did you mean holding-statement/);
    expect(await said('zzzzzz')).toMatch(/is not in playbook trading-outage \(steps: confirm-grading, /);
  });
});

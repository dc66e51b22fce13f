// Prompt-level tests: the walk's question configurations rendered by the real inquirer prompts.
import { checkbox, confirm, input, select, Separator } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { PassThrough } from 'node:stream';
import chalk, { type ColorSupportLevel } from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../src/context.js';
import { recover } from '../../src/engine/decide.js';
import { InputError, InterruptedError } from '../../src/errors.js';
import { loadGrading } from '../../src/playbook/library.js';
import { messages } from '../../src/i18n/messages.js';
import {
  checkboxConfig,
  confirmConfig,
  createPrompter,
  inputConfig,
  PromptGaveWay,
  isKeyed,
  keyedConfig,
  onScreen,
  promptTheme,
  selectConfig,
  type CheckboxQuestion,
  type InputQuestion,
  type SelectQuestion,
} from '../../src/ui/prompts.js';
import { keyedSelect } from '../../src/ui/keyed-select.js';
import {
  ACTION_KEYS,
  actionQuestion,
  impactQuestion,
  indicatorQuestion,
  noteQuestion,
  numericMetricQuestion,
  overrideTierQuestion,
  reachedQuestion,
  reasonQuestion,
  regradeQuestion,
  varQuestion,
  type LevelAnswer,
} from '../../src/ui/walk/questions.js';
import { spinnerAllowed } from '../../src/ui/walk/spinner.js';
import { painter } from '../../src/ui/style.js';
import { PLAYBOOKS } from '../helpers.js';
import { Harness, HOUR, inputs, playbook, T0 } from '../support/engine.js';

const m = messages('en');
const zh = messages('zh');
const theme = promptTheme(m, false);
const sep = (s: string) => new Separator(s);
/**
 * A prompt a test leaves unanswered is force-closed when the worker exits; its answer promise would
 * then reject with nobody listening (vitest counts that as an error of the run). Observed here.
 */
async function settled<R extends { answer: Promise<unknown> }>(rendered: Promise<R>): Promise<R> {
  const r = await rendered;
  r.answer.catch(() => undefined);
  return r;
}
const renderSelect = <V>(q: SelectQuestion<V>) => settled(render(select<V>, selectConfig(q, theme, sep) as never));
const renderInput = (q: InputQuestion) => settled(render(input, inputConfig(q, theme)));
const renderCheckbox = <V>(q: CheckboxQuestion<V>) => settled(render(checkbox<V>, checkboxConfig(q, theme, sep) as never));
const renderKeyed = <V>(q: SelectQuestion<V>, said = m) => {
  expect(isKeyed(q)).toBe(true);
  return settled(render(keyedSelect, keyedConfig(said, q, theme, sep) as never)) as unknown as ReturnType<typeof renderSelect<V>>;
};

const grading = loadGrading(PLAYBOOKS);

describe('grading questions', () => {
  it('offers the four level descriptions from grading.yaml, figures, and "not known"; a digit picks the level', async () => {
    const { answer, events, getScreen } = await renderSelect(indicatorQuestion(m, grading, 'propagation'));
    const screen = getScreen();
    for (const level of grading.indicators.propagation.levels) expect(screen).toContain((level as { en: string }).en.slice(0, 40));
    expect(screen).toContain('I have figures: Reposts, Views');
    expect(screen).toContain('Not known yet');
    events.type('3');
    events.keypress('enter');
    await expect(answer).resolves.toBe(3);
  });

  it('an indicator without metrics offers no figures', async () => {
    const { getScreen, events, answer } = await renderSelect(indicatorQuestion(m, grading, 'eventLevel'));
    expect(getScreen()).not.toContain('I have figures');
    events.keypress('down');
    events.keypress('enter');
    await expect(answer).resolves.toBe(2);
  });

  it('starts a regrade at the current level', async () => {
    const { answer, events } = await renderSelect(indicatorQuestion(m, grading, 'impactScope', 3));
    events.keypress('enter');
    await expect(answer).resolves.toBe(3);
  });

  it('speaks Chinese, level texts included', async () => {
    const { getScreen, events, answer } = await render(select<LevelAnswer>, selectConfig(indicatorQuestion(zh, grading, 'eventLevel'), promptTheme(zh, false), sep) as never);
    expect(getScreen()).toContain('事件等级');
    expect(getScreen()).toContain('证监会标准下的较大事件');
    expect(getScreen()).toContain('移动');
    events.keypress('enter');
    await expect(answer).resolves.toBe(1);
  });

  it('a metric refuses what is not a number, accepts thousands separators, and may stay empty', async () => {
    const { answer, events, getScreen, nextRender } = await renderInput(numericMetricQuestion(m, grading, 'reposts'));
    events.type('lots');
    events.keypress('enter');
    await nextRender();
    expect(getScreen()).toContain('must be a non-negative number');
    for (let i = 0; i < 4; i++) events.keypress('backspace');
    events.type('15,000');
    events.keypress('enter');
    await expect(answer).resolves.toBe('15,000');

    const empty = await renderInput(numericMetricQuestion(m, grading, 'views'));
    empty.events.keypress('enter');
    await expect(empty.answer).resolves.toBe('');
  });

  it('maps client impact to the three handling directions', async () => {
    const { answer, events, getScreen } = await renderSelect(impactQuestion(m));
    expect(getScreen()).toMatch(/A — no client impact[\s\S]*B — some clients affected[\s\S]*C — material harm/);
    events.keypress('down');
    events.keypress('down');
    events.keypress('enter');
    await expect(answer).resolves.toBe('material');
  });

  it('an override cannot pick the computed tier', async () => {
    const { answer, events, getScreen } = await renderSelect(overrideTierQuestion(m, 'moderate'));
    events.keypress('down');
    events.keypress('enter');
    expect(getScreen()).toContain('cannot be chosen');
    events.keypress('down');
    events.keypress('enter');
    await expect(answer).resolves.toBe('severe');
  });
});

describe('answers that are required', () => {
  it('a required playbook variable is not accepted empty', async () => {
    const { answer, events, getScreen, nextRender } = await renderInput(
      varQuestion(m, { id: 'systems', prompt: { zh: '受影响的系统', en: 'Affected systems' }, required: true }),
    );
    expect(getScreen()).toContain('Affected systems (required)');
    events.keypress('enter');
    await nextRender();
    expect(getScreen()).toContain('The playbook requires this fact.');
    events.type('the mobile app');
    events.keypress('enter');
    await expect(answer).resolves.toBe('the mobile app');
  });

  it('an optional variable may be left empty', async () => {
    const { answer, events } = await renderInput(varQuestion(m, { id: 'eta', prompt: 'ETA', required: false }));
    events.keypress('enter');
    await expect(answer).resolves.toBe('');
  });

  it('a skip needs a reason, and blanks are not one', async () => {
    const { answer, events, getScreen, nextRender } = await renderInput(reasonQuestion(m, 'skip.reason', 'Why?'));
    events.type('   ');
    events.keypress('enter');
    await nextRender();
    expect(getScreen()).toContain('A reason is required.');
    events.type('not applicable');
    events.keypress('enter');
    await expect(answer).resolves.toBe('   not applicable');
  });

  it('a step that requires a note refuses to be done without one; other steps do not ask for one', async () => {
    const needed = await renderInput(noteQuestion(m, 'done.note', true));
    needed.events.keypress('enter');
    await needed.nextRender();
    expect(needed.getScreen()).toContain('A note is required here.');
    const optional = await renderInput(noteQuestion(m, 'done.note', false));
    optional.events.keypress('enter');
    await expect(optional.answer).resolves.toBe('');
  });
});

describe('the action menu', () => {
  const h = new Harness(
    playbook([
      { id: 'holding', phase: 'media', due: '1h', template: 'holding-statement' },
      { id: 'evidence', due: '1h', requires: ['note'] },
    ]),
    inputs('moderate'),
  );

  it('offers the statement only for a step with a template, and says when a note is needed', async () => {
    const withTemplate = await renderKeyed(actionQuestion(m, h.state, h.step('holding'), 1));
    expect(withTemplate.getScreen()).toContain('t) Show the statement (holding-statement)');
    expect(withTemplate.getScreen()).toContain('d) Done');
    const needsNote = await renderKeyed(actionQuestion(m, h.state, h.step('evidence'), 1));
    expect(needsNote.getScreen()).not.toContain('Show the statement');
    expect(needsNote.getScreen()).toContain('d) Done (with a note as evidence)');
    needsNote.events.type('s');
    needsNote.events.keypress('enter');
    await expect(needsNote.answer).resolves.toBe('skip');
  });

  it('every action has the same letter on every card and in both languages', () => {
    const letters = (lang: 'en' | 'zh', step: string, others: number) => {
      return Object.fromEntries(actionQuestion(messages(lang), h.state, h.step(step), others, 'x#1').choices.map((c) => [(c as { value: string }).value, (c as { key?: string }).key]));
    };
    const all = [letters('en', 'holding', 1), letters('zh', 'holding', 1), letters('en', 'evidence', 0), letters('zh', 'evidence', 0)];
    for (const menu of all) for (const [action, key] of Object.entries(menu)) expect(key, action).toBe(ACTION_KEYS[action as keyof typeof ACTION_KEYS]);
    expect(new Set(Object.values(ACTION_KEYS)).size).toBe(Object.keys(ACTION_KEYS).length);
    expect(Object.values(all[0]!)).toEqual(expect.arrayContaining(['d', 's', 'n', 't', 'r', 'i', 'j', 'v', 'c', 'm', 'u', 'p']));
  });

  it('Enter alone, a stray digit, or a letter that means nothing chooses nothing and says how to choose', async () => {
    const menu = await renderKeyed(actionQuestion(m, h.state, h.step('evidence'), 1));
    menu.events.keypress('enter');
    expect(menu.getScreen()).toContain('Type a letter (d s n r i j v c m p) and Enter');
    menu.events.type('9');
    menu.events.keypress('enter');
    expect(menu.getScreen()).toContain('"9" is not one of the letters (d s n r i j v c m p): nothing was chosen');
    menu.events.type('git status');
    menu.events.keypress('enter');
    expect(menu.getScreen()).toContain('"git status" is not one of the letters');
    // still waiting: the next real choice is the one taken
    menu.events.keypress('down');
    menu.events.keypress('down');
    expect(menu.getScreen()).toContain('❯ s) Skip');
    menu.events.keypress('enter');
    await expect(menu.answer).resolves.toBe('skip');
  });

  it('in Chinese the letters are the same and the hint is Chinese', async () => {
    const menu = await renderKeyed(actionQuestion(zh, h.state, h.step('evidence'), 1), zh);
    expect(menu.getScreen()).toMatch(/d\) .*\n\s+s\) /);
    menu.events.keypress('enter');
    expect(menu.getScreen()).toContain('输入字母（d s n r i j v c m p）后回车');
    menu.events.type('P');
    menu.events.keypress('enter');
    await expect(menu.answer).resolves.toBe('pause');
  });

  it('offers recovery until the incident is recovered, and a jump only when other steps are pending', async () => {
    const before = await renderSelect(actionQuestion(m, h.state, h.step('evidence'), 0));
    expect(before.getScreen()).toContain('Mark service recovered');
    expect(before.getScreen()).not.toContain('Jump to another');
    h.apply((s, time) => recover(s, undefined, T0 + HOUR, 'r', time));
    const after = await renderSelect(actionQuestion(m, h.state, h.step('evidence'), 1));
    expect(after.getScreen()).not.toContain('Mark service recovered');
    expect(after.getScreen()).toContain('Jump to another pending step (1)');
  });

  it('a regrade cannot be applied before anything changed', async () => {
    const levels = { eventLevel: 2, impactScope: 2, propagation: 2, durationTrend: 1 };
    const { answer, events, getScreen } = await renderSelect(regradeQuestion(m, grading, levels, 'partial', 0));
    expect(getScreen()).toContain('Propagation: level 2');
    for (let i = 0; i < 5; i++) events.keypress('down'); // onto "Apply"
    expect(getScreen()).toMatch(/❯ 6\. Apply \(0 change\(s\)\)/);
    events.keypress('enter');
    expect(getScreen()).toContain('cannot be chosen');
    events.type('3');
    events.keypress('enter');
    await expect(answer).resolves.toBe('propagation');
  });
});

describe('team activation', () => {
  it('lists members by team; "a" ticks everyone', async () => {
    const q = reachedQuestion(m, [
      { team: 'it', teamName: 'IT emergency group', members: [{ name: '王五', detail: 'Head of IT · +86 10 0000 0003' }] },
      { team: 'opinion', teamName: 'Opinion group', members: [{ name: '钱七', detail: '' }, { name: '孙八', detail: '' }] },
    ]);
    const { answer, events, getScreen } = await renderCheckbox(q);
    expect(getScreen()).toMatch(/IT emergency group[\s\S]*王五 — Head of IT · \+86 10 0000 0003[\s\S]*Opinion group/);
    events.keypress('a');
    events.keypress('enter');
    await expect(answer).resolves.toEqual([
      { team: 'it', member: '王五' },
      { team: 'opinion', member: '钱七' },
      { team: 'opinion', member: '孙八' },
    ]);
  });

  it('confirm speaks Chinese', async () => {
    const { answer, events } = await settled(render(confirm, confirmConfig({ key: 'x', message: '现在结案吗？' }, promptTheme(zh, false))));
    events.type('否');
    events.keypress('enter');
    await expect(answer).resolves.toBe(false);
  });
});

describe('the prompter', () => {
  const ctx = (tty: boolean) => ({ color: false, messages: m, stdinIsTTY: tty, stdoutIsTTY: tty }) as Context;

  it('refuses at once without a terminal, pointing to open/step and drill (exit 2)', () => {
    let error: unknown;
    try {
      createPrompter(ctx(false), { command: 'start' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect(m.error(error)).toMatch(/sec-incident open.*sec-incident step.*sec-incident drill/s);
  });

  it('turns Ctrl-C into an interruption that says how to resume the incident', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    const stdout = new PassThrough();
    const ask = createPrompter(ctx(true), { command: 'start', input: stdin, output: stdout });
    ask.resumable('INC-20260316-001');
    const pending = ask.select({ key: 'action', message: 'What now?', choices: [{ value: 'done', name: 'Done' }] });
    await new Promise((r) => setTimeout(r, 50));
    stdin.write('\x03');
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).exitCode).toBe(130);
    expect(m.error(error)).toContain('sec-incident resume INC-20260316-001');
  });

  it('before the incident exists, Ctrl-C says nothing was recorded', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    const ask = createPrompter(ctx(true), { command: 'start', input: stdin, output: new PassThrough() });
    const pending = ask.input({ key: 'title', message: 'Title' });
    await new Promise((r) => setTimeout(r, 50));
    stdin.write('\x03');
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(m.error(error)).toContain('nothing was recorded');
  });
});

describe('giving way to news from other responders (issue 13)', () => {
  const ctx = (tty: boolean) => ({ color: false, messages: m, stdinIsTTY: tty, stdoutIsTTY: tty }) as Context;
  const terminal = () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    return createPrompter(ctx(true), { command: 'start', input: stdin, output: new PassThrough() });
  };
  const tty = () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    return { stdin, ask: createPrompter(ctx(true), { command: 'start', input: stdin, output: new PassThrough() }) };
  };

  it('an open menu gives way: not an interruption, nothing answered', async () => {
    const ask = terminal();
    expect(ask.giveWay()).toBe(false); // no prompt open
    const pending = ask.select({ key: 'action', message: 'What now?', choices: [{ value: 'done', name: 'Done' }] });
    await new Promise((r) => setTimeout(r, 50));
    expect(ask.giveWay()).toBe(true);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptGaveWay);
    expect(error).not.toBeInstanceOf(InterruptedError);
  });

  it('an empty input gives way; one holding typed text keeps it and is answered with it', async () => {
    const empty = terminal();
    const first = empty.input({ key: 'note', message: 'Note' });
    await new Promise((r) => setTimeout(r, 50));
    expect(empty.giveWay()).toBe(true);
    expect(await first.catch((e: unknown) => e)).toBeInstanceOf(PromptGaveWay);

    const { stdin, ask } = tty();
    const typed = ask.input({ key: 'note', message: 'Note' });
    await new Promise((r) => setTimeout(r, 50));
    stdin.write('half typed');
    await new Promise((r) => setTimeout(r, 50));
    expect(ask.giveWay()).toBe(false);
    stdin.write(' and finished\r');
    expect(await typed).toBe('half typed and finished');
  });

  it('a yes/no is never closed under the responder', async () => {
    const { stdin, ask } = tty();
    const pending = ask.confirm({ key: 'close', message: 'Close?' });
    await new Promise((r) => setTimeout(r, 50));
    expect(ask.giveWay()).toBe(false);
    stdin.write('y\r');
    expect(await pending).toBe(true);
  });
});

describe('spinner', () => {
  it.each([
    [{ json: false }, { isTTY: true, columns: 120 }, true],
    [{ json: true }, { isTTY: true, columns: 120 }, false],
    [{ json: false }, { isTTY: false, columns: 120 }, false],
    [{ json: false }, { isTTY: true, columns: 0 }, false],
    [{ json: false }, { isTTY: true }, false],
  ])('%j on %j: %s', (ctx, stream, allowed) => expect(spinnerAllowed(ctx, stream)).toBe(allowed));
});

describe('what a prompt shows cannot steer the terminal (issue 17, finding 7)', () => {
  const ESC = '\x1b';
  // a terminal with colour, as chalk would detect one
  let level: ColorSupportLevel;
  beforeAll(() => {
    level = chalk.level;
    chalk.level = 1;
  });
  afterAll(() => {
    chalk.level = level;
  });
  it('a choice naming a stored title with conceal is shown escaped; our own colour is written as colour', () => {
    const c = painter(true);
    const q = onScreen(
      {
        key: 'resume',
        message: `Resume ${ESC}[2J?`,
        choices: [{ value: 'INC-1', name: `INC-1 ${c.bold(`T ${ESC}[8mhidden`)}`, description: `${ESC}]0;x\x07` }, { separator: `-- ${ESC}[30m --` }],
      },
      true,
    );
    const [first, separator] = q.choices as [{ name: string; description: string; value: string }, { separator: string }];
    expect(first.value).toBe('INC-1');
    expect(q.message).toBe('Resume \u241b[2J?');
    expect(first.name).toMatch(/^INC-1 \x1b\[1mT \u241b\[8mhidden\x1b\[22m$/);
    expect(first.description).toBe('\u241b]0;x\u2407');
    expect(separator.separator).toBe('-- \u241b[30m --');
  });

  it('without colour our codes are dropped, the text still escaped', () => {
    const q = onScreen({ key: 'k', message: `${painter(true).red('late')} ${ESC}[8m` }, false);
    expect(q.message).toBe('late \u241b[8m');
  });
});

// The one module that talks to @inquirer/prompts (loaded lazily, only once a terminal is known to
// be there), so command tests can replace it with scripted answers.
//
// Prompts draw on stdout, inquirer's default: `start`/`resume` refuse to run unless stdin and
// stdout are terminals, so stdout is the stream we know can take cursor movement, and the walk's
// own text (step cards, tables) goes there too, keeping redraws and text in one ordered stream.
import type { Context } from '../context.js';
import { InputError, InterruptedError, message, type Message, type MessageKey } from '../errors.js';
import type { Messages } from '../i18n/messages.js';
import { terminalSafe } from './format.js';
import { terminalPainter } from './style.js';

export interface Choice<V> {
  value: V;
  /** A fixed letter: a menu whose every choice has one is chosen by letter, never by default. */
  key?: string;
  name: string;
  description?: string;
  short?: string;
  disabled?: boolean | string;
}

/** A question carries a stable `key`, so scripted test answers can say which question they answer. */
export interface SelectQuestion<V> {
  key: string;
  message: string;
  choices: (Choice<V> | { separator: string })[];
  default?: V;
  pageSize?: number;
}

export interface InputQuestion {
  key: string;
  message: string;
  default?: string;
  /** true when acceptable, else the message to show. */
  validate?: (value: string) => true | string;
}

export interface ConfirmQuestion {
  key: string;
  message: string;
  default?: boolean;
}

export interface CheckboxQuestion<V> {
  key: string;
  message: string;
  choices: (Choice<V> & { checked?: boolean } | { separator: string })[];
  pageSize?: number;
}

export interface Prompter {
  select<V>(q: SelectQuestion<V>): Promise<V>;
  input(q: InputQuestion): Promise<string>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
  checkbox<V>(q: CheckboxQuestion<V>): Promise<V[]>;
  /** From now on an interrupted prompt tells how to resume this incident. */
  resumable(id: string): void;
  /**
   * Asks the open prompt to give way (someone else recorded something): it rejects with
   * PromptGaveWay. An input holding typed text keeps going, as does no prompt at all: false.
   */
  giveWay(): boolean;
}

/** A prompt closed by giveWay(), not by the responder: nothing was answered. */
export class PromptGaveWay extends Error {
  override readonly name = 'PromptGaveWay';
  constructor() {
    super('the prompt gave way to news from other responders');
  }
}

/** Interactive commands refuse at once without a terminal: inquirer would wait forever. */
export function requireTerminal(ctx: Pick<Context, 'stdinIsTTY' | 'stdoutIsTTY'>, command: 'start' | 'resume' | 'init' | 'close'): void {
  if (!(ctx.stdinIsTTY && ctx.stdoutIsTTY)) throw new InputError('prompt.noTerminal', { command });
}

export function interruptedMessage(id: string | undefined): Message {
  return id ? message('prompt.interrupted', { id }) : message('prompt.interruptedBeforeOpen');
}

const HELP_KEYS: Record<string, MessageKey> = {
  navigate: 'prompt.key.navigate',
  select: 'prompt.key.select',
  submit: 'prompt.key.submit',
  all: 'prompt.key.all',
  invert: 'prompt.key.invert',
};

/** Colours that follow --no-color/NO_COLOR, and inquirer's own words in the chosen language. */
export function promptTheme(m: Messages, color: boolean) {
  const { t } = m;
  // inquirer writes to the terminal itself: real escape sequences, around text made safe first (onScreen)
  const c = terminalPainter(color);
  return {
    prefix: { idle: c.blue('?'), done: c.green('✔') },
    indexMode: 'number' as const,
    style: {
      answer: (s: string) => c.cyan(s),
      message: (s: string) => c.bold(s),
      error: (s: string) => c.red(`> ${s}`),
      defaultAnswer: (s: string) => c.dim(`(${s})`),
      help: (s: string) => c.dim(s),
      highlight: (s: string) => c.cyan(s),
      key: (s: string) => c.cyan.bold(`<${s}>`),
      description: (s: string) => c.cyan(s),
      disabled: (s: string) => c.dim(s),
      keysHelpTip: (keys: [string, string][]) =>
        keys.map(([key, action]) => `${c.bold(key)} ${c.dim(HELP_KEYS[action] ? t(HELP_KEYS[action]) : action)}`).join(c.dim(' • ')),
    },
    i18n: { disabledError: t('prompt.disabled') },
    keywords: { yes: t('prompt.yes'), no: t('prompt.no'), error: () => t('prompt.yesNo') },
  };
}

type Theme = ReturnType<typeof promptTheme>;

const isSeparator = (c: object): c is { separator: string } => 'separator' in c;

// The configurations handed to inquirer, exported so prompt-level tests render exactly these.
export function selectConfig<V>(q: SelectQuestion<V>, theme: Theme, separator: (s: string) => unknown) {
  return {
    message: q.message,
    choices: q.choices.map((c) => (isSeparator(c) ? separator(c.separator) : c)) as Choice<V>[],
    ...(q.default !== undefined ? { default: q.default } : {}),
    pageSize: q.pageSize ?? Math.min(20, q.choices.length + 4),
    loop: false,
    theme,
  };
}

/** A menu of lettered choices (the walk's actions): see keyed-select.ts. */
export function isKeyed<V>(q: SelectQuestion<V>): boolean {
  const choices = q.choices.filter((c) => !isSeparator(c)) as Choice<V>[];
  return choices.length > 0 && choices.every((c) => c.key && !c.disabled);
}

export function keyedConfig<V>(m: Messages, q: SelectQuestion<V>, theme: Theme, separator: (s: string) => unknown, width?: number) {
  return {
    message: q.message,
    ...(width ? { width } : {}),
    choices: q.choices.map((c) => (isSeparator(c) ? separator(c.separator) : { key: c.key!, value: c.value, name: c.name, ...(c.short ? { short: c.short } : {}) })),
    hint: m.t('prompt.keyHint'),
    unknown: m.t('prompt.keyUnknown'),
    theme,
  };
}

export function inputConfig(q: InputQuestion, theme: Theme) {
  return {
    message: q.message,
    ...(q.default !== undefined ? { default: q.default } : {}),
    ...(q.validate ? { validate: q.validate } : {}),
    theme,
  };
}

export function confirmConfig(q: ConfirmQuestion, theme: Theme) {
  return { message: q.message, default: q.default ?? true, theme };
}

export function checkboxConfig<V>(q: CheckboxQuestion<V>, theme: Theme, separator: (s: string) => unknown, rows?: number) {
  return {
    message: q.message,
    choices: q.choices.map((c) => (isSeparator(c) ? separator(c.separator) : c)) as (Choice<V> & { checked?: boolean })[],
    // on a short screen the list scrolls, so what was said above it (a new id) stays in sight
    pageSize: Math.min(q.pageSize ?? Math.min(24, q.choices.length + 4), rows ? Math.max(5, rows - 16) : Infinity),
    loop: false,
    theme,
  };
}

export interface PromptOptions {
  /** Named in the refusal when there is no terminal. */
  command: 'start' | 'resume' | 'init' | 'close';
  /** Streams for tests; without them the terminal is required. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** Ctrl-C (inquirer's ExitPromptError) becomes an InterruptedError that says how to go on. */
async function guarded<T>(ask: () => Promise<T>, id: () => string | undefined, gaveWay?: AbortSignal): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (gaveWay?.aborted) throw new PromptGaveWay();
    const name = (error as Error)?.name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError') throw new InterruptedError(interruptedMessage(id()));
    throw error;
  }
}

/**
 * A question as the terminal may show it: what it says (titles, notes, ids from the log) with
 * escapes made visible, our own colours written as colour (issue 17, finding 7). Values are not
 * touched: they are what an answer returns.
 */
export function onScreen<Q extends { message: string; choices?: readonly object[] }>(q: Q, color: boolean): Q {
  const s = (text: string) => terminalSafe(text, color);
  const choice = (c: object): object => {
    if (isSeparator(c)) return { separator: s(c.separator) };
    const x = c as Choice<unknown>;
    return {
      ...x,
      name: s(x.name),
      ...(x.description !== undefined ? { description: s(x.description) } : {}),
      ...(x.short !== undefined ? { short: s(x.short) } : {}),
      ...(typeof x.disabled === 'string' ? { disabled: s(x.disabled) } : {}),
    };
  };
  return { ...q, message: s(q.message), ...(q.choices ? { choices: q.choices.map(choice) } : {}) };
}

export function createPrompter(ctx: Context, options: PromptOptions): Prompter {
  const { command, ...streams } = options;
  if (!streams.input) requireTerminal(ctx, command);
  let incident: string | undefined;
  const theme = promptTheme(ctx.messages, ctx.color);
  const context = { ...streams };
  const id = () => incident;
  const lib = () => import('@inquirer/prompts');
  // the prompt open now, and whether it may be closed without losing what was typed
  let open: { controller: AbortController; yields: () => boolean } | undefined;
  const held = async <T>(ask: (ctx: typeof context & { signal: AbortSignal }) => Promise<T>, yields: () => boolean = () => true): Promise<T> => {
    const controller = new AbortController();
    const mine = { controller, yields };
    open = mine;
    try {
      return await guarded(() => ask({ ...context, signal: controller.signal }), id, controller.signal);
    } finally {
      if (open === mine) open = undefined;
    }
  };
  return {
    async select<V>(asked: SelectQuestion<V>) {
      const q = onScreen(asked, ctx.color);
      if (isKeyed(q)) {
        const [{ keyedSelect }, { Separator }] = await Promise.all([import('./keyed-select.js'), lib()]);
        return held((c) => keyedSelect(keyedConfig(ctx.messages, q, theme, (s) => new Separator(s), ctx.columns) as never, c) as Promise<V>);
      }
      const { select, Separator } = await lib();
      return held((c) => select(selectConfig(q, theme, (s) => new Separator(s)), c) as Promise<V>);
    },
    async input(asked: InputQuestion) {
      const q = onScreen(asked, ctx.color);
      const { input } = await lib();
      // the transformer sees the line at every keystroke: typed text is never thrown away
      let typed = '';
      const transformer = (value: string, { isFinal }: { isFinal: boolean }) => {
        typed = value;
        const shown = terminalSafe(value, false); // what was typed is echoed, never obeyed
        return isFinal ? theme.style.answer(shown) : shown;
      };
      return held((c) => input({ ...inputConfig(q, theme), transformer }, c), () => typed === '');
    },
    async confirm(asked: ConfirmQuestion) {
      const q = onScreen(asked, ctx.color);
      const { confirm } = await lib();
      // a yes/no is the end of something begun (closing, say): it is answered, not redrawn
      return held((c) => confirm(confirmConfig(q, theme), c), () => false);
    },
    async checkbox<V>(asked: CheckboxQuestion<V>) {
      const q = onScreen(asked, ctx.color);
      const { checkbox, Separator } = await lib();
      // ticks are the responder's work, as typed text is: kept; as tall as the screen allows
      const rows = (streams.output as NodeJS.WriteStream | undefined)?.rows ?? ctx.rows;
      return held((c) => checkbox(checkboxConfig(q, theme, (s) => new Separator(s), rows), c) as Promise<V[]>, () => false);
    },
    giveWay() {
      if (!open?.yields()) return false;
      open.controller.abort();
      return true;
    },
    resumable(incidentId: string) {
      incident = incidentId;
    },
  };
}

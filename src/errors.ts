// Errors and problems carry a catalogue key and its parameters, never a sentence: the edge that
// catches them renders them once, in the user's language (i18n/messages.ts).
import type { MessageKey } from './i18n/messages.en.js';

export type { MessageKey };

/** A parameter of a message: a value shown as it is, or another message said in the same language. */
export type MessageParam = string | number | Message;
export type MessageParams = Readonly<Record<string, MessageParam>>;

/** Something to say, not yet said: a key of the catalogue and its parameters. */
export interface Message {
  readonly key: MessageKey;
  readonly params?: MessageParams;
}

export function message(key: MessageKey, params?: MessageParams): Message {
  return params ? { key, params } : { key };
}

/** Text given as it is (a library's own error, a path): said the same in every language. */
export function verbatim(text: string): Message {
  return { key: 'text.verbatim', params: { text } };
}

/** A problem found in a file the firm edits, with its position (1-based). */
export interface Problem {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: Message;
}

/** An error the CLI reports as a message and an exit code, never as a stack trace. */
export class CliError extends Error {
  constructor(
    readonly said: Message,
    readonly exitCode: number,
    readonly problems: Problem[] = [],
  ) {
    // the key, for stack traces and logs; people see `said` rendered by the edge
    super(said.key);
    this.name = 'CliError';
  }

  get key(): MessageKey {
    return this.said.key;
  }

  get params(): MessageParams {
    return this.said.params ?? {};
  }
}

/** Bad usage or bad input (SPEC §5: exit 2). */
export class InputError extends CliError {
  constructor(key: MessageKey | Message, params?: MessageParams, problems: Problem[] = []) {
    super(typeof key === 'string' ? message(key, params) : key, 2, problems);
    this.name = 'InputError';
  }
}

/** The work could not be done (exit 1). */
export class WorkError extends CliError {
  constructor(key: MessageKey | Message, params?: MessageParams) {
    super(typeof key === 'string' ? message(key, params) : key, 1);
    this.name = 'WorkError';
  }
}

/** Raised on Ctrl-C at a prompt: exit 130. */
export class InterruptedError extends CliError {
  constructor(key: MessageKey | Message = 'cli.interrupted', params?: MessageParams) {
    super(typeof key === 'string' ? message(key, params) : key, 130);
    this.name = 'InterruptedError';
  }
}

/**
 * An event log that cannot be folded (altered outside the tool): not bad input, not a bug here.
 * The incidents service turns it into a WorkError naming the incident.
 */
export class DamagedLogError extends Error {
  constructor(readonly said: Message) {
    super(said.key);
    this.name = 'DamagedLogError';
  }
}

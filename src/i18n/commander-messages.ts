// commander writes its usage errors in English; these are the same sentences from the catalogue.
import type { Messages } from './messages.js';

type Render = (t: Messages['t'], m: RegExpMatchArray) => string;

const PATTERNS: [RegExp, Render][] = [
  [/^error: unknown option '([^']+)'/, (t, m) => t('cmdr.unknownOption', { name: m[1]! })],
  [/^error: unknown command '([^']+)'/, (t, m) => t('cmdr.unknownCommand', { name: m[1]! })],
  [/^error: missing required argument '([^']+)'/, (t, m) => t('cmdr.missingArgument', { name: m[1]! })],
  [/^error: required option '([^']+)' not specified/, (t, m) => t('cmdr.missingOption', { name: m[1]! })],
  [/^error: option '([^']+)' argument missing/, (t, m) => t('cmdr.optionArgument', { name: m[1]! })],
  [/^error: option '([^']+)' argument '([^']*)' is invalid\. Allowed choices are (.+)\.$/, (t, m) => t('cmdr.invalidChoice', { name: m[1]!, value: m[2]!, choices: m[3]! })],
  [/^error: too many arguments for '([^']+)'/, (t, m) => t('cmdr.tooMany', { name: m[1]! })],
  [/^\(Did you mean (.+)\?\)$/, (t, m) => t('cmdr.didYouMean', { name: m[1]! })],
];

/** Each line of a commander error in the language of `messages`; lines it does not know pass through. */
export function localizeCommanderError(messages: Messages, text: string): string {
  // in English commander's own wording stands, with all its detail
  if (messages.lang === 'en') return text;
  return text
    .split('\n')
    .map((line) => {
      for (const [pattern, render] of PATTERNS) {
        const m = line.match(pattern);
        if (m) return render(messages.t, m);
      }
      return line;
    })
    .join('\n');
}

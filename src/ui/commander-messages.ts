// commander writes its usage errors in English; these are the same sentences from the catalogue.
import { getLang, t } from './i18n.js';

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^error: unknown option '([^']+)'/, (m) => t('cmdr.unknownOption', { name: m[1]! })],
  [/^error: unknown command '([^']+)'/, (m) => t('cmdr.unknownCommand', { name: m[1]! })],
  [/^error: missing required argument '([^']+)'/, (m) => t('cmdr.missingArgument', { name: m[1]! })],
  [/^error: required option '([^']+)' not specified/, (m) => t('cmdr.missingOption', { name: m[1]! })],
  [/^error: option '([^']+)' argument missing/, (m) => t('cmdr.optionArgument', { name: m[1]! })],
  [/^error: option '([^']+)' argument '([^']*)' is invalid\. Allowed choices are (.+)\.$/, (m) => t('cmdr.invalidChoice', { name: m[1]!, value: m[2]!, choices: m[3]! })],
  [/^error: too many arguments for '([^']+)'/, (m) => t('cmdr.tooMany', { name: m[1]! })],
  [/^\(Did you mean (.+)\?\)$/, (m) => t('cmdr.didYouMean', { name: m[1]! })],
];

/** Each line of a commander error in the current language; lines it does not know pass through. */
export function localizeCommanderError(text: string): string {
  // in English commander's own wording stands, with all its detail
  if (getLang() === 'en') return text;
  return text
    .split('\n')
    .map((line) => {
      for (const [pattern, render] of PATTERNS) {
        const m = line.match(pattern);
        if (m) return render(m);
      }
      return line;
    })
    .join('\n');
}

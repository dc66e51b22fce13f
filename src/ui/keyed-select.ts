// A menu whose every choice has a fixed letter, shown beside it (issue 16): the same letter on
// every card and in both languages, so hands learn it. A letter and Enter choose; ↑↓ and Enter
// choose; Enter alone with nothing chosen, or a key that means nothing, chooses nothing and says
// how to choose — never a default, so a stray keystroke cannot record a step.
import {
  createPrompt,
  isBackspaceKey,
  isDownKey,
  isEnterKey,
  isUpKey,
  makeTheme,
  Separator,
  useKeypress,
  useMemo,
  usePrefix,
  useState,
  type Theme,
} from '@inquirer/core';
import { displayWidth, padEnd } from './table.js';

export interface KeyedChoice<V> {
  key: string;
  value: V;
  name: string;
  short?: string;
}

export interface KeyedSelectConfig<V> {
  message: string;
  choices: readonly (KeyedChoice<V> | Separator)[];
  /** The hint under the menu; {keys} is replaced by the letters offered. */
  hint: string;
  /** Said when what was typed is not one of the keys; {typed} and {keys} are replaced. */
  unknown: string;
  /** The terminal's width: a long menu goes in two columns when they fit, to leave the card in sight. */
  width?: number;
  theme?: Partial<Theme>;
}

/** Text cut to `width` terminal columns, an ellipsis marking the cut. */
function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

const isChoice = <V>(c: KeyedChoice<V> | Separator): c is KeyedChoice<V> => !Separator.isSeparator(c);

/** The choice a typed line names: its key, exactly, in either case. */
export function keyedChoice<V>(choices: readonly (KeyedChoice<V> | Separator)[], typed: string): KeyedChoice<V> | undefined {
  const k = typed.trim().toLowerCase();
  return k ? choices.filter(isChoice).find((c) => c.key.toLowerCase() === k) : undefined;
}

export const keyedSelect = createPrompt(<V>(config: KeyedSelectConfig<V>, done: (value: V) => void) => {
  const theme = makeTheme(config.theme ?? {});
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | undefined>();
  const prefix = usePrefix({ status, theme });
  const offered = useMemo(() => config.choices.filter(isChoice), [config.choices]);
  const keys = offered.map((c) => c.key).join(' ');

  useKeypress((key, rl) => {
    if (isEnterKey(key)) {
      const chosen = keyedChoice(config.choices, typed);
      if (chosen) {
        setStatus('done');
        done(chosen.value);
        return;
      }
      setError(typed.trim() ? config.unknown.replace('{typed}', typed.trim()).replace('{keys}', keys) : config.hint.replace('{keys}', keys));
      setTyped('');
      rl.clearLine(0);
    } else if (isUpKey(key) || isDownKey(key)) {
      rl.clearLine(0);
      const at = offered.findIndex((c) => c === keyedChoice(config.choices, typed));
      const next = at < 0 ? (isDownKey(key) ? 0 : offered.length - 1) : Math.min(offered.length - 1, Math.max(0, at + (isDownKey(key) ? 1 : -1)));
      setTyped(offered[next]!.key);
      setError(undefined);
    } else if (isBackspaceKey(key)) {
      setTyped(rl.line);
    } else {
      setTyped(rl.line);
      setError(undefined);
    }
  });

  const message = theme.style.message(config.message, status);
  const chosen = keyedChoice(config.choices, typed);
  if (status === 'done') return `${prefix} ${message} ${theme.style.answer(chosen?.short ?? chosen?.name ?? '')}`;
  const cell = (c: KeyedChoice<V>) => `${c === chosen ? '❯' : ' '} ${c.key}) ${c.name}`;
  const paint = (c: KeyedChoice<V>, text: string) => (c === chosen ? theme.style.highlight(text) : text);
  // a long menu in two columns leaves the card above it on a 24-line screen; a name too long for
  // its column is cut with an ellipsis (the letter still chooses it)
  const twoColumns = offered.length > 6 && offered.length === config.choices.length && config.width !== undefined && config.width >= 60;
  const column = twoColumns ? Math.floor((config.width! - 1) / 2) : 0;
  const fitted = (c: KeyedChoice<V>) => truncate(cell(c), column - 2);
  const lines = twoColumns
    ? Array.from({ length: Math.ceil(offered.length / 2) }, (_, row) => {
        const [left, right] = [offered[row * 2]!, offered[row * 2 + 1]];
        return right ? `${paint(left, padEnd(fitted(left), column))}${paint(right, fitted(right))}` : paint(left, fitted(left));
      })
    : config.choices.map((c) => (isChoice(c) ? paint(c, cell(c)) : ` ${c.separator}`));
  const tip = error ? theme.style.error(error) : theme.style.help(config.hint.replace('{keys}', keys));
  return [`${prefix} ${message} ${typed}`, [...lines, tip].join('\n')];
});

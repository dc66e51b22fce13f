// A language is a value: `messages(lang)` returns the catalogue's helpers bound to it, and whoever
// speaks to people receives them (the Context carries one). No module keeps a current language.
import { CliError, DamagedLogError, type Message, type MessageKey, type MessageParams, type Problem } from '../errors.js';
import type { Team, Text } from '../playbook/schema.js';
import type { Lang } from '../playbook/vocabulary.js';
import { en } from './messages.en.js';
import { zh } from './messages.zh.js';

export type { Lang, MessageKey };

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, zh };

export interface Messages {
  readonly lang: Lang;
  /** A message from the catalogue, with {name} placeholders filled in. */
  t(key: MessageKey, params?: MessageParams): string;
  /** A keyed message (an error's, a problem's), its message parameters said in the same language. */
  say(message: Message): string;
  /** A playbook text field in this language. */
  text(value: Text | undefined): string;
  /** A team by its name; by its id when the teams list does not know it. */
  teamName(teams: readonly Pick<Team, 'id' | 'name'>[] | undefined, id: string): string;
  /** A configured word (`rising`, `1h`) in this language when the catalogue knows it, else as written. */
  valueLabel(value: string): string;
  /** `30m`, `2h`, `1d`, `5wd` for people: 30 min / 30 分钟, 5 working days / 5 个工作日. */
  durationLabel(duration: string): string;
  /** A span of time for people: 12 min, 1 h 5 min, 2 d 3 h. */
  span(ms: number): string;
  /** What an error says: ours by its key, anyone else's in its own words. */
  error(error: unknown): string;
  /** `file:line:col: message`, the form editors jump to. */
  problem(p: Problem): string;
}

function bind(lang: Lang): Messages {
  const catalogue = catalogues[lang];
  const t = (key: MessageKey, params: MessageParams = {}): string =>
    catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'object' ? t(value.key, value.params) : String(value);
    });
  const say = (message: Message) => t(message.key, message.params);
  const text = (value: Text | undefined) => (value === undefined ? '' : typeof value === 'string' ? value : value[lang] || value.en || value.zh);
  return {
    lang,
    t,
    say,
    text,
    teamName: (teams, id) => text(teams?.find((x) => x.id === id)?.name) || id,
    valueLabel: (value) => {
      const key = `value.${value}`;
      return key in catalogue ? t(key as MessageKey) : value;
    },
    durationLabel: (duration) => {
      const m = /^(\d+)(m|h|d|wd)$/.exec(duration.trim());
      return m ? t(`every.${m[2] as 'm' | 'h' | 'd' | 'wd'}`, { n: m[1]! }) : duration;
    },
    span: (ms) => {
      const minutes = Math.round(Math.abs(ms) / 60000);
      if (minutes === 0) return t('duration.underMin'); // "overdue 0 min" reads as not overdue
      if (minutes < 60) return t('duration.min', { n: minutes });
      if (minutes < 24 * 60) return t('duration.h', { h: Math.floor(minutes / 60), m: minutes % 60 });
      return t('duration.d', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
    },
    error: (error) =>
      error instanceof CliError || error instanceof DamagedLogError ? say(error.said) : ((error as Error)?.message ?? String(error)),
    problem: (p) => `${p.file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${say(p.message)}`,
  };
}

const bound: Partial<Record<Lang, Messages>> = {};

export function messages(lang: Lang): Messages {
  return (bound[lang] ??= bind(lang));
}

/** LANG=zh_CN.UTF-8 ⇒ zh; anything else ⇒ en (SPEC §5). */
export function langFromLocale(locale: string | undefined): Lang {
  return locale?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

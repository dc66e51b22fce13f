import { en, type MessageKey } from './messages.en.js';
import { zh } from './messages.zh.js';
import type { Team, Text } from '../playbook/schema.js';

export type Lang = 'zh' | 'en';
export type { MessageKey };

let current: Lang = 'en';

export function setLang(lang: Lang): void {
  current = lang;
}

export function getLang(): Lang {
  return current;
}

/** LANG=zh_CN.UTF-8 ⇒ zh; anything else ⇒ en (SPEC §5). */
export function langFromLocale(locale: string | undefined): Lang {
  return locale?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

const catalogues = { en, zh } as const;

/** A message from the catalogue, with {name} placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}, lang: Lang = current): string {
  const template: string = catalogues[lang][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** A team by its name in the current language; by its id when the teams list does not know it. */
export function teamName(teams: readonly Pick<Team, 'id' | 'name'>[] | undefined, id: string): string {
  return text(teams?.find((x) => x.id === id)?.name) || id;
}

/** A playbook text field in the chosen language. */
export function text(value: Text | undefined, lang: Lang = current): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value[lang] || value.en || value.zh;
}

/**
 * A configured word shown to people: a metric value such as `rising`, or a duration such as `1h`,
 * in the current language when the catalogue knows it; otherwise as written in the file.
 */
export function valueLabel(value: string): string {
  const key = `value.${value}`;
  return key in catalogues[current] ? t(key as MessageKey) : value;
}

/** `30m`, `2h`, `1d`, `5wd` for people: 30 min / 30 分钟, 5 working days / 5 个工作日. */
export function durationLabel(duration: string): string {
  const m = /^(\d+)(m|h|d|wd)$/.exec(duration.trim());
  return m ? t(`every.${m[2] as 'm' | 'h' | 'd' | 'wd'}`, { n: m[1]! }) : duration;
}

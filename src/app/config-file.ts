// What `init` writes and `config` shows, as plain functions over settings (SPEC §10).
import type { SettingKey, SettingSource, Settings } from '../config.js';
import { SETTING_KEYS } from '../config.js';

/** postgres://user:secret@host/db or ?password=…: a password that must not sit in a file. */
export function urlHasPassword(db: string): boolean {
  if (!/^postgres(ql)?:\/\//i.test(db)) return false;
  try {
    const url = new URL(db);
    return url.password !== '' || url.searchParams.has('password');
  } catch {
    return /:\/\/[^/@]*:[^/@]*@/.test(db);
  }
}

/** A URL as shown to people: any password replaced, so `config` never prints one (SPEC §5). */
export function maskDb(db: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) return db;
  try {
    const url = new URL(db);
    if (url.password) url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    return db.replace(/(:\/\/[^/@:]*:)[^/@]*@/, '$1***@');
  }
}

export interface InitAnswers {
  firmName?: string;
  hotline?: string;
  website?: string;
  lang?: 'zh' | 'en';
  timezone?: string;
  db?: string;
  playbooks?: string;
  templates?: string;
}

/** The YAML document of sec-incident.yaml: only what was given, in the README's order. */
export function configDocument(a: InitAnswers): Record<string, unknown> {
  const firm = Object.fromEntries(
    (
      [
        ['name', a.firmName],
        ['hotline', a.hotline],
        ['website', a.website],
      ] as const
    ).filter(([, v]) => v?.trim()).map(([k, v]) => [k, v!.trim()]),
  );
  const doc: Record<string, unknown> = {};
  if (Object.keys(firm).length) doc.firm = firm;
  for (const key of ['lang', 'timezone', 'db', 'playbooks', 'templates'] as const) if (a[key]?.trim()) doc[key] = a[key]!.trim();
  return doc;
}

export interface SettingRow {
  key: SettingKey;
  value: string | undefined;
  source: SettingSource;
}

/** Every setting in force with its source, in a fixed order. */
export function settingRows(s: Settings): SettingRow[] {
  const value: Record<SettingKey, string | undefined> = {
    lang: s.lang,
    timezone: s.timezone,
    db: maskDb(s.db),
    playbooks: s.playbooksDir,
    templates: s.templatesDir,
    'firm.name': s.firm.name,
    'firm.hotline': s.firm.hotline,
    'firm.website': s.firm.website,
    'notify.lead': s.notifyLead,
  };
  return SETTING_KEYS.map((key) => ({ key, value: value[key], source: s.sources?.[key] ?? { from: 'default' } }));
}

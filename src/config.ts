// Where settings come from: flags, then environment, then sec-incident.yaml, then defaults (SPEC §4).
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from './paths.js';
import { InputError, message } from './errors.js';
import type { Firm, Lang } from './playbook/schema.js';
import { langFromLocale } from './i18n/messages.js';
import { isValidTimeZone } from './time/zone.js';
import { shellWord } from './shell.js';
import { isPostgresUrl, maskUrl } from './store/postgres/target.js';

export interface GlobalFlags {
  db?: string;
  playbooks?: string;
  templates?: string;
  config?: string;
  lang?: string;
  color?: boolean;
}

export interface Settings {
  lang: Lang;
  color: boolean;
  db: string;
  playbooksDir: string;
  templatesDir: string;
  timezone: string;
  firm: Firm;
  configFile?: string;
  /** How long before a step's due time its owner is reminded (SPEC §9 `notify.lead`; default 10m). */
  notifyLead?: string;
}

const root = packageRoot();
export const BUNDLED_PLAYBOOKS = join(root, 'playbooks');
export const BUNDLED_TEMPLATES = join(root, 'templates');

export function defaultDbPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'sec-incident', 'audit.db');
}

/** What to type after `sec-incident resume`: the id, and the database when it is not the default. */
export function resumeTarget(ctx: { db: string; env: NodeJS.ProcessEnv }, id: string): string {
  // a server's URL is shown without its password: the responder supplies it again (PGPASSWORD, ~/.pgpass)
  if (isPostgresUrl(ctx.db)) return `${id} --db ${shellWord(maskUrl(ctx.db))}`;
  return resolve(ctx.db) === defaultDbPath(ctx.env) ? id : `${id} --db ${shellWord(resolve(ctx.db))}`;
}

export function parseLang(value: string): Lang {
  if (value !== 'zh' && value !== 'en') throw new InputError('arg.lang', { value });
  return value;
}

/** The language before anything else is read, so even usage errors speak it. */
export function earlyLang(argv: readonly string[], env: NodeJS.ProcessEnv): Lang {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const flag = i < 0 ? undefined : argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  if (flag === 'zh' || flag === 'en') return flag;
  if (env.SEC_INCIDENT_LANG === 'zh' || env.SEC_INCIDENT_LANG === 'en') return env.SEC_INCIDENT_LANG;
  return langFromLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);
}

export async function resolveSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<Settings> {
  const explicit = flags.config ?? env.SEC_INCIDENT_CONFIG;
  const configFile = explicit ? resolve(cwd, explicit) : join(cwd, 'sec-incident.yaml');
  if (explicit && !existsSync(configFile)) throw new InputError('config.notFound', { file: configFile });
  let file: import('./playbook/schema.js').ConfigFile = {};
  let base = cwd;
  let source: import('./playbook/yaml.js').YamlSource | undefined;
  if (existsSync(configFile)) {
    // yaml and zod load only when there is a file to check
    const [{ parseFile }, { configSchema }] = await Promise.all([import('./playbook/library.js'), import('./playbook/schema.js')]);
    const parsed = parseFile(configFile, configSchema);
    if (!parsed.ok) throw new InputError('config.invalid', {}, parsed.problems);
    file = parsed.value;
    source = parsed.source;
    base = dirname(configFile);
  }

  // SEC_INCIDENT_LANG and the file's lang are deliberate choices; LANG is only the system default
  const lang = flags.lang
    ? parseLang(flags.lang)
    : env.SEC_INCIDENT_LANG
      ? parseLang(env.SEC_INCIDENT_LANG)
      : (file.lang ?? langFromLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG));
  const timezone = env.SEC_INCIDENT_TIMEZONE || file.timezone || 'Asia/Shanghai';
  // Intl's time-zone data is slow to wake: only a zone someone configured is checked
  if (timezone !== 'Asia/Shanghai' && !isValidTimeZone(timezone)) {
    const said = message('config.timezone', { tz: timezone });
    if (env.SEC_INCIDENT_TIMEZONE || !source) throw new InputError(said);
    const { locate } = await import('./playbook/yaml.js');
    throw new InputError('config.invalid', {}, [{ ...locate(source, ['timezone']), message: said }]);
  }

  const pick = (flag: string | undefined, envName: string, fromFile: string | undefined, fallback: string) =>
    flag ? resolve(cwd, flag) : env[envName] ? resolve(cwd, env[envName]!) : fromFile ? resolve(base, fromFile) : fallback;

  return {
    lang,
    color: flags.color !== false && !env.NO_COLOR,
    // a postgres:// URL names a server, not a path: it is kept as given (SPEC §6)
    db: pickDb(flags.db || env.SEC_INCIDENT_DB || undefined, file.db, cwd, base, env),
    playbooksDir: pick(flags.playbooks, 'SEC_INCIDENT_PLAYBOOKS', file.playbooks, BUNDLED_PLAYBOOKS),
    templatesDir: pick(flags.templates, 'SEC_INCIDENT_TEMPLATES', file.templates, BUNDLED_TEMPLATES),
    timezone,
    firm: { ...file.firm },
    notifyLead: file.notify?.lead ?? '10m',
    configFile: existsSync(configFile) ? configFile : undefined,
  };
}

function pickDb(given: string | undefined, fromFile: string | undefined, cwd: string, base: string, env: NodeJS.ProcessEnv): string {
  if (given) return isPostgresUrl(given) ? given : resolve(cwd, given);
  if (fromFile) return isPostgresUrl(fromFile) ? fromFile : resolve(base, fromFile);
  return defaultDbPath(env);
}

export function defaultActor(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.USERNAME || 'unknown';
  }
}

// Where settings come from: flags, then environment, then sec-incident.yaml, then defaults (SPEC §4).
import { existsSync, statSync } from 'node:fs';
import { DEFAULT_APPROVALS, type ApprovalPolicy } from './engine/approvals.js';
import { homedir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from './paths.js';
import { InputError, message } from './errors.js';
import type { Firm, Lang } from './playbook/schema.js';
import { langFromLocale } from './i18n/messages.js';
import { LIMITS } from './fsutil.js';
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

/** Where a setting in force came from (SPEC §10: `config` shows it). */
export type SettingSource =
  | { from: 'flag'; name: string }
  | { from: 'env'; name: string }
  | { from: 'file'; file: string }
  | { from: 'default' };

export const SETTING_KEYS = ['lang', 'timezone', 'db', 'playbooks', 'templates', 'firm.name', 'firm.hotline', 'firm.website', 'notify.lead'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface Settings {
  lang: Lang;
  color: boolean;
  db: string;
  playbooksDir: string;
  templatesDir: string;
  timezone: string;
  firm: Firm;
  /** Which actions need a second person (SPEC §9): each on unless the file turns it off. */
  approvals?: ApprovalPolicy;
  configFile?: string;
  /** How long before a step's due time its owner is reminded (SPEC §9 `notify.lead`; default 10m). */
  notifyLead?: string;
  sources?: Record<SettingKey, SettingSource>;
  /** The database the current folder's sec-incident.yaml names (or the default it implies); undefined without one. */
  folderDb?: string;
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

/** The firm-wide file looked for when the current folder has none: $XDG_CONFIG_HOME/sec-incident/config.yaml. */
export function userConfigFile(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'sec-incident', 'config.yaml');
}

/** The config file in force: --config, SEC_INCIDENT_CONFIG, ./sec-incident.yaml, then the user's (SPEC §10). */
export function configFileFor(flags: Pick<GlobalFlags, 'config'>, env: NodeJS.ProcessEnv, cwd: string): { file: string; explicit: boolean } {
  const explicit = flags.config ?? env.SEC_INCIDENT_CONFIG;
  if (explicit) return { file: resolve(cwd, explicit), explicit: true };
  const local = join(cwd, 'sec-incident.yaml');
  if (existsSync(local)) return { file: local, explicit: false };
  const user = userConfigFile(env);
  return { file: existsSync(user) ? user : local, explicit: false };
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

async function readConfigFile(configFile: string): Promise<{ file: import('./playbook/schema.js').ConfigFile; source: import('./playbook/yaml.js').YamlSource }> {
  // yaml and zod load only when there is a file to check
  const [{ parseFile }, { configSchema }] = await Promise.all([import('./playbook/library.js'), import('./playbook/schema.js')]);
  const parsed = parseFile(configFile, configSchema, LIMITS.config);
  if (!parsed.ok) throw new InputError('config.invalid', {}, parsed.problems);
  return { file: parsed.value, source: parsed.source };
}

/** `readFile: false` is for `init`, which writes the file: one missing or broken must not stop it. */
export async function resolveSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv, cwd: string, readFile = true): Promise<Settings> {
  const { file: configFile, explicit } = configFileFor(flags, env, cwd);
  if (readFile && explicit && !existsSync(configFile)) throw new InputError('config.notFound', { file: configFile });
  let file: import('./playbook/schema.js').ConfigFile = {};
  let base = cwd;
  let source: import('./playbook/yaml.js').YamlSource | undefined;
  const found = readFile && existsSync(configFile);
  if (found) {
    ({ file, source } = await readConfigFile(configFile));
    base = dirname(configFile);
  }
  const fromFile: SettingSource = { from: 'file', file: configFile };
  const sources = {} as Record<SettingKey, SettingSource>;

  // SEC_INCIDENT_LANG and the file's lang are deliberate choices; LANG is only the system default
  let lang: Lang;
  if (flags.lang) [lang, sources.lang] = [parseLang(flags.lang), { from: 'flag', name: '--lang' }];
  else if (env.SEC_INCIDENT_LANG) [lang, sources.lang] = [parseLang(env.SEC_INCIDENT_LANG), { from: 'env', name: 'SEC_INCIDENT_LANG' }];
  else if (file.lang) [lang, sources.lang] = [file.lang, fromFile];
  else {
    const locale = env.LC_ALL ? 'LC_ALL' : env.LC_MESSAGES ? 'LC_MESSAGES' : env.LANG ? 'LANG' : undefined;
    lang = langFromLocale(locale ? env[locale] : undefined);
    sources.lang = locale ? { from: 'env', name: locale } : { from: 'default' };
  }
  const timezone = env.SEC_INCIDENT_TIMEZONE || file.timezone || 'Asia/Shanghai';
  sources.timezone = env.SEC_INCIDENT_TIMEZONE ? { from: 'env', name: 'SEC_INCIDENT_TIMEZONE' } : file.timezone ? fromFile : { from: 'default' };
  // Intl's time-zone data is slow to wake: only a zone someone configured is checked
  if (timezone !== 'Asia/Shanghai' && !isValidTimeZone(timezone)) {
    const said = message('config.timezone', { tz: timezone });
    if (env.SEC_INCIDENT_TIMEZONE || !source) throw new InputError(said);
    const { locate } = await import('./playbook/yaml.js');
    throw new InputError('config.invalid', {}, [{ ...locate(source, ['timezone']), message: said }]);
  }

  const pick = (key: SettingKey, flag: string | undefined, flagName: string, envName: string, inFile: string | undefined, fallback: string) => {
    if (flag) return (sources[key] = { from: 'flag', name: flagName }), locate(cwd, flag);
    if (env[envName]) return (sources[key] = { from: 'env', name: envName }), locate(cwd, env[envName]!);
    if (inFile) return (sources[key] = fromFile), locate(base, inFile);
    return (sources[key] = { from: 'default' }), fallback;
  };
  const firm: Firm = { ...file.firm };
  for (const k of ['name', 'hotline', 'website'] as const) sources[`firm.${k}`] = firm[k] ? fromFile : { from: 'default' };
  sources['notify.lead'] = file.notify?.lead ? fromFile : { from: 'default' };

  const db = pick('db', flags.db, '--db', 'SEC_INCIDENT_DB', file.db, defaultDbPath(env));
  const playbooksDir = pick('playbooks', flags.playbooks, '--playbooks', 'SEC_INCIDENT_PLAYBOOKS', file.playbooks, BUNDLED_PLAYBOOKS);
  const templatesDir = pick('templates', flags.templates, '--templates', 'SEC_INCIDENT_TEMPLATES', file.templates, BUNDLED_TEMPLATES);
  // a file named where a folder belongs is said here, not as ENOTDIR from deep inside a read
  for (const dir of [playbooksDir, templatesDir]) {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError('config.notFolder', { dir });
  }
  return {
    lang,
    color: flags.color !== false && !env.NO_COLOR,
    // a postgres:// URL names a server, not a path: it is kept as given (SPEC §6)
    db,
    playbooksDir,
    templatesDir,
    timezone,
    firm,
    notifyLead: file.notify?.lead ?? '10m',
    approvals: { ...DEFAULT_APPROVALS, ...file.approvals },
    configFile: found ? configFile : undefined,
    sources,
    folderDb: readFile ? await folderDb(cwd, configFile, file, env) : undefined,
  };
}

/** A database URL is kept as written; a file path is resolved against the folder it was given in. */
function locate(base: string, value: string): string {
  return isPostgresUrl(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : resolve(base, value);
}

/** What the current folder's own sec-incident.yaml would give for the database (SPEC §10). */
async function folderDb(cwd: string, configFile: string, file: import('./playbook/schema.js').ConfigFile, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const local = join(cwd, 'sec-incident.yaml');
  if (!existsSync(local)) return undefined;
  const db = configFile === local ? file.db : (await readConfigFile(local).catch(() => ({ file: {} as typeof file }))).file.db;
  return db ? locate(cwd, db) : defaultDbPath(env);
}

export function defaultActor(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER || env.USERNAME || 'unknown';
  }
}

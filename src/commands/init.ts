// `init`: writes the firm's sec-incident.yaml, asking on a terminal what the flags did not give,
// and with --playbooks-dir copies the bundled library into a folder the firm owns (SPEC §10).
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES, defaultDbPath } from '../config.js';
import type { Context } from '../context.js';
import { InputError, message, type Message } from '../errors.js';
import { makeDirs } from '../fsutil.js';
import { configDocument, urlHasPassword, type InitAnswers } from '../app/config-file.js';
import { isValidTimeZone } from '../time/zone.js';
import { createPrompter, type Prompter } from '../ui/prompts.js';

export interface InitFlags {
  firmName?: string;
  hotline?: string;
  website?: string;
  lang?: string;
  timezone?: string;
  db?: string;
  playbooksDir?: string;
  yes?: boolean;
  force?: boolean;
}

function checkDb(db: string | undefined): true | Message {
  return db && urlHasPassword(db) ? message('init.password') : true;
}

function checkTimezone(tz: string | undefined): true | Message {
  return !tz || isValidTimeZone(tz) ? true : message('init.timezone', { tz });
}

const nonEmpty = (dir: string) => existsSync(dir) && readdirSync(dir).length > 0;

/** A path as written in the file: relative to the file's folder when inside it, so the folder can move. */
function asWritten(folder: string, path: string): string {
  const rel = relative(folder, path);
  return rel && !rel.startsWith('..') && !rel.startsWith(sep) ? `./${rel.split(sep).join('/')}` : path;
}

async function ask(ctx: Context, prompt: Prompter, given: InitFlags): Promise<InitAnswers> {
  const { t, say } = ctx.messages;
  const said = (verdict: true | Message) => (verdict === true ? true : say(verdict));
  const answer = async (value: string | undefined, key: string, message: string, validate?: (v: string) => true | string, fallback?: string) =>
    value ?? ((await prompt.input({ key, message, ...(fallback ? { default: fallback } : {}), ...(validate ? { validate } : {}) })).trim() || undefined);
  return {
    firmName: await answer(given.firmName, 'init.name', t('init.askName')),
    hotline: await answer(given.hotline, 'init.hotline', t('init.askHotline')),
    website: await answer(given.website, 'init.website', t('init.askWebsite')),
    lang:
      (given.lang as 'zh' | 'en' | undefined) ??
      (await prompt.select({
        key: 'init.lang',
        message: t('init.askLang'),
        choices: [
          { value: 'zh' as const, name: '中文 (zh)' },
          { value: 'en' as const, name: 'English (en)' },
        ],
        default: ctx.lang,
      })),
    timezone: await answer(given.timezone, 'init.timezone', t('init.askTimezone'), (v) => said(checkTimezone(v.trim())), 'Asia/Shanghai'),
    db: await answer(given.db, 'init.db', t('init.askDb', { default: defaultDbPath(ctx.env) }), (v) => said(checkDb(v.trim()))),
  };
}

export async function run(ctx: Context, _args: string[], opts: InitFlags & { config?: string }): Promise<number> {
  const { t } = ctx.messages;
  for (const verdict of [checkDb(opts.db), checkTimezone(opts.timezone)]) if (verdict !== true) throw new InputError(verdict.key, verdict.params);
  if (opts.lang !== undefined && opts.lang !== 'zh' && opts.lang !== 'en') throw new InputError('arg.lang', { value: opts.lang });
  const cwd = ctx.cwd;
  const target = resolve(cwd, opts.config ?? ctx.env.SEC_INCIDENT_CONFIG ?? 'sec-incident.yaml');
  const folder = resolve(target, '..');
  const interactive = !opts.yes && ctx.stdinIsTTY && ctx.stdoutIsTTY;
  const prompt = interactive ? createPrompter(ctx, { command: 'init' }) : undefined;

  if (existsSync(target) && !opts.force) {
    const replace = prompt ? await prompt.confirm({ key: 'init.overwrite', message: t('init.askOverwrite', { file: target }), default: false }) : false;
    if (!replace) throw new InputError('init.exists', { file: target });
  }
  const library = opts.playbooksDir ? resolve(cwd, opts.playbooksDir) : undefined;
  const playbooks = library && join(library, 'playbooks');
  const templates = library && join(library, 'templates');
  // checked before anything is asked or written: no partial set-up
  for (const dir of [playbooks, templates]) if (dir && nonEmpty(dir) && !opts.force) throw new InputError('init.dirNotEmpty', { dir });

  const answers: InitAnswers = prompt ? await ask(ctx, prompt, opts) : { ...opts, lang: opts.lang as 'zh' | 'en' | undefined };
  if (playbooks && templates) {
    makeDirs(library!);
    cpSync(BUNDLED_PLAYBOOKS, playbooks, { recursive: true });
    cpSync(BUNDLED_TEMPLATES, templates, { recursive: true });
    answers.playbooks = asWritten(folder, playbooks);
    answers.templates = asWritten(folder, templates);
    ctx.err(t('init.copied', { playbooks, templates }));
  }
  const header = `# ${t('init.header', { date: new Date(ctx.now()).toISOString().slice(0, 10) })}\n`;
  makeDirs(folder);
  writeFileSync(target, header + stringify(configDocument(answers)), { mode: 0o644 });
  ctx.err(t('init.written', { file: target }));
  const unset = [
    ['firm.name', answers.firmName],
    ['firm.hotline', answers.hotline],
  ].filter(([, v]) => !v?.trim());
  if (unset.length) ctx.err(t('init.unsetLeft', { keys: unset.map(([k]) => k).join(', ') }));
  ctx.err(t('init.next'));
  return 0;
}

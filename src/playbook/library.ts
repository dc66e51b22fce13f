// Reading the firm's playbooks and templates from disk: the I/O edge of the playbook language.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { CliError, InputError, message, verbatim, type Problem } from '../errors.js';
import { lastCoveredYear, type WorkCalendar } from '../time/calendar.js';
import { parseYaml, type Parsed } from './yaml.js';
import type { Lang } from './vocabulary.js';
import { LIMITS, readBoundedBytes, textProblem } from '../fsutil.js';
import {
  calendarFileSchema,
  gradingSchema,
  playbookSchema,
  teamsFileSchema,
  type GradingConfig,
  type Playbook,
  type Team,
} from './schema.js';
import { checkGrading, checkPlaybook, checkTeams } from './checks.js';
import { anchorChannel } from '../notify/secrets.js';

export interface LoadedPlaybook {
  definition: Playbook;
  file: string;
  sha256: string;
}

const RESERVED = new Set(['grading', 'teams', 'calendar', 'lock']);

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * A file the firm edits, read with a bounded reader: a regular file (not a FIFO or /dev/zero), at
 * most `max` bytes, UTF-8 without NUL (issue 17, findings 5 and 6); each refusal names file:line:col.
 */
export function readFile(file: string, max: number = LIMITS.yaml): { content: Buffer } | { problem: Problem } {
  let content: Buffer;
  try {
    if (existsSync(file) && statSync(file).size > max) {
      const size = statSync(file).size;
      return { problem: { file, line: 1, col: 1, severity: 'error', message: message('yaml.tooLarge', { size: (size / 1048576).toFixed(1), limit: max >= 1048576 ? max / 1048576 : (max / 1048576).toFixed(2) }) } };
    }
    content = readBoundedBytes(file, max);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? message('pb.missingFile') : code === 'ENOTDIR' ? message('file.notInFolder') : e instanceof CliError ? e.said : verbatim((e as Error).message);
    return { problem: { file, line: 1, col: 1, severity: 'error', message: message('yaml.unreadable', { detail }) } };
  }
  const bad = textProblem(file, content);
  if (bad) return { problem: { file, line: bad.line, col: bad.col, severity: 'error', message: bad.message } };
  return { content };
}

export function parseFile<S extends z.ZodType>(file: string, schema: S, max: number = LIMITS.yaml): Parsed<z.output<S>> & { content?: Buffer } {
  const read = readFile(file, max);
  if ('problem' in read) return { ok: false, problems: [read.problem] };
  return { ...parseYaml(file, read.content, schema), content: read.content };
}

function orThrow<T>(parsed: Parsed<T>, extra: Problem[] = []): T {
  const problems = parsed.ok ? extra : parsed.problems;
  const errors = problems.filter((p) => p.severity === 'error');
  if (!parsed.ok || errors.length > 0) throw new InputError('config.invalid', {}, errors);
  return parsed.value;
}

export function loadGrading(dir: string): GradingConfig {
  const parsed = parseFile(join(dir, 'grading.yaml'), gradingSchema);
  return orThrow(parsed, parsed.ok ? checkGrading(parsed.value, parsed.source) : []);
}

export function loadTeams(dir: string): Team[] {
  const parsed = parseFile(join(dir, 'teams.yaml'), teamsFileSchema);
  const teams = orThrow(parsed, parsed.ok ? checkTeams(parsed.value.teams, parsed.source) : []).teams;
  // a relative {file:} names a file beside teams.yaml, wherever the command runs (SPEC §4)
  return teams.map((team) => (team.channels ? { ...team, channels: team.channels.map((c) => anchorChannel(c, dir)) } : team));
}

export function playbookIds(dir: string): string[] {
  if (!existsSync(dir)) throw new InputError('pb.dirMissing', { dir });
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && !RESERVED.has(basename(f, '.yaml')))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

export function loadPlaybook(dir: string, type: string, teams: Team[]): LoadedPlaybook {
  const file = join(dir, `${type}.yaml`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(type) || !existsSync(file)) {
    throw new InputError('pb.notFound', { type, dir, known: playbookIds(dir).join(', ') || '—' });
  }
  const parsed = parseFile(file, playbookSchema);
  const definition = orThrow(parsed, parsed.ok ? checkPlaybook(parsed.value, parsed.source, teams) : []);
  return { definition, file, sha256: sha256(parsed.content!) };
}

/** The public-holiday calendar (chinese-days data) with the firm's own playbooks/calendar.yaml on top. */
export function loadCalendar(dir: string): WorkCalendar {
  const require = createRequire(import.meta.url);
  const data = JSON.parse(readFileSync(require.resolve('chinese-days/dist/chinese-days.json'), 'utf8')) as {
    holidays: Record<string, string>;
    workdays: Record<string, string>;
  };
  const holidays = new Set(Object.keys(data.holidays));
  const workdays = new Set(Object.keys(data.workdays));
  const file = join(dir, 'calendar.yaml');
  if (existsSync(file)) {
    const own = orThrow(parseFile(file, calendarFileSchema));
    // the firm's word wins: a date it lists as a holiday is not a make-up workday, and vice versa
    for (const d of own.holidays) (holidays.add(d), workdays.delete(d));
    for (const d of own.workdays) (workdays.add(d), holidays.delete(d));
  }
  return { holidays, workdays, lastYear: lastCoveredYear(holidays, workdays) };
}

/**
 * Path of a template inside the templates folder; undefined if it would leave the folder, by its
 * name or through a symbolic link (SPEC §4: templates are only read from inside the folder).
 */
export function templatePath(templatesDir: string, id: string, lang: Lang): string | undefined {
  const root = resolve(templatesDir);
  const file = resolve(root, `${id}.${lang}.md`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !file.startsWith(root + sep)) return undefined;
  return insideFolder(root, file) ? file : undefined;
}

/** Whether a file, with every link on both paths followed, is inside the folder; a missing file counts as inside. */
export function insideFolder(folder: string, file: string): boolean {
  try {
    return realpathSync(file).startsWith(realpathSync(folder) + sep);
  } catch {
    return true; // does not exist (yet): the caller reports it missing
  }
}

export function readTemplate(templatesDir: string, id: string, lang: Lang): string {
  const file = templatePath(templatesDir, id, lang);
  if (!file) throw new InputError('tpl.outside', { id });
  const read = readFile(file);
  if ('problem' in read) throw new InputError(read.problem.message, {}, [read.problem]);
  return read.content.toString('utf8');
}

// `playbooks validate`: every file of the playbooks and templates folders, every problem listed.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LineCounter } from 'yaml';
import { message, type Problem } from '../errors.js';
import { checkGrading, checkPlaybook, checkReviewed, checkTeams } from './checks.js';
import { insideFolder, loadCalendar, parseFile, readFile, templatePath } from './library.js';
import { LIMITS } from '../fsutil.js';
import { calendarFileSchema, gradingSchema, playbookSchema, teamsFileSchema, type Playbook, type Team } from './schema.js';
import { checkTemplate, GLOBAL_TEMPLATE_VARS, type TemplateIssue } from './template.js';
import { locate, type YamlSource } from './yaml.js';

export interface ValidationReport {
  files: string[];
  problems: Problem[];
}

const LANGS = ['zh', 'en'] as const;

export function validateLibrary(playbooksDir: string, templatesDir: string, today: string): ValidationReport {
  const files: string[] = [];
  const problems: Problem[] = [];
  if (!existsSync(playbooksDir)) {
    return { files, problems: [{ file: playbooksDir, line: 1, col: 1, severity: 'error', message: message('pb.dirMissing', { dir: playbooksDir }) }] };
  }
  const names = readdirSync(playbooksDir).filter((f) => f.endsWith('.yaml')).sort();

  const grading = join(playbooksDir, 'grading.yaml');
  files.push(grading);
  const g = parseFile(grading, gradingSchema);
  problems.push(...(g.ok ? checkGrading(g.value, g.source) : g.problems));

  const teamsFile = join(playbooksDir, 'teams.yaml');
  files.push(teamsFile);
  const tm = parseFile(teamsFile, teamsFileSchema);
  problems.push(...(tm.ok ? checkTeams(tm.value.teams, tm.source) : tm.problems));
  const teams: Team[] = tm.ok ? tm.value.teams : [];

  if (names.includes('calendar.yaml')) {
    const file = join(playbooksDir, 'calendar.yaml');
    files.push(file);
    const c = parseFile(file, calendarFileSchema);
    if (!c.ok) problems.push(...c.problems);
  }

  const playbooks: { playbook: Playbook; source: YamlSource }[] = [];
  let unreadable = 0;
  for (const name of names) {
    if (['grading.yaml', 'teams.yaml', 'calendar.yaml', 'lock.yaml'].includes(name)) continue;
    const file = join(playbooksDir, name);
    files.push(file);
    const p = parseFile(file, playbookSchema);
    if (!p.ok) {
      problems.push(...p.problems);
      unreadable++;
      continue;
    }
    // owners can only be checked against a teams file that loaded
    const checks = checkPlaybook(p.value, p.source, teams).filter((pr) => tm.ok || pr.message.key !== 'pb.unknownTeam');
    problems.push(...checks, ...checkReviewed(p.value, p.source, today));
    playbooks.push({ playbook: p.value, source: p.source });
  }
  let lastYear: number | undefined;
  try {
    lastYear = loadCalendar(playbooksDir).lastYear;
  } catch {
    // a broken calendar.yaml is reported above
  }
  if (lastYear !== undefined) for (const { playbook, source } of playbooks) problems.push(...checkCalendarHorizon(playbook, source, lastYear, today));

  const { files: templateFiles, problems: templateProblems } = validateTemplates(templatesDir, playbooks, unreadable > 0);
  return { files: [...files, ...templateFiles], problems: [...problems, ...templateProblems] };
}

/**
 * A playbook that counts working days warns when its longest such due time, counted from today,
 * could reach past the last year the holiday data covers (SPEC §4: such due times are computed on
 * weekdays alone). Two calendar days for each working day and a week more keep it ahead of time.
 */
export function checkCalendarHorizon(playbook: Playbook, source: YamlSource, lastYear: number, today: string): Problem[] {
  let longest: { i: number; key: string; days: number; due: string } | undefined;
  playbook.steps.forEach((step, i) => {
    const dues: [string, string | undefined][] =
      typeof step.due === 'string' ? [['due', step.due]] : Object.entries(step.due ?? {}).map(([tier, d]) => [tier, d]);
    for (const [key, due] of [...dues, ['repeat', step.repeat] as [string, string | undefined]]) {
      const m = due ? /^(\d+)wd$/.exec(due) : null;
      if (m && (!longest || Number(m[1]) > longest.days)) longest = { i, key, days: Number(m[1]), due: due! };
    }
  });
  if (!longest) return [];
  const reach = Date.parse(`${today}T00:00:00Z`) + (longest.days * 2 + 7) * 86_400_000;
  if (reach <= Date.parse(`${lastYear}-12-31T00:00:00Z`)) return [];
  const step = playbook.steps[longest.i]!;
  const path = longest.key === 'repeat' ? ['steps', longest.i, 'repeat'] : typeof step.due === 'string' ? ['steps', longest.i, 'due'] : ['steps', longest.i, 'due', longest.key];
  return [
    {
      ...locate(source, path),
      severity: 'warning',
      message: message('pb.calendarHorizon', { step: step.id, due: longest.due, end: `${lastYear}-12-31`, next: lastYear + 1 }),
    },
  ];
}

function validateTemplates(
  templatesDir: string,
  playbooks: { playbook: Playbook; source: YamlSource }[],
  someUnreadable: boolean,
): ValidationReport {
  const problems: Problem[] = [];
  const varsByTemplate = new Map<string, Set<string>>();
  const allVars = new Set<string>(GLOBAL_TEMPLATE_VARS);

  for (const { playbook, source } of playbooks) {
    for (const v of playbook.vars) allVars.add(v.id);
    playbook.steps.forEach((step, i) => {
      if (!step.template) return;
      const known = varsByTemplate.get(step.template) ?? new Set<string>(GLOBAL_TEMPLATE_VARS);
      for (const v of playbook.vars) known.add(v.id);
      varsByTemplate.set(step.template, known);
      for (const lang of LANGS) {
        const file = templatePath(templatesDir, step.template, lang);
        if (!file) {
          problems.push({ ...locate(source, ['steps', i, 'template']), message: message('tpl.outside', { id: `${step.template}.${lang}.md` }) });
        } else if (!existsSync(file)) {
          problems.push({
            ...locate(source, ['steps', i, 'template']),
            message: message('pb.missingTemplate', { step: step.id, template: step.template, file: `${step.template}.${lang}.md` }),
          });
        }
      }
    });
  }

  const files: string[] = [];
  const entries = existsSync(templatesDir) ? readdirSync(templatesDir).filter((f) => /\.(zh|en)\.md$/.test(f)).sort() : [];
  for (const name of entries) {
    const file = join(templatesDir, name);
    files.push(file);
    if (!insideFolder(templatesDir, file)) continue; // a link out of the folder: reported where a step names it, never read
    const id = basename(name).replace(/\.(zh|en)\.md$/, '');
    const known = varsByTemplate.get(id) ?? allVars;
    // a dangling link, a folder named like a template, a FIFO, 50 MB, GBK: a problem of that file, not a crash
    const read = readFile(file, LIMITS.template);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const source = read.content.toString('utf8');
    // a template no loaded playbook claims may belong to one that failed to load: its vars are unknown,
    // so flagging them would bury the real error under dozens of false ones
    const unclaimed = someUnreadable && !varsByTemplate.has(id);
    const issues = checkTemplate(source, known).filter((issue) => !(unclaimed && issue.kind === 'unknownVar'));
    problems.push(...issues.map((issue) => templateProblem(file, source, issue, known)));
  }
  return { files, problems };
}

function templateProblem(file: string, source: string, issue: TemplateIssue, known: Set<string>): Problem {
  const lines = new LineCounter();
  let offset = 0;
  for (const line of source.split('\n')) {
    lines.addNewLine(offset);
    offset += line.length + 1;
  }
  const { line, col } = lines.linePos(issue.offset);
  const said =
    issue.kind === 'syntax'
      ? message('tpl.syntax', { detail: issue.detail })
      : issue.kind === 'partial'
        ? message('tpl.partial')
        : issue.kind === 'delimiters'
          ? message('tpl.delimiters')
          : message('tpl.unknownVar', { name: issue.name, known: [...known].join(', ') });
  return { file, line, col, severity: 'error', message: said };
}

/**
 * The problems `validate` would list for one playbook's templates (missing, outside the folder,
 * naming an unknown variable, using a partial), so that open, start and drill refuse a playbook
 * whose statements would not render. Reads only that playbook's templates when they are fine.
 */
export function playbookTemplateProblems(playbooksDir: string, templatesDir: string, playbook: Playbook, today: string): Problem[] {
  const known = new Set<string>([...GLOBAL_TEMPLATE_VARS, ...playbook.vars.map((v) => v.id)]);
  const used = [...new Set(playbook.steps.flatMap((s) => (s.template ? [s.template] : [])))];
  const files = used.flatMap((id) => LANGS.map((lang) => templatePath(templatesDir, id, lang)));
  const suspect = files.some((file) => {
    try {
      const read = file ? readFile(file, LIMITS.template) : undefined;
      return !read || 'problem' in read || checkTemplate(read.content.toString('utf8'), known).length > 0;
    } catch {
      return true; // missing or unreadable: the full check says which and where
    }
  });
  if (!suspect) return [];
  // the full check knows every playbook that shares a template, and where each problem is
  const mine = new Set([join(playbooksDir, `${playbook.id}.yaml`), ...files.filter((f): f is string => f !== undefined)]);
  return validateLibrary(playbooksDir, templatesDir, today).problems.filter((p) => p.severity === 'error' && mine.has(p.file));
}


// Loading and validating the playbook library: every problem is a readable sentence at file:line:col.
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type Problem } from '../../src/errors.js';
import { loadGrading, loadPlaybook, loadTeams, readTemplate } from '../../src/playbook/library.js';
import { validateLibrary } from '../../src/playbook/validate.js';
import { messages } from '../../src/i18n/messages.js';
import { brokenCases, buildCase } from '../fixtures/broken/cases.js';
import { PLAYBOOKS, TEMPLATES, tempDir, BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES } from '../helpers.js';

const TODAY = '2026-11-27';
const root = tempDir();
const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
// what zod or the YAML parser would say to a developer, not to a firm's editor
const RAW = /Invalid input|Unrecognized key|Too (small|big)|expected \w+, received|Invalid (string|key)|at line \d+, column/;

/** A problem as an English-speaking editor reads it. */
const said = (p: Problem) => messages('en').say(p.message);
const catching = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
};
const readable = (problems: readonly Problem[]) => problems.map((p) => ({ ...p, message: said(p) }));

describe('the bundled library', () => {
  it.each([
    ['bundled', BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES],
    ['the tests\' frozen copy', PLAYBOOKS, TEMPLATES],
  ])('%s: validates with no errors and no warnings', (_name, playbooks, templates) => {
    const { files, problems } = validateLibrary(playbooks, templates, TODAY);
    expect(problems).toEqual([]);
    expect(files.some((f) => f.endsWith('grading.yaml'))).toBe(true);
    expect(files.some((f) => f.endsWith('trading-outage.yaml'))).toBe(true);
    expect(files.some((f) => f.endsWith('holding-statement.zh.md'))).toBe(true);
  });

  it('loads through the loaders used by every command', () => {
    const teams = loadTeams(PLAYBOOKS);
    expect(teams.map((t) => t.id)).toEqual(expect.arrayContaining(['leadership', 'it', 'opinion', 'service', 'compliance']));
    const { definition, sha256 } = loadPlaybook(PLAYBOOKS, 'trading-outage', teams);
    expect(definition.id).toBe('trading-outage');
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(loadGrading(PLAYBOOKS).indicators)).toEqual(['eventLevel', 'impactScope', 'propagation', 'durationTrend']);
  });
});

describe('broken files: the message, the file, the line and the column (test/fixtures/broken)', () => {
  it.each(brokenCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dir = buildCase(c, root);
    const errors = errorsOf(validateLibrary(dir.playbooks, dir.templates, TODAY).problems);
    for (const expected of c.expect) {
      const file = join(dir.root, expected.file);
      const match = errors.find((p) => p.file === file && said(p).includes(expected.message));
      expect(match, `no error containing ${JSON.stringify(expected.message)} in ${expected.file}; got:\n${errors.map((p) => `${messages('en').problem(p)}`).join('\n')}`).toBeDefined();
      expect({ line: match!.line, col: match!.col }).toEqual({ line: expected.line, col: expected.col });
    }
    // one mistake, one report: nothing cascades into other files or into false errors
    expect(errors).toHaveLength(c.expect.length);
    for (const p of errors) expect(said(p)).not.toMatch(RAW);
  });

  it('the same problems are reported in Chinese', () => {
    const dir = buildCase(brokenCases.find((c) => c.name === 'unknown key')!, root);
    const [problem] = errorsOf(validateLibrary(dir.playbooks, dir.templates, TODAY).problems);
    expect(messages('zh').say(problem!.message)).toBe('steps[0] 中有未知字段 "priority"');
    expect([problem!.line, problem!.col]).toEqual([10, 5]);
  });

  it('a wrong type is not mistaken for a missing key (zod 4 reports the input only when asked)', () => {
    const dir = buildCase(brokenCases.find((c) => c.name === 'wrong type')!, root);
    const [problem] = errorsOf(validateLibrary(dir.playbooks, dir.templates, TODAY).problems);
    expect(said(problem!)).not.toContain('missing');
  });

  it('a YAML syntax error is reported once, not with every follow-on error of the parser', () => {
    const dir = buildCase({ name: 'bad indent', expect: [] }, root);
    const file = join(dir.playbooks, 'trading-outage.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('    phase: '));
    lines[at] = `   ${lines[at]!.trimStart()}`; // one space short
    writeFileSync(file, lines.join('\n'));
    const errors = errorsOf(validateLibrary(dir.playbooks, dir.templates, TODAY).problems);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file, line: at + 1 });
    expect(said(errors[0]!)).toMatch(/^YAML syntax error: .+ — /);
  });

  it('a template linked to a file outside the templates folder is refused and never read (SPEC §4)', () => {
    const dir = buildCase({ name: 'symlink out', expect: [] }, root);
    const outside = join(dir.root, 'secret.md');
    writeFileSync(outside, 'SECRET {{firm.name}}\n');
    rmSync(join(dir.templates, 'holding-statement.en.md'));
    symlinkSync(outside, join(dir.templates, 'holding-statement.en.md'));
    const errors = errorsOf(validateLibrary(dir.playbooks, dir.templates, TODAY).problems);
    const lines = readFileSync(join(dir.playbooks, 'trading-outage.yaml'), 'utf8').split('\n');
    expect(readable(errors)).toEqual([
      expect.objectContaining({
        file: join(dir.playbooks, 'trading-outage.yaml'),
        line: lines.findIndex((l) => l.includes('template: holding-statement')) + 1,
        message: 'template "holding-statement.en.md" resolves outside the templates folder',
      }),
    ]);
    expect(messages('en').error(catching(() => readTemplate(dir.templates, 'holding-statement', 'en')))).toMatch(/outside the templates folder/);
    expect(readTemplate(dir.templates, 'holding-statement', 'zh')).not.toContain('SECRET');
  });

  it('a dangling link or a folder where a template should be is a problem of that file, not a crash', () => {
    const dir = buildCase({ name: 'dangling', expect: [] }, root);
    rmSync(join(dir.templates, 'holding-statement.en.md'));
    symlinkSync(join(dir.root, 'nowhere.md'), join(dir.templates, 'holding-statement.en.md'));
    rmSync(join(dir.templates, 'apology.en.md'));
    mkdirSync(join(dir.templates, 'apology.en.md'));
    const errors = errorsOf(validateLibrary(dir.playbooks, dir.templates, TODAY).problems);
    expect(readable(errors)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: join(dir.templates, 'holding-statement.en.md'), line: 1, message: expect.stringContaining('cannot read the file: required file is missing') }),
        // read only when it is a regular file (issue 17): a folder is not opened as one
        expect.objectContaining({ file: join(dir.templates, 'apology.en.md'), line: 1, message: expect.stringContaining('not a regular file') }),
      ]),
    );
  });

  it('the loaders refuse a broken file with the same positioned problems (InputError, exit 2)', () => {
    const dir = buildCase(brokenCases.find((c) => c.name === 'wrong type')!, root);
    try {
      loadPlaybook(dir.playbooks, 'trading-outage', loadTeams(dir.playbooks));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect(readable((error as InputError).problems)).toMatchObject([{ line: 3, col: 10, message: 'version must be a number' }]);
    }
  });
});

describe('review dates (SPEC §4: warn when over 365 days)', () => {
  const copy = join(root, 'review');
  cpSync(PLAYBOOKS, join(copy, 'playbooks'), { recursive: true });
  const file = join(copy, 'playbooks', 'trading-outage.yaml');
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.startsWith('reviewed:')) + 1;
  lines[line - 1] = 'reviewed: 2025-11-01';
  writeFileSync(file, lines.join('\n'));
  const validate = (today: string) => validateLibrary(join(copy, 'playbooks'), TEMPLATES, today).problems;

  it('exactly 365 days old is fine', () => {
    expect(validate('2026-11-01')).toEqual([]);
  });

  it('366 days old is a warning at the date, not an error', () => {
    const problems = validate('2026-11-02');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, line, col: 11, severity: 'warning' });
    expect(said(problems[0]!)).toBe('last reviewed on 2025-11-01, more than 365 days ago: review this playbook');
  });
});

describe('dates', () => {
  it.each(['2026-02-30', '2026-13-01', '2026-99-99'])('reviewed: %s is not a real day', async (date) => {
    const { parseYaml } = await import('../../src/playbook/yaml.js');
    const { playbookSchema } = await import('../../src/playbook/schema.js');
    const text = `id: x\nversion: 1\nname: X\nreviewed: ${date}\nsteps:\n  - {id: a, phase: media, title: A, owner: opinion}\n`;
    const parsed = parseYaml('x.yaml', text, playbookSchema);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(readable(parsed.problems)[0]).toMatchObject({ line: 4, message: expect.stringContaining('not a real calendar date') });
  });
});

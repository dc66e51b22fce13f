// The CLI contract (SPEC §5): exit codes, streams, JSON shapes, language, colour, configuration.
// Runs the BUILT CLI: `npm run build` first.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenCases, buildCase } from '../fixtures/broken/cases.js';
import { hasStackTrace, json, PLAYBOOKS, ROOT, tempDir, expectUsageError } from '../helpers.js';
import { cli as runCli } from '../in-process.js';

// `grade` keeps validated grading files in $XDG_CACHE_HOME/sec-incident: never the developer's own
const cacheHome = tempDir();
const cli: typeof runCli = (args, options = {}) => runCli(args, { ...options, env: { XDG_CACHE_HOME: cacheHome, ...options.env } });

const ANSI = /\x1b\[/;
const EXAMPLE = ['grade', '--indicator', 'eventLevel=2', '--metric', 'reposts=15000', '--impact', 'partial'];
const COMMANDS = ['start', 'resume', 'open', 'step', 'regrade', 'vars', 'recover', 'close', 'status', 'list', 'log', 'verify', 'report', 'drill', 'grade', 'playbooks'];

describe('help, version and usage errors', () => {
  it('--help exits 0 and lists every command, examples and the exit codes', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const command of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('sec-incident grade --indicator eventLevel=2');
    expect(r.stdout).toMatch(/Exit codes: 0 .*; 2 bad usage/);
    expect(r.stderr).toBe('');
  });

  it('--help of a command lists its options', () => {
    const r = cli(['grade', '--help']);
    expect(r.code).toBe(0);
    for (const option of ['--indicator', '--metric', '--impact', '--json']) expect(r.stdout).toContain(option);
  });

  it('--version prints the package version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('no command is a usage error: the help goes to stderr, exit 2; `help` itself is success', () => {
    for (const args of [[], ['playbooks']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Usage: sec-incident/);
    }
    for (const args of [['help'], ['help', 'open'], ['playbooks', '--help']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: sec-incident/);
    }
  });

  it('an empty SEC_INCIDENT_AUDIT_KEY is refused rather than silently meaning no key', () => {
    const db = join(tempDir(), 'k.db');
    const r = cli(['open', '--type', 'rumor', '--var', 'claim=x', '--var', 'platforms=y', '--db', db], { env: { SEC_INCIDENT_AUDIT_KEY: '' } });
    expectUsageError(r, 'SEC_INCIDENT_AUDIT_KEY is set but empty');
    expect(existsSync(db)).toBe(false);
  });

  it('a regrade with nothing in it is a usage error, and records nothing', () => {
    const db = join(tempDir(), 'r.db');
    const id = cli(['open', '--type', 'rumor', '--var', 'claim=x', '--var', 'platforms=y', '--db', db]).stdout.trim();
    expectUsageError(cli(['regrade', id, '--db', db]), /nothing to regrade/);
    expectUsageError(cli(['regrade', id, '--reason', 'why not', '--db', db]), /nothing to regrade/);
    expect(json(cli(['log', id, '--json', '--db', db])).filter((e: { type: string }) => e.type === 'incident.graded')).toHaveLength(1);
  });

  it('an unknown command exits 2, not 1, without a stack trace', () => {
    expectUsageError(cli(['frobnicate']), /unknown command 'frobnicate'/);
  });

  it('an unknown option exits 2, not 1, without a stack trace', () => {
    expectUsageError(cli(['--frobnicate']), /unknown option '--frobnicate'/);
    expectUsageError(cli(['grade', '--frobnicate']), /unknown option '--frobnicate'/);
  });

  it('a usage error is short: the message and a hint, not the whole help', () => {
    const r = cli(['grade', '--indicatr', 'eventLevel=2']);
    expectUsageError(r, /unknown option '--indicatr'/);
    expect(r.stderr).toContain('--indicator'); // commander's suggestion
    expect(r.stderr).toContain('--help');
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(4);
  });

  it('usage errors and help speak Chinese with --lang zh', () => {
    const r = cli(['status', '--lang', 'zh']);
    expectUsageError(r, /错误：缺少必需的参数 'id'/);
    expect(r.stderr).toContain('sec-incident status --help');
    expectUsageError(cli(['grade', '--indicatr', 'x', '--lang', 'zh']), /未知选项 '--indicatr'[\s\S]*您是否想输入 --indicator/);
    const help = cli(['--help', '--lang', 'zh']);
    expect(help.stdout).toMatch(/^用法：/);
    expect(help.stdout).toContain('选项：');
    expect(help.stdout).toContain('命令：');
  });

  it('a missing option argument exits 2', () => {
    expectUsageError(cli(['grade', '--impact']), /argument missing/);
  });
});

describe('grade', () => {
  it('--json prints exactly the SPEC §5 shape on stdout and nothing on stderr', () => {
    const r = cli([...EXAMPLE, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = json(r);
    expect(out).toMatchObject({
      tier: 'moderate',
      score: 7,
      levels: { eventLevel: 2, impactScope: 1, propagation: 3, durationTrend: 1 },
      sources: { eventLevel: 'explicit', impactScope: 'default', propagation: 'reposts', durationTrend: 'default' },
      floors: [],
      direction: 'B',
    });
  });

  it('--json lists a floor that raised the tier', () => {
    const out = json(cli(['grade', '--json', '--indicator', 'eventLevel=4']));
    expect([out.score, out.tier, out.floors]).toEqual([7, 'severe', ['event-especially-major']]);
  });

  it('prints the table, the score and the tier for people', () => {
    const r = cli(EXAMPLE);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Indicator\s+Level\s+Source\s+Weight$/);
    expect(r.stdout).toMatch(/\(eventLevel\)\s+2\s+given\s+1/);
    expect(r.stdout).toMatch(/\(propagation\)\s+3\s+metric Reposts \(reposts\)\s+1/);
    expect(r.stdout).toMatch(/\(impactScope\)\s+1\s+default/);
    expect(r.stdout).toMatch(/^Score: 7  \(mild ≥ 4 · moderate ≥ 7 · severe ≥ 10 · critical ≥ 13\)$/m); // the bands beside the score
    expect(r.stdout).toMatch(/^Tier: moderate$/m);
    expect(r.stdout).toMatch(/^Handling direction: B/m);
  });

  it.each([
    [['--indicator', 'eventLevel=5'], 'indicator "eventLevel": level must be a whole number from 1 to 4, got "5"'],
    [['--metric', 'reposts=abc'], 'metric "reposts" must be a non-negative number, got "abc"'],
    [['--indicator', 'foo=1'], 'unknown indicator "foo"'],
    [['--metric', 'likes=3'], 'unknown metric "likes"'],
    [['--impact', 'huge'], '--impact must be none, partial or material, got "huge"'],
    [['--indicator', 'eventLevel'], '--indicator expects key=value'],
  ])('%j → exit 2 with a clear message, nothing on stdout', (args, message) => {
    expectUsageError(cli(['grade', ...args]), message);
    expectUsageError(cli(['grade', '--json', ...args]), message);
  });
});

describe('grade with the grading cache ($XDG_CACHE_HOME/sec-incident)', () => {
  const root = tempDir();
  const playbooks = join(root, 'playbooks');
  const cache = join(root, 'cache');
  cpSync(PLAYBOOKS, playbooks, { recursive: true });
  const grading = join(playbooks, 'grading.yaml');
  const original = readFileSync(grading, 'utf8');
  const score = () => json(cli(['--playbooks', playbooks, 'grade', '--json', '--indicator', 'eventLevel=2'], { env: { XDG_CACHE_HOME: cache } })).score;

  it('fills the cache and then gives the same result from it', () => {
    expect(score()).toBe(5);
    expect(readdirSync(join(cache, 'sec-incident')).some((f) => /^grading-.*\.json$/.test(f))).toBe(true);
    expect(score()).toBe(5);
  });

  it('never serves an old entry for an edited grading.yaml', () => {
    writeFileSync(grading, original.replace('bands: {mild: 4, moderate: 7, severe: 10, critical: 13}', 'bands: {mild: 4, moderate: 5, severe: 10, critical: 13}'));
    expect(json(cli(['--playbooks', playbooks, 'grade', '--json'], { env: { XDG_CACHE_HOME: cache } })).tier).toBe('mild');
    expect(json(cli(['--playbooks', playbooks, 'grade', '--json', '--indicator', 'eventLevel=2'], { env: { XDG_CACHE_HOME: cache } })).tier).toBe('moderate');
    writeFileSync(grading, `${original}\nextra: true\n`);
    const r = cli(['--playbooks', playbooks, 'grade', '--json'], { env: { XDG_CACHE_HOME: cache } });
    expectUsageError(r, `${grading}:${original.split('\n').length + 1}:1: unknown key "extra" in the document`);
    writeFileSync(grading, original);
    expect(score()).toBe(5);
  });

  it('works when the cache cannot be written', () => {
    const notADir = join(root, 'file');
    writeFileSync(notADir, '');
    const r = cli(['--playbooks', playbooks, 'grade', '--json'], { env: { XDG_CACHE_HOME: notADir } });
    expect(r.code).toBe(0);
    expect(json(r).tier).toBe('mild');
  });

  it('ignores a damaged entry', () => {
    for (const f of readdirSync(join(cache, 'sec-incident'))) writeFileSync(join(cache, 'sec-incident', f), '{"source": 1');
    expect(score()).toBe(5);
  });
});

describe('language', () => {
  it('--lang zh speaks Chinese', () => {
    const r = cli(['--lang', 'zh', 'grade', '--indicator', 'eventLevel=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('综合分值: 7');
    expect(r.stdout).toContain('严重');
    expect(r.stdout).toContain('事件等级');
  });

  it('LANG=zh_CN.UTF-8 speaks Chinese, errors too', () => {
    expect(cli(['grade', '--indicator', 'eventLevel=4'], { env: { LANG: 'zh_CN.UTF-8' } }).stdout).toContain('严重');
    const r = cli(['grade', '--indicator', 'foo=1'], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/[\u4e00-\u9fff]/);
  });

  it('--lang en beats LANG=zh_CN.UTF-8; --json keys never change with the language', () => {
    expect(cli(['--lang', 'en', 'grade'], { env: { LANG: 'zh_CN.UTF-8' } }).stdout).toContain('Score: 4');
    expect(Object.keys(json(cli(['--lang', 'zh', ...EXAMPLE, '--json'])).levels)).toEqual(['eventLevel', 'impactScope', 'propagation', 'durationTrend']);
  });

  it('an unsupported --lang is a usage error', () => {
    expectUsageError(cli(['--lang', 'fr', 'grade']), '--lang must be zh or en, got "fr"');
  });
});

describe('colour', () => {
  // chalk honours FORCE_COLOR; we decided that an explicit "no colour" (NO_COLOR or --no-color) wins over it
  const forced = { NO_COLOR: undefined, FORCE_COLOR: '1' };

  it('FORCE_COLOR=1 alone colours the tier (so the checks below can fail)', () => {
    expect(cli(EXAMPLE, { env: forced }).stdout).toMatch(ANSI);
  });

  it('NO_COLOR=1 gives no ANSI escapes, even with FORCE_COLOR', () => {
    const r = cli(EXAMPLE, { env: { ...forced, NO_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
  });

  it('--no-color gives no ANSI escapes, even with FORCE_COLOR, before or after the command', () => {
    expect(cli(['--no-color', ...EXAMPLE], { env: forced }).stdout).not.toMatch(ANSI);
    expect(cli([...EXAMPLE, '--no-color'], { env: forced }).stdout).not.toMatch(ANSI);
  });

  it('escapes typed into a title never reach the terminal raw; --json keeps them, escaped as JSON', () => {
    const db = join(tempDir(), 'esc.db');
    const title = 'ok\x1b]0;pwned\x07\x1b[2Jdone';
    const id = cli(['open', '--type', 'rumor', '--var', 'claim=x', '--var', 'platforms=y', '--title', title, '--db', db]).stdout.trim();
    for (const args of [['list'], ['log', id], ['status', id]]) {
      const r = cli([...args, '--db', db], { env: { NO_COLOR: '1' } });
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/[\x00-\x08\x1b\x7f]/);
      expect(r.stdout).toContain('ok␛]0;pwned␇␛[2Jdone');
    }
    expect(json(cli(['list', '--json', '--db', db]))[0].title).toBe(title);
  });

  it('--json is never coloured', () => {
    expect(cli([...EXAMPLE, '--json'], { env: forced }).stdout).not.toMatch(ANSI);
  });
});

describe('playbooks', () => {
  it('validate passes on the bundled folders; the only warnings say a firm has not set up yet', () => {
    const r = cli(['playbooks', 'validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ files checked: no errors, 3 warning\(s\)/);
    // the readiness of a firm that has not run init (issue 16): its name, its hotline, the example members
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/sec-incident\.yaml:1:1: warning: firm\.name is not set/),
      expect.stringMatching(/sec-incident\.yaml:1:1: warning: firm\.hotline is not set/),
      expect.stringMatching(/teams\.yaml:\d+:\d+: warning: 10 member\(s\), the first here, are the bundled examples/),
    ]);
  });

  it('validate --json reports ok with no errors', () => {
    const out = json(cli(['playbooks', 'validate', '--json']));
    expect(out).toMatchObject({ ok: true, errors: 0, warnings: 3 });
    expect(out.problems.every((p: { severity: string }) => p.severity === 'warning')).toBe(true);
  });

  const root = tempDir();
  it('open and drill refuse a playbook whose templates would not render, naming where, and write nothing', () => {
    const dir = buildCase({ name: 'broken templates', expect: [] }, root);
    writeFileSync(join(dir.templates, 'holding-statement.en.md'), 'Hello {{bogus}} {{> header}}\n');
    rmSync(join(dir.templates, 'apology.zh.md'));
    const db = join(dir.root, 'audit.db');
    const flags = ['--playbooks', dir.playbooks, '--templates', dir.templates, '--db', db];
    const opened = cli(['open', '--type', 'trading-outage', '--var', 'systems=APP', ...flags]);
    expectUsageError(opened, `${join(dir.templates, 'holding-statement.en.md')}:1:7: unknown variable "bogus"`);
    expect(opened.stderr).toContain(`${join(dir.templates, 'holding-statement.en.md')}:1:17: partials`);
    expect(opened.stderr).toMatch(new RegExp(`${join(dir.playbooks, 'trading-outage.yaml')}:\\d+:\\d+: step "public-apology": template "apology" has no file apology\\.zh\\.md`));
    const drill = cli(['drill', join(ROOT, 'drills', readdirSync(join(ROOT, 'drills')).find((f) => f.startsWith('trading-outage'))!), ...flags]);
    expect(drill.code).toBe(2);
    expect(drill.stderr).toContain('unknown variable "bogus"');
    expect(existsSync(db)).toBe(false);
    // another type, whose templates are fine, still opens
    expect(cli(['open', '--type', 'rumor', '--var', 'claim=a fake loss', '--var', 'platforms=Weibo', ...flags]).code).toBe(0);
  });

  it.each(brokenCases.map((c) => [c.name, c] as const))('validate on a library with a broken file (%s) → exit 2, file:line:col on stderr', (_name, c) => {
    const dir = buildCase(c, root);
    const r = cli(['playbooks', 'validate', '--playbooks', dir.playbooks, '--templates', dir.templates]);
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const lines = r.stderr.split('\n');
    for (const e of c.expect) {
      const prefix = `${join(dir.root, e.file)}:${e.line}:${e.col}: `;
      expect(lines.some((l) => l.startsWith(prefix) && l.includes(e.message)), `${prefix}…${e.message} in:\n${r.stderr}`).toBe(true);
    }
    expect(r.stderr).toMatch(/files checked: \d+ error/);
    expect(r.stdout).toBe('');
  });

  it('list shows the bundled types; --json gives id, version, name and step count', () => {
    const r = cli(['playbooks', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^trading-outage\s+Trading system outage\s+\d+\s+\d+/m);
    const out = json(cli(['playbooks', 'list', '--json']));
    expect(out).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'trading-outage', name: { zh: '交易系统故障', en: 'Trading system outage' } })]));
    expect(out.find((p: { id: string }) => p.id === 'trading-outage').steps).toBeGreaterThan(0);
  });

  it('show lists the steps; --json gives the definition and the sha256 of the file', () => {
    const r = cli(['playbooks', 'show', 'trading-outage']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Trading system outage (trading-outage v');
    expect(r.stdout).toMatch(/^confirm-grading\s+Grading · /m);
    const out = json(cli(['playbooks', 'show', 'trading-outage', '--json']));
    expect(out.id).toBe('trading-outage');
    expect(out.steps[0]).toMatchObject({ id: 'confirm-grading', phase: 'grading' });
    const sha = createHash('sha256').update(readFileSync(join(PLAYBOOKS, 'trading-outage.yaml'))).digest('hex');
    expect(out.sha256).toBe(sha);
  });

  it('a playbooks folder that does not exist is named as such (exit 2)', () => {
    for (const args of [['list'], ['show', 'trading-outage'], ['validate']]) {
      const r = cli(['--playbooks', '/nonexistent/playbooks', 'playbooks', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('playbooks folder not found: /nonexistent/playbooks');
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it('show of an unknown type is exit 2, naming the available ones', () => {
    expectUsageError(cli(['playbooks', 'show', 'no-such-type']), /no playbook "no-such-type" .*available: .*trading-outage/);
    expectUsageError(cli(['playbooks', 'show', '../grading']), /no playbook "..\/grading"/);
  });
});

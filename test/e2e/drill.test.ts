import { readdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES, cli, hasStackTrace, json, ROOT, tempDir } from '../helpers.js';
import { mermaidBlocks, parseMarkdown, readGantt } from '../report-markdown.js';

const DRILLS = join(ROOT, 'drills');
const examples = readdirSync(DRILLS).filter((f) => f.endsWith('.yaml')).sort();

let dir: string;
let db: string;
beforeAll(() => {
  dir = tempDir();
  db = join(dir, 'audit.db');
});
// the example drills are the bundled content's own: they run against the bundled playbooks
const run = (args: string[]) => cli([...args, '--db', db], { env: { SEC_INCIDENT_PLAYBOOKS: BUNDLED_PLAYBOOKS, SEC_INCIDENT_TEMPLATES: BUNDLED_TEMPLATES } });

describe('example drills', () => {
  it('there are at least four, covering every tier and all three directions', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const results = json<any[]>(run(['drill', DRILLS, '--json']));
    expect(new Set(results.flatMap((r) => r.tierHistory.map((h: any) => h.tier)))).toEqual(new Set(['mild', 'moderate', 'severe', 'critical']));
    expect(new Set(results.map((r) => r.direction))).toEqual(new Set(['A', 'B', 'C']));
  });

  it.each(examples)('%s passes through the built CLI', (file) => {
    const r = run(['drill', join(DRILLS, file)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS');
  });

  it('a folder prints one line per drill and a summary; --json is an array of the SPEC shape', () => {
    const human = run(['drill', DRILLS]);
    expect(human.code).toBe(0);
    expect(human.stdout.trim().split('\n')).toHaveLength(examples.length + 1);
    expect(human.stdout).toContain(`${examples.length} drill(s): ${examples.length} passed, 0 failed`);
    const docs = json<any[]>(run(['drill', DRILLS, '--json']));
    expect(docs).toHaveLength(examples.length);
    for (const d of docs) {
      expect(d.incident).toMatch(/^DRL-\d{8}-\d{3,}$/);
      expect(d.passed).toBe(true);
      expect(Object.keys(d)).toEqual(expect.arrayContaining(['incident', 'passed', 'tier', 'tierHistory', 'direction', 'steps', 'expectations']));
      for (const s of d.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['id', 'phase', 'status', 'dueAt', 'completedAt', 'late']));
    }
  });

  it('drills stay apart: hidden from list unless --drills or --all', () => {
    run(['drill', join(DRILLS, examples[0]!)]);
    expect(json<any[]>(run(['list', '--json']))).toEqual([]);
    const drills = json<any[]>(run(['list', '--drills', '--json']));
    expect(drills.length).toBeGreaterThan(0);
    expect(drills.every((d) => d.mode === 'drill' && d.id.startsWith('DRL-'))).toBe(true);
    // everything rendered for a drill says so
    expect(run(['status', drills[0].id]).stdout).toContain('DRILL');
    expect(run(['log', drills[0].id]).stdout.split('\n')[0]).toContain('DRILL');
    expect(run(['list', '--drills']).stdout).toContain('DRILL');
    expect(cli(['status', drills[0].id, '--db', db, '--lang', 'zh']).stdout).toContain('演练');
  });

  it('--report-dir writes each drill\'s report, marked DRILL and judged at the drill\'s end', () => {
    const out = join(tempDir(), 'reports');
    const r = run(['drill', join(DRILLS, examples[0]!), '--json', '--report-dir', out]);
    expect(r.code).toBe(0);
    const doc = json(r);
    const report = readFileSync(join(out, `${doc.incident}.md`), 'utf8');
    expect(report.split('\n')[0]).toMatch(/^# DRILL/);
    const late = doc.steps.filter((s: any) => s.late).map((s: any) => s.id);
    // the report's late count agrees with the verdict, not with today's wall clock
    expect(report).toContain(`; ${late.length} late`);
  });

  it('every example drill\'s report has a gantt that keeps the Mermaid grammar, one bar per step', () => {
    const out = join(tempDir(), 'all-reports');
    const docs = json<any[]>(run(['drill', DRILLS, '--json', '--report-dir', out]));
    expect(docs).toHaveLength(examples.length);
    for (const doc of docs) {
      for (const lang of ['en', 'zh']) {
        const file = join(out, lang, `${doc.incident}.md`);
        expect(cli(['report', doc.incident, '--db', db, '--lang', lang, '--out', file]).code).toBe(0);
        // a drill graded from a monitoring export also has its xychart, in the grading section
        const text = readFileSync(file, 'utf8');
        const gantt = readGantt(mermaidBlocks(parseMarkdown(text)).find((b) => b.startsWith('gantt'))!);
        expect(gantt.problems, `${doc.scenario} (${lang})`).toEqual([]);
        expect(gantt.tasks).toHaveLength(doc.steps.length);
        // no stray characters; a legend; each state its own look (issue 16)
        expect(gantt.tasks.filter((t) => t.name.includes('·'))).toEqual([]);
        expect(text).toContain(lang === 'en' ? 'Legend: done on time' : '图例：按时完成');
        const look: Record<string, string> = { done: 'done', pending: 'active', skipped: '', withdrawn: 'milestone' };
        for (const step of doc.steps) {
          const task = gantt.tasks.find((t) => t.name.endsWith(`(${step.id.replace('#', '＃')})`));
          expect(task, step.id).toBeDefined();
          expect(task!.tags.filter((tag) => tag !== 'crit').join(''), `${step.id} ${step.status}`).toBe(look[step.status]);
          expect(task!.tags.includes('crit'), step.id).toBe(step.late);
        }
      }
    }
  }, 120_000);

  it('is deterministic: the same scenario twice gives the same JSON but for the id', () => {
    const file = join(DRILLS, examples[1]!);
    // a statement naming the incident hashes differently with each id: the hash of the approved text goes too
    const strip = (doc: any) => ({ ...doc, incident: undefined, approvals: doc.approvals.map((a: any) => ({ ...a, sha256: undefined })) });
    expect(strip(json(run(['drill', file, '--json'])))).toEqual(strip(json(run(['drill', file, '--json']))));
  });
});

const scenario = (body: string) => {
  const file = join(dir, `s-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, body);
  return file;
};
const BASE = `drill: Test
type: trading-outage
start: 2026-03-16T09:35:00+08:00
impact: partial
indicators: {eventLevel: 2}
metrics: {affectedClients: 20000}
vars: {systems: mobile app}
`;

describe('verdicts and bad scenarios', () => {
  it('a wrong expectation exits 1 and names it', () => {
    const r = run(['drill', scenario(`${BASE}timeline:\n  - {at: 1h, recover: true}\nexpect:\n  tier: critical\n  direction: B\n`)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ tier: final tier: expected critical, was moderate/);
    expect(r.stdout).toMatch(/✓ direction/);
    const doc = json(run(['drill', scenario(`${BASE}expect: {tier: critical}\n`), '--json']));
    expect(doc.passed).toBe(false);
    expect(doc.expectations).toEqual([expect.objectContaining({ name: 'tier', passed: false })]);
  });

  it('a close the engine refuses fails the drill and says why', () => {
    const r = run(['drill', scenario(`${BASE}timeline:\n  - {at: 1h, close: true}\n`)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/close at 1h refused: cannot close DRL-\d+-\d+: \d+ applicable step\(s\) still pending/);
  });

  it.each([
    ['an unknown step', `${BASE}timeline:\n  - {at: 5m, complete: no-such-step}\n`, 9, 'step "no-such-step" is not in playbook trading-outage'],
    ['a bad offset', `${BASE}timeline:\n  - {at: soon, recover: true}\n`, 9, 'timeline[0].at must be an offset'],
    ['an unknown key', `${BASE}colour: red\n`, 8, 'unknown key "colour"'],
    ['a bad start', BASE.replace('2026-03-16T09:35:00+08:00', 'monday'), 3, 'start must be an ISO 8601 time'],
    ['a skip without reason', `${BASE}timeline:\n  - {at: 5m, skip: media-qa}\n`, 9, 'skip needs a `reason:`'],
    ['an unknown type', BASE.replace('trading-outage', 'meteor-strike'), 2, 'no playbook "meteor-strike"'],
    ['a YAML syntax error', `${BASE}timeline: [\n`, 9, 'YAML syntax error'],
    ['a required var missing', BASE.replace('vars: {systems: mobile app}\n', ''), 2, 'playbook trading-outage requires: systems'],
    ['a required var left empty', BASE.replace('mobile app', "''"), 7, 'playbook trading-outage requires: systems'],
  ])('%s exits 2 with file:line:col and writes nothing', (_name, body, line, message) => {
    const file = scenario(body);
    const fresh = join(dir, `fresh-${Math.random().toString(36).slice(2)}.db`);
    const r = cli(['drill', file, '--db', fresh]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}:${line}:`);
    expect(r.stderr).toContain(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(fresh)).toBe(false);
  });

  it('a folder with one broken scenario runs none of them', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'a.yaml'), readFileSync(join(DRILLS, examples[0]!)));
    writeFileSync(join(folder, 'b.yaml'), `${BASE}timeline:\n  - {at: 5m, complete: nope}\n`);
    const fresh = join(folder, 'x.db');
    const r = cli(['drill', folder, '--db', fresh]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('b.yaml:9:');
    expect(existsSync(fresh)).toBe(false);
  });
});

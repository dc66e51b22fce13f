// The regulatory lane through the built CLI (SPEC §4.1, §4.2), on a test playbook of our own
// (test/fixtures/regulatory): the duty follows the event and the decisions, not the noise.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, FIXTURES, json, tempDir } from '../helpers.js';

const LIBRARY = join(FIXTURES, 'regulatory');
const env = { SEC_INCIDENT_PLAYBOOKS: join(LIBRARY, 'playbooks'), SEC_INCIDENT_TEMPLATES: join(LIBRARY, 'templates') };
const MIN = 60_000;

/** An instant `ms` before now, written as the firm would: ISO 8601 with +08:00. */
function before(ms: number): string {
  const at = new Date(Date.now() - ms + 8 * 3600_000);
  return `${at.toISOString().slice(0, 16)}+08:00`;
}

describe('a quiet outage at CSRC 重大: the lane runs whatever the opinion tier', () => {
  const dir = tempDir();
  const db = join(dir, 'audit.db');
  const run = (...args: string[]) => cli([...args, '--db', db], { env });
  const status = (id: string) => json(run('status', id, '--json'));
  const step = (doc: any, id: string) => doc.steps.find((s: any) => s.id === id);
  const started = before(3 * 60 * MIN);
  const discovered = before(40 * MIN);
  let id = '';

  it('opens at mild with the reportability decision pending, due 30 min from discovery', () => {
    const opened = run('open', '--type', 'outage', '--title', 'Orders stuck', '--indicator', 'eventLevel=3', '--impact', 'partial', '--var', 'systems=the mobile app', '--started-at', started, '--discovered-at', discovered, '--json');
    expect(opened.code).toBe(0);
    id = json(opened).id;
    const s = status(id);
    expect(s).toMatchObject({ tier: 'mild', decisions: {}, startedAt: expect.stringMatching(/\+08:00$/) });
    expect(Date.parse(s.startedAt)).toBe(Date.parse(started));
    const reportability = step(s, 'reportability');
    expect(reportability.status).toBe('pending');
    // from: discovered — 40 min ago + 30 min: already overdue at the opening
    expect(Date.parse(reportability.dueAt)).toBe(Date.parse(discovered) + 30 * MIN);
    expect(reportability.late).toBe(true);
    for (const duty of ['phone-report', 'written-report', 'progress-report', 'summary-report', 'cac-report']) expect(step(s, duty)).toBeUndefined();
  });

  it('decide reportable=yes brings in the phone, written, progress, summary and CAC reports with their due times', () => {
    const r = run('decide', id, 'reportable', 'yes', '--reason', 'CSRC 重大: core trading unusable', '--json');
    expect(r.code).toBe(0);
    const s = json(r);
    expect(s.decisions).toEqual({ reportable: 'yes' });
    expect(step(s, 'reportability')).toMatchObject({ status: 'done', outcome: 'yes' });
    const from = Date.parse(step(s, 'phone-report').applicableAt);
    expect(Date.parse(step(s, 'phone-report').dueAt)).toBe(from + 30 * MIN);
    expect(Date.parse(step(s, 'written-report').dueAt)).toBe(from + 120 * MIN);
    expect(Date.parse(step(s, 'progress-report').dueAt)).toBe(from + 60 * MIN);
    expect(step(s, 'summary-report')).toMatchObject({ status: 'pending', dueAt: null });
    // eventLevel 3 ≥ 2 and reportable: the CAC report, 4 h from discovery
    expect(Date.parse(step(s, 'cac-report').dueAt)).toBe(Date.parse(discovered) + 240 * MIN);
    // compliance owns the lane: activated although mild activates only the opinion group
    const log = json<any[]>(run('log', id, '--json'));
    expect(log.filter((e) => e.type === 'team.activated').map((e) => e.payload.team)).toContain('compliance');
  });

  it('decide refuses a missing reason, an unknown option and an unknown decision (exit 2)', () => {
    expectUsageError(run('decide', id, 'reportable', 'no'), /requires a reason/);
    expectUsageError(run('decide', id, 'reportable', 'maybe', '--reason', 'x'), /no option "maybe" \(options: yes, unsure, no\)/);
    expectUsageError(run('decide', id, 'escalate', 'yes', '--reason', 'x'), /not a decision of playbook outage/);
  });

  it('decide … no withdraws the lane, once a second person grants it; the change is recorded with the previous outcome', () => {
    // withdrawing duties with a basis waits for four eyes (SPEC §9): nothing changes until granted
    const asked = json(run('decide', id, 'reportable', 'no', '--reason', 'the bureau confirmed: not reportable', '--json'));
    expect(step(asked, 'phone-report').status).toBe('pending');
    expect(asked.approvals).toContainEqual(expect.objectContaining({ kind: 'withdraw-duty', request: 'R1', status: 'pending' }));
    const s = json(run('approve', id, 'R1', '--actor', '郑一', '--json'));
    for (const duty of ['phone-report', 'written-report', 'progress-report', 'summary-report', 'cac-report']) expect(step(s, duty).status).toBe('withdrawn');
    const last = json<any[]>(run('log', id, '--json')).find((e) => e.type === 'decision.made' && e.payload.outcome === 'no');
    expect(last.payload).toMatchObject({ decision: 'reportable', previous: 'yes', reason: 'the bureau confirmed: not reportable' });
    expect(run('status', id).stdout).toContain('decisions: reportable=no');
  });

  it('the statement and Appendix A say when the fault began, not when the tool was told', () => {
    expect(run('step', id, 'notice', 'done').code).toBe(0);
    const startedLocal = started.slice(11, 16); // HH:MM in +08:00
    const day = Number(started.slice(8, 10));
    const statement = json<any[]>(run('log', id, '--json')).find((e) => e.type === 'statement.rendered');
    expect(statement.payload.text).toContain(`Since ${day} `);
    expect(statement.payload.text).toContain(`, ${startedLocal}, the mobile app has been failing.`);
    const out = join(dir, 'report.md');
    expect(run('report', id, '--out', out).code).toBe(0);
    const report = readFileSync(out, 'utf8');
    expect(report).toMatch(new RegExp(`fault began: ${started.slice(0, 10)} ${startedLocal}`));
    expect(report).toContain('Test rule, art. 1'); // the basis of the reportability step
    expect(report).toMatch(/\| .* \| `reportable` \| Reportable \(yes\) → Not reportable \(no\) \| the bureau confirmed/);
  });
});

describe('playbooks show', () => {
  it('lists each step\'s conditions, decision and basis under the table', () => {
    const r = cli(['playbooks', 'show', 'outage'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reportability: decides reportable: yes / unsure / no · basis: Test rule, art. 1');
    expect(r.stdout).toContain('cac-report: eventLevel ≥ 2 · reportable ∈ {yes, unsure}');
    expect(r.stdout).toMatch(/every 1h until stand-down/);
  });
});

describe('recover --at and reopen', () => {
  const db = join(tempDir(), 'audit.db');
  const run = (...args: string[]) => cli([...args, '--db', db], { env });
  const step = (doc: any, id: string) => doc.steps.find((s: any) => s.id === id);

  it('the summary report counts 5 working days from the stated recovery', () => {
    const id = json(run('open', '--type', 'outage', '--indicator', 'eventLevel=2', '--var', 'systems=APP', '--started-at', before(120 * MIN), '--json')).id;
    expect(run('step', id, 'reportability', 'done', '--outcome', 'yes').code).toBe(0);
    const back = before(30 * MIN);
    const s = json(run('recover', id, '--at', back, '--json'));
    expect(Date.parse(s.recoveredAt)).toBe(Date.parse(back));
    const due = Date.parse(step(s, 'summary-report').dueAt);
    // five working days: at least a week of calendar time less a day, the same time of day
    expect(due - Date.parse(back)).toBeGreaterThanOrEqual(5 * 24 * 3600_000);
    expect(new Date(due).toISOString().slice(11, 16)).toBe(new Date(Date.parse(back)).toISOString().slice(11, 16));
    expectUsageError(run('recover', id, '--at', 'yesterday-ish'), /not a time/);
  });

  it('refuses stated times in the future, after the opening, or a discovery before the start', () => {
    expectUsageError(run('open', '--type', 'outage', '--var', 'systems=APP', '--started-at', before(-10 * MIN)), /cannot be in the future/);
    expectUsageError(run('open', '--type', 'outage', '--var', 'systems=APP', '--started-at', before(10 * MIN), '--discovered-at', before(20 * MIN)), /cannot have been discovered/);
    expectUsageError(run('open', '--type', 'outage', '--var', 'systems=APP', '--started-at', '25:99'), /not a time/);
  });

  it('a decision step done without --outcome is refused; reopen makes it pending again and needs a reason', () => {
    const id = json(run('open', '--type', 'outage', '--var', 'systems=APP', '--json')).id;
    expectUsageError(run('step', id, 'reportability', 'done'), /add --outcome \(yes, unsure, no\)/);
    expectUsageError(run('step', id, 'confirm-grading', 'done', '--outcome', 'yes'), /records no decision/);
    expect(run('step', id, 'confirm-grading', 'done').code).toBe(0);
    expectUsageError(run('step', id, 'confirm-grading', 'reopen'), /requires a reason/);
    const s = json(run('step', id, 'confirm-grading', 'reopen', '--reason', 'stray Enter', '--json'));
    expect(step(s, 'confirm-grading')).toMatchObject({ status: 'pending', completedAt: null });
    expect(run('step', id, 'monitoring', 'reopen', '--reason', 'x').code).toBe(1); // never done: nothing to reopen
  });
});

describe('drills with decisions (SPEC §7)', () => {
  const db = join(tempDir(), 'audit.db');
  const drills = join(LIBRARY, 'drills');
  const files = readdirSync(drills).filter((f) => f.endsWith('.yaml')).sort();

  it.each(files)('%s passes', (file) => {
    const r = cli(['drill', join(drills, file), '--db', db, '--json'], { env });
    expect(r.stderr).toBe('');
    const doc = json(r);
    expect(doc.expectations.filter((x: any) => !x.passed)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('the opinion stays mild while the CSRC lane runs in full', () => {
    const doc = json(cli(['drill', join(drills, 'quiet-but-reportable.yaml'), '--db', db, '--json'], { env }));
    expect(doc.tierHistory.map((h: any) => h.tier)).toEqual(['mild']);
    expect(doc.decisions).toEqual({ reportable: 'yes' });
    const done = doc.steps.filter((s: any) => s.status === 'done').map((s: any) => s.step);
    expect(done).toEqual(expect.arrayContaining(['phone-report', 'written-report', 'progress-report', 'summary-report']));
  });

  it('a failed decisions expectation reads "expected X, was Y" and fails the drill (exit 1)', () => {
    const r = cli(['drill', join(LIBRARY, 'wrong-expectation.yaml'), '--db', db], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ decisions: decisions: expected reportable=no, were reportable=yes');
  });

  it('a decide entry naming an unknown option is bad input with file:line:col (exit 2)', () => {
    expectUsageError(cli(['drill', join(LIBRARY, 'bad-decide.yaml'), '--db', db], { env }), /bad-decide\.yaml:9:\d+: decision "reportable" has no option "maybe"/);
  });
});

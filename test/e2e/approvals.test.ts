// Four-eyes sign-off through the built CLI on SQLite (SPEC §9), on a test playbook of our own
// (test/fixtures/approvals): one machine, so approvals name a member with --actor and say so.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES, cli, expectUsageError, FIXTURES, hasStackTrace, json, tempDir } from '../helpers.js';

const LIBRARY = join(FIXTURES, 'approvals');
const env = { SEC_INCIDENT_PLAYBOOKS: join(LIBRARY, 'playbooks'), SEC_INCIDENT_TEMPLATES: join(LIBRARY, 'templates'), SEC_INCIDENT_LANG: 'en' };

describe('a single responder on SQLite: a claimed approval by another member', () => {
  const dir = tempDir();
  const db = join(dir, 'audit.db');
  const run = (...args: string[]) => cli([...args, '--db', db], { env });
  const step = (doc: any, id: string) => doc.steps.find((s: any) => s.id === id);
  let id = '';

  it('the statement step cannot be done before a draft is approved', () => {
    id = json(run('open', '--type', 'outage', '--title', 'Orders stuck', '--var', 'systems=the mobile app', '--json')).id;
    const refused = run('step', id, 'holding-statement', 'done');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('draft');
    expect(hasStackTrace(refused.stderr)).toBe(false);
  });

  it('draft renders the template; the author approving it, by name or by user, is refused (exit 1)', () => {
    const drafted = run('statement', id, 'holding-statement', 'draft', '--actor', '张三');
    expect(drafted.code).toBe(0);
    expect(run('statement', id, 'holding-statement', 'show').stdout).toContain('the mobile app has been failing');
    for (const claim of ['张三', 'zhangsan']) {
      const self = run('statement', id, 'holding-statement', 'approve', '--actor', claim);
      expect(self.code).toBe(1);
      expect(self.stderr).toContain('cannot sign their own text');
    }
    const stranger = run('statement', id, 'holding-statement', 'approve', '--actor', '钱七');
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain('not a member');
  });

  it('a second draft from a file cancels nothing approved yet; approving draft 1 is refused; reject needs a reason (exit 2)', () => {
    const file = join(dir, 'edited.md');
    writeFileSync(file, 'Since this morning the mobile app has failed. We apologise and will report at 11:00.\n');
    expect(run('statement', id, 'holding-statement', 'draft', '--file', file, '--actor', '张三').code).toBe(0);
    const older = run('statement', id, 'holding-statement', 'approve', '--draft', '1', '--actor', '李四');
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('not the latest');
    expectUsageError(run('statement', id, 'holding-statement', 'reject', '--actor', '李四'), /needs a reason/);
  });

  it('another member approves the latest draft: claimed, in status --json and the report', () => {
    const approved = json(run('statement', id, 'holding-statement', 'approve', '--draft', '2', '--actor', '李四', '--json'));
    expect(approved).toMatchObject({ draft: 2, approved: true, approvals: [{ member: '李四', claimed: true }] });
    expect(run('step', id, 'holding-statement', 'done').code).toBe(0);
    const status = json(run('status', id, '--json'));
    expect(step(status, 'holding-statement').status).toBe('done');
    expect(status.approvals).toEqual([
      expect.objectContaining({ kind: 'statement', step: 'holding-statement', draft: 2, author: '张三', status: 'published', approvals: [expect.objectContaining({ member: '李四', claimed: true, team: 'leadership' })] }),
    ]);
    const out = join(dir, 'report.md');
    expect(run('report', id, '--out', out).code).toBe(0);
    const report = readFileSync(out, 'utf8');
    const sha = approved.sha256 as string;
    expect(report).toContain(`sha256 \`${sha}\``);
    expect(report).toMatch(/draft 2 approved by 李四 \(Emergency leadership group\) \(claimed, not verified by the store\)/);
    expect(report).toMatch(/draft 1 written by 张三/);
    expect(report).toContain('will report at 11:00');
  });

  it('a forced close is a request: the incident stays open until another member grants it', () => {
    const asked = run('close', id, '--force', '--reason', 'exercise over', '--actor', '钱七');
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain(`sec-incident approve ${id} R1`);
    for (const line of asked.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(json(run('status', id, '--json'))).toMatchObject({ state: 'open', approvals: expect.arrayContaining([expect.objectContaining({ request: 'R1', kind: 'close-force', status: 'pending' })]) });
    expect(run('approve', id, 'R1', '--actor', '钱七').code).toBe(1);
    expectUsageError(run('refuse', id, 'R1', '--actor', '孙八'), /needs a reason/);
    const granted = json(run('approve', id, 'R1', '--actor', '孙八', '--json'));
    expect(granted.state).toBe('closed');
    expect(granted.approvals).toContainEqual(expect.objectContaining({ request: 'R1', status: 'granted', decided: expect.objectContaining({ member: '孙八', claimed: true }) }));
  });
});

describe('drills sign off on the virtual clock', () => {
  const db = join(tempDir(), 'drills.db');
  const drill = (name: string) => cli(['drill', join(LIBRARY, 'drills', name), '--db', db, '--json'], { env });

  it('an approval that arrives after the due time makes the statement step late', () => {
    const r = drill('late-approval.yaml');
    expect(r.code).toBe(0);
    const out = json(r);
    expect(out.passed).toBe(true);
    expect(out.steps.find((s: any) => s.id === 'holding-statement')).toMatchObject({ status: 'done', late: true });
    const statement = out.approvals.find((a: any) => a.step === 'holding-statement');
    expect(statement).toMatchObject({ draft: 2, approvals: [expect.objectContaining({ member: '张三', drill: true })] });
    expect(statement).not.toHaveProperty('rejection');
  });

  it('the responder drafts and its on-time policy approves at the request: on time', () => {
    const out = json(drill('on-time.yaml'));
    expect(out.passed).toBe(true);
    expect(out.steps.find((s: any) => s.id === 'holding-statement')).toMatchObject({ status: 'done', late: false });
  });

  it('the late policy drafts 10 minutes after the due time and approves 10 minutes after the draft', () => {
    const out = json(drill('late-responder.yaml'));
    expect(out.passed).toBe(true);
    const step = out.steps.find((s: any) => s.id === 'holding-statement');
    expect(Date.parse(step.completedAt) - Date.parse(step.dueAt)).toBe(20 * 60_000);
    const statement = out.approvals.find((a: any) => a.step === 'holding-statement');
    expect(Date.parse(statement.approvals[0].at) - Date.parse(statement.draftedAt)).toBe(10 * 60_000);
  });

  it('a wrong approvedBy fails the drill (exit 1)', () => {
    const dir = tempDir();
    const file = join(dir, 'wrong.yaml');
    writeFileSync(file, readFileSync(join(LIBRARY, 'drills', 'late-approval.yaml'), 'utf8').replace('approvedBy: {holding-statement: 张三}', 'approvedBy: {holding-statement: 李四}'));
    const r = cli(['drill', file, '--db', db, '--json'], { env });
    expect(r.code).toBe(1);
    expect(json(r).expectations).toContainEqual(expect.objectContaining({ name: 'approvedBy', passed: false }));
  });
});

describe('a scenario that signs off wrongly is bad input (exit 2), with its position', () => {
  it.each([
    ['approve: without by:', '  - {at: 10m, approve: holding-statement}', /late-approval\.yaml:\d+:\d+: .*by:/],
    ['reject: without a reason', '  - {at: 10m, reject: holding-statement, by: 李四}', /late-approval\.yaml:\d+:\d+: .*reason:/],
    ['approve: of a step under no sign-off', '  - {at: 10m, approve: confirm-grading, by: 李四}', /late-approval\.yaml:\d+:\d+: .*needs no approval/],
  ])('%s', (_, entry, message) => {
    const file = join(tempDir(), 'late-approval.yaml');
    writeFileSync(file, readFileSync(join(LIBRARY, 'drills', 'late-approval.yaml'), 'utf8').replace('timeline:\n', `timeline:\n${entry}\n`));
    const r = cli(['drill', file, '--db', join(tempDir(), 'x.db')], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('playbooks show', () => {
  it('says which steps need whose approval', () => {
    const r = cli(['playbooks', 'show', 'outage'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('holding-statement: approved by leadership');
  });
});

describe('the bundled content: one responder on SQLite finishes with a claimed approval', () => {
  it('a mild outage\'s apology brings in leadership; another member\'s claimed approval lets the step be done', () => {
    const db = join(tempDir(), 'audit.db');
    const run = (...args: string[]) => cli([...args, '--db', db], { env: { SEC_INCIDENT_LANG: 'en', SEC_INCIDENT_PLAYBOOKS: BUNDLED_PLAYBOOKS, SEC_INCIDENT_TEMPLATES: BUNDLED_TEMPLATES } });
    const opened = run('open', '--type', 'trading-outage', '--title', 'Orders slow', '--var', 'systems=the mobile app', '--impact', 'partial', '--json');
    expect(opened.code, opened.stderr).toBe(0);
    const id = json(opened).id as string;
    expect(run('recover', id).code).toBe(0);
    expect(run('statement', id, 'public-apology', 'draft').code).toBe(0); // as the OS user
    const log = json<any[]>(run('log', id, '--json'));
    expect(log).toContainEqual(expect.objectContaining({ type: 'team.activated', payload: expect.objectContaining({ team: 'leadership', approval: true }) }));
    expect(run('step', id, 'public-apology', 'done').code).toBe(1);
    expect(run('statement', id, 'public-apology', 'approve', '--actor', '张三').code).toBe(0);
    expect(run('step', id, 'public-apology', 'done').code).toBe(0);
    const status = json(run('status', id, '--json'));
    expect(status.steps.find((s: any) => s.id === 'public-apology').status).toBe('done');
    expect(status.approvals).toContainEqual(expect.objectContaining({ step: 'public-apology', status: 'published', approvals: [expect.objectContaining({ member: '张三', claimed: true })] }));
  });
});

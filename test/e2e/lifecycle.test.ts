// One incident through the script commands, checking `status --json` after each step (issue 3).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json, tempDir } from '../helpers.js';

describe('open → step → regrade → recover → close via the CLI', () => {
  const db = join(tempDir(), 'audit.db');
  const reads = new Set(['status', 'log', 'list', 'verify']);
  const run = (...args: string[]) => cli([...args, '--db', db, ...(reads.has(args[0]!) ? [] : ['--actor', 'oncall'])]);
  const status = (id: string) => json(run('status', id, '--json'));
  const step = (doc: any, id: string) => doc.steps.find((s: any) => s.id === id);

  it('walks the whole life of a moderate trading outage that escalates', () => {
    const opened = json(run('open', '--type', 'trading-outage', '--title', 'APP login failures', '--indicator', 'eventLevel=2', '--metric', 'affectedClients=20000', '--impact', 'partial', '--var', 'systems=APP', '--json'));
    expect(opened).toEqual({ id: expect.stringMatching(/^INC-\d{8}-\d{3}$/), tier: 'moderate', direction: 'B', mode: 'real' });
    const id = opened.id;
    let s = status(id);
    expect(s).toMatchObject({ id, tier: 'moderate', direction: 'B', state: 'open' });
    expect(step(s, 'holding-statement')).toMatchObject({ status: 'pending', late: false });
    expect(step(s, 'press-briefing')).toBeUndefined();
    expect(step(s, 'convene-leadership')).toBeUndefined();
    const holdingDue = Date.parse(step(s, 'holding-statement').dueAt);
    expect(holdingDue - Date.parse(step(s, 'holding-statement').applicableAt)).toBe(2 * 3600_000);

    expect(run('step', id, 'confirm-grading', 'done', '--note', 'moderate, B').code).toBe(0);
    expect(step(status(id), 'confirm-grading')).toMatchObject({ status: 'done', late: false });

    const noNote = run('step', id, 'reportability', 'done');
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toContain('requires a note');
    expect(run('step', id, 'media-qa', 'skip').code).toBe(2);
    expect(run('step', id, 'media-qa', 'skip', '--reason', 'no enquiries yet').code).toBe(0);
    expect(step(status(id), 'media-qa')).toMatchObject({ status: 'skipped' });

    // escalation: reposts trend on Weibo
    const regraded = run('regrade', id, '--metric', 'reposts=15000', '--indicator', 'durationTrend=3', '--json');
    expect(regraded.code).toBe(0);
    s = json(regraded);
    expect(s.tier).toBe('severe');
    expect(step(s, 'convene-leadership')).toMatchObject({ status: 'pending' });
    expect(Date.parse(step(s, 'holding-statement').dueAt)).toBeLessThan(holdingDue);

    // a step with a template, done from a script, records its statement as the template renders it
    expect(run('step', id, 'holding-statement', 'done').code).toBe(0);
    const statements = json<any[]>(run('log', id, '--json')).filter((e) => e.type === 'statement.rendered');
    expect(statements).toEqual([expect.objectContaining({ payload: expect.objectContaining({ step: 'holding-statement', template: 'holding-statement', lang: 'en' }) })]);
    expect(statements[0].payload.text).toContain('APP');
    expect(statements[0].payload.text).not.toMatch(/\{\{/);

    expect(run('regrade', id, '--tier', 'critical').code).toBe(2);
    expect(json(run('regrade', id, '--tier', 'critical', '--reason', 'CEO: treat as critical', '--json')).tier).toBe('critical');
    expect(step(status(id), 'press-briefing')).toMatchObject({ status: 'pending' });

    const refused = run('close', id);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('still pending');

    expect(json(run('recover', id, '--json')).state).toBe('recovered');
    expect(run('recover', id).code).toBe(1);
    s = status(id);
    expect(step(s, 'public-apology').dueAt).not.toBeNull();

    const forced = run('close', id, '--force');
    expect(forced.code).toBe(2);
    // a forced close waits for a second person (SPEC §9): another member grants it
    expect(json(run('close', id, '--force', '--reason', 'exercise ends', '--summary', 'done', '--json')).state).toBe('recovered');
    expect(json(cli(['approve', id, 'R1', '--db', db, '--actor', '张三', '--json'])).state).toBe('closed');
    // after the close, notes (follow-ups) may still be added; steps may not change (SPEC §4)
    expect(run('step', id, 'media-qa', 'note', '--note', 'late note').code).toBe(0);
    expect(run('step', id, 'media-qa', 'done').code).toBe(1);

    const log = json<any[]>(run('log', id, '--json'));
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((e) => e.actor !== 'oncall').map((e) => e.type)).toEqual(['approval.granted', 'incident.closed']);
    expect(log.at(-2)).toMatchObject({ type: 'incident.closed', payload: { forced: true, reason: 'exercise ends' } });
    expect(log.at(-1)).toMatchObject({ type: 'note.added', payload: { step: 'media-qa', text: 'late note' } });
    expect(json(run('list', '--json'))).toEqual([expect.objectContaining({ id, state: 'closed', tier: 'critical' })]);
    expect(json(run('verify', '--json')).ok).toBe(true);
  });

  it('open without --json prints the id alone on stdout, for id=$(sec-incident open …); the sentence goes to stderr', () => {
    const r = run('open', '--type', 'rumor', '--var', 'claim=a fake loss', '--var', 'platforms=Weibo', '--title', 'A rumour');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^INC-\d{8}-\d{3}\n$/);
    expect(r.stderr).toContain(`Opened ${r.stdout.trim()}`);
    expect(status(r.stdout.trim()).state).toBe('open');
    // typed in lower case it is the same incident
    expect(json(run('status', r.stdout.trim().toLowerCase(), '--json')).id).toBe(r.stdout.trim());
  });

  it('vars shows the facts statements use and updates them as they become known; the next statement uses them', () => {
    const id = run('open', '--type', 'trading-outage', '--var', 'systems=the mobile app', '--indicator', 'eventLevel=2', '--metric', 'affectedClients=20000', '--impact', 'partial').stdout.trim();
    const shown = run('vars', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^systems +.+\(required\) +the mobile app$/m);
    expect(shown.stdout).toMatch(/^cause +.+ +—$/m);
    const updated = run('vars', id, '--var', 'cause=a faulty configuration change', '--json');
    expect(updated.code).toBe(0);
    expect(json(updated).vars).toEqual({ systems: 'the mobile app', cause: 'a faulty configuration change' });
    expect(run('vars', id, '--var', 'cause=a faulty configuration change').code).toBe(2); // nothing changed
    expect(run('vars', id, '--var', 'nope=1').code).toBe(2);
    expect(run('step', id, 'holding-statement', 'done').code).toBe(0);
    const log = json<any[]>(run('log', id, '--json'));
    expect(log.find((e) => e.type === 'vars.updated')).toMatchObject({ actor: 'oncall', payload: { vars: { cause: 'a faulty configuration change' } } });
    expect(log.find((e) => e.type === 'statement.rendered').payload.text).toContain('the following cause: a faulty configuration change');
  });
});

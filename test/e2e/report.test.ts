// `sec-incident report` on the built CLI: open → steps → report, files, formats, languages, and
// a tampered database (SPEC §8).
import Database from 'better-sqlite3';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { oneLine } from '../../src/report/escape.js';
import { cli, hasStackTrace, json, PLAYBOOKS, tempDir } from '../helpers.js';
import { headings, labelled, mermaidBlocks, nodesOf, parseMarkdown, plain, readGantt, section, tables } from '../report-markdown.js';

const HOSTILE = 'pipe | cell `tick` ``` # head <script>alert(1)</script> ]]>\nsection Evil: title x; dateFormat YYYY\n- list\n> quote %% #35;';
const EN_PARTS = ['Cover', 'Summary', 'Grading', 'Handling direction', 'Teams activated', 'Steps by phase', 'Timeline', 'Follow-ups'];

describe('sec-incident report', () => {
  const dir = tempDir();
  const db = join(dir, 'audit.db');
  const run = (...args: string[]) => cli([...args, '--db', db]);
  let id = '';

  beforeAll(() => {
    const opened = run('open', '--type', 'trading-outage', '--title', HOSTILE, '--indicator', 'eventLevel=2', '--metric', 'affectedClients=20000', '--impact', 'partial', '--var', `systems=${HOSTILE}`, '--json');
    expect(opened.code).toBe(0);
    id = json(opened).id;
    for (const args of [
      ['step', id, 'confirm-grading', 'done', '--note', HOSTILE, '--actor', 'opinion|lead'],
      ['step', id, 'notify-leadership', 'done', '--note', HOSTILE],
      ['step', id, 'media-qa', 'skip', '--reason', HOSTILE],
      ['step', id, 'it-diagnosis', 'note', '--note', HOSTILE],
      ['regrade', id, '--metric', 'reposts=15000', '--indicator', 'durationTrend=3', '--reason', HOSTILE],
      ['recover', id, '--note', HOSTILE],
    ]) {
      const r = run(...args);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('prints the report: the parts in order, the facts of status --json, no HTML, tables intact', () => {
    const r = run('report', id);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const tree = parseMarkdown(r.stdout);
    expect(nodesOf(tree, 'html')).toEqual([]);
    const h2 = headings(tree).filter((h) => h.depth === 2).map((h) => h.text);
    expect(h2.slice(0, EN_PARTS.length)).toEqual(EN_PARTS);
    expect(h2.slice(-2)).toEqual(['Response chart', 'Integrity']);
    expect(headings(tree).filter((h) => h.depth === 1)).toEqual([{ depth: 1, text: `Post-incident report: ${oneLine(HOSTILE)}` }]);
    for (const table of tables(tree)) for (const width of table.widths) expect(width).toBe(table.header.length);

    const status = json(run('status', id, '--json'));
    const summary = labelled(section(tree, 'Summary'));
    expect(summary.get('Final tier')).toBe(status.tier);
    expect(summary.get('Handling direction')).toMatch(new RegExp(`^${status.direction} `));
    const late = status.steps.filter((s: { late: boolean }) => s.late).map((s: { id: string }) => s.id);
    expect(summary.get('Late steps')).toBe(late.length ? late.join(', ') : 'none');

    const log = json(run('log', id, '--json'));
    const timeline = tables(section(tree, 'Timeline'))[0]!;
    expect(timeline.rows.map((row) => Number(row[0]))).toEqual(log.map((e: { seq: number }) => e.seq));
    expect(timeline.rows.find((row) => row[2] === 'step.completed')![3]).toBe('opinion|lead');
    expect(timeline.rows.some((row) => row[4]!.includes(oneLine(HOSTILE)))).toBe(true);

    const gantt = readGantt(mermaidBlocks(tree)[0]!);
    expect(gantt.problems).toEqual([]);
    expect(gantt.tasks).toHaveLength(status.steps.length);

    const integrity = labelled(section(tree, 'Integrity'));
    expect(integrity.get('Events')).toBe(String(log.length));
    expect(integrity.get('Hash-chain head')).toBe(log[log.length - 1].hash);
    expect(integrity.get('Re-check with')).toBe(`sec-incident verify ${id} --db ${db}`);
    // the command as printed re-checks this database, from any directory
    const recheck = cli(integrity.get('Re-check with')!.split(' ').slice(1), { cwd: tempDir() });
    expect(recheck.code).toBe(0);
    expect(recheck.stdout).toMatch(new RegExp(`^${id}: \\d+ events, chain intact`));
  });

  it('--out writes the file (creating its folder) and refuses to overwrite it without --force', () => {
    const file = join(dir, 'reports', 'nested', 'report.md');
    const first = run('report', id, '--out', file);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toContain(file);
    const tree = parseMarkdown(readFileSync(file, 'utf8'));
    expect(headings(tree).filter((h) => h.depth === 2).map((h) => h.text).slice(0, EN_PARTS.length)).toEqual(EN_PARTS);

    writeFileSync(file, 'keep me');
    const again = run('report', id, '--out', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(hasStackTrace(again.stderr)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('keep me');

    const forced = run('report', id, '--out', file, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(`\`${id}\``);
  });

  it('--format json parses and carries the same facts, times ISO 8601 in the incident zone', () => {
    const file = join(dir, 'report.json');
    expect(run('report', id, '--format', 'json', '--out', file).code).toBe(0);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const status = json(run('status', id, '--json'));
    expect(data.cover.id).toBe(id);
    expect(data.cover.title).toBe(HOSTILE);
    expect(data.summary.tier).toBe(status.tier);
    expect(data.cover.openedAt).toBe(status.openedAt);
    expect(data.cover.recoveredAt).toBe(status.recoveredAt);
    expect(data.integrity.ok).toBe(true);
    const steps = data.phases.flatMap((p: { steps: unknown[] }) => p.steps);
    expect(steps.map((s: { id: string }) => s.id).sort()).toEqual(status.steps.map((s: { id: string }) => s.id).sort());
    const stdout = run('report', id, '--format', 'json');
    expect(JSON.parse(stdout.stdout).summary.tier).toBe(status.tier);
  });

  it('speaks the incident language unless --lang is given', () => {
    const zh = json(run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--title', '登录异常', '--drill', '--lang', 'zh', '--json')).id;
    const inZh = parseMarkdown(run('report', zh).stdout);
    expect(headings(inZh)[0]!.text).toContain('演练');
    expect(headings(inZh).filter((h) => h.depth === 2)[0]!.text).toBe('封面');
    const inEn = parseMarkdown(run('report', zh, '--lang', 'en').stdout);
    expect(headings(inEn)[0]!.text).toContain('DRILL');
    expect(headings(inEn).filter((h) => h.depth === 2)[0]!.text).toBe('Cover');
    // LANG is only the system default, not a choice: the English incident stays English
    const r = cli(['report', id, '--db', db], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(headings(parseMarkdown(r.stdout)).filter((h) => h.depth === 2)[0]!.text).toBe('Cover');
  });

  it('says on the cover, and on stderr, when the playbook file has changed since the incident opened', () => {
    const playbooks = join(dir, 'playbooks');
    cpSync(PLAYBOOKS, playbooks, { recursive: true });
    const changed = json(cli(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--db', db, '--playbooks', playbooks, '--json'])).id;
    const file = join(playbooks, 'trading-outage.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n# edited after the incident opened\n`);
    const r = run('report', changed);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('has changed since this incident opened');
    const tree = parseMarkdown(r.stdout);
    const quotes = nodesOf(tree, 'blockquote').map((q) => plain(q));
    expect(quotes.some((q) => q.includes('has changed since this incident opened'))).toBe(true);
    const cover = tables(section(tree, 'Cover'))[0]!;
    expect(cover.rows).toContainEqual(['Playbook version', '1']);
    expect(cover.rows.find((row) => row[0] === 'Playbook sha256')![1]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an unknown incident is bad input (exit 2), without a stack trace', () => {
    const r = run('report', 'INC-19990101-001');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('INC-19990101-001');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('sec-incident report on a tampered database', () => {
  const dir = tempDir();
  const db = join(dir, 'audit.db');
  const run = (...args: string[]) => cli([...args, '--db', db]);

  it('still produces the report, with a warning naming the first bad event at the top', () => {
    const id = json(run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--json')).id;
    expect(run('step', id, 'confirm-grading', 'done', '--note', 'called the duty manager').code).toBe(0);
    expect(run('step', id, 'media-qa', 'skip', '--reason', 'no enquiries').code).toBe(0);
    const log = json(run('log', id, '--json'));
    const target = log.find((e: { type: string }) => e.type === 'step.completed').seq;

    const sqlite = new Database(db);
    sqlite.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
    sqlite.prepare("UPDATE events SET payload = replace(payload, 'duty manager', 'nobody') WHERE incident_id = ? AND seq = ?").run(id, target);
    sqlite.close();
    expect(run('verify', id).code).toBe(3);

    const r = run('report', id);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`event ${target}`);
    const tree = parseMarkdown(r.stdout);
    expect(tree.children[0]!.type).toBe('blockquote');
    expect(plain(tree.children[0]!)).toMatch(new RegExp(`WARNING.*event ${target}\\b`));
    expect(labelled(section(tree, 'Integrity')).get('Verification')).toContain(`FAILED at event ${target}`);
    // the report shows the log as it now is
    expect(r.stdout).toContain('called the nobody');
    expect(nodesOf(tree, 'html')).toEqual([]);

    const file = join(dir, 'tampered.md');
    expect(run('report', id, '--out', file).code).toBe(0);
    expect(existsSync(file)).toBe(true);
  });

  it('folds only the events before the first bad one when a tampered payload cannot be read', () => {
    const id = json(run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--json')).id;
    expect(run('step', id, 'confirm-grading', 'done').code).toBe(0);
    expect(run('step', id, 'media-qa', 'skip', '--reason', 'no enquiries').code).toBe(0);
    const log = json(run('log', id, '--json'));
    const completed = log.find((e: { type: string }) => e.type === 'step.completed').seq;
    const skipped = log.find((e: { type: string }) => e.type === 'step.skipped').seq;

    const sqlite = new Database(db);
    sqlite.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
    const update = sqlite.prepare('UPDATE events SET payload = ? WHERE incident_id = ? AND seq = ?');
    update.run('{"step":"no-such-step"}', id, completed);
    update.run('not json {', id, skipped);
    sqlite.close();

    const r = run('report', id, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.integrity).toMatchObject({ ok: false, firstBadSeq: completed, foldedThrough: completed - 1 });
    expect(data.timeline).toHaveLength(log.length);
    expect(data.timeline.find((e: { seq: number }) => e.seq === skipped).detail).toBe('not a recognised event (altered?) — payload as stored: not json {'); // as log shows it
    const steps = data.phases.flatMap((p: { steps: { id: string; status: string }[] }) => p.steps);
    expect(steps.find((s: { id: string }) => s.id === 'confirm-grading').status).toBe('pending');

    const md = run('report', id);
    expect(md.code, md.stderr).toBe(0);
    const tree = parseMarkdown(md.stdout);
    expect(plain(tree.children[0]!)).toContain(`event ${completed}`);
    expect(plain(tree.children[1]!)).toContain(`events 1–${completed - 1}`);
    expect(nodesOf(tree, 'html')).toEqual([]);
  });
});

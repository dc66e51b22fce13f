import { recheckCommand } from '../../src/app/report-file.js';
import { describe, expect, it } from 'vitest';
import { addNote, closeIncident, openIncident, recordStep, recover, regrade, renderedStatement, teamReached, type OpenRequest } from '../../src/engine/decide.js';
import type { EventDraft, IncidentEvent } from '../../src/engine/events.js';
import { fold, lateSteps, type IncidentState } from '../../src/engine/fold.js';
import type { GradingInputs } from '../../src/grading/grade.js';
import { loadGrading, loadPlaybook, loadTeams } from '../../src/playbook/library.js';
import type { Playbook } from '../../src/playbook/schema.js';
import { PHASES } from '../../src/playbook/vocabulary.js';
import { code, codeBlock, md, mermaidText, oneLine } from '../../src/report/escape.js';
import { renderJson } from '../../src/report/json.js';
import { ganttSpan, ganttTags } from '../../src/report/gantt.js';
import { renderMarkdown, renderMarkdownTo } from '../../src/report/markdown.js';
import { describeEvent } from '../../src/report/describe.js';
import { buildReport, type ReportModel } from '../../src/report/model.js';
import { canonicalEvent, canonicalJson, chainHash, GENESIS, type EventRow } from '../../src/store/hash.js';
import { rowToEvent } from '../../src/store/store.js';
import { verifyRows } from '../../src/store/verify.js';
import { formatInZone, formatShort, parseInstant } from '../../src/time/zone.js';
import { messages, type Lang, type MessageKey } from '../../src/i18n/messages.js';
import { PLAYBOOKS } from '../helpers.js';
import { headings, labelled, mermaidBlocks, nodesOf, parseMarkdown, plain, readGantt, section, tables } from '../report-markdown.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = parseInstant('2026-03-16T09:35:00+08:00')!;
const TZ = 'Asia/Shanghai';
const time = { calendar: { holidays: new Set<string>(), workdays: new Set<string>() }, timeZone: TZ };
const grading = loadGrading(PLAYBOOKS);
const teams = loadTeams(PLAYBOOKS);
const bundled = loadPlaybook(PLAYBOOKS, 'trading-outage', teams);

const HOSTILE = [
  'pipe | in | a cell',
  'tick ` and ``` a fence',
  '# not a heading',
  '<script>alert(1)</script>',
  ']]> <![CDATA[x]]>',
  'line one\nline two\r\n## line three',
  'section Evil: title x; dateFormat YYYY excludes weekends',
  '%% comment #35; entity',
  '- list\n1. ordered\n> quote',
  '[link](javascript:alert(1)) ![img](x)',
  '| --- | --- |',
  '<!-- comment --> &amp; &lt;b&gt;',
  '    indented code',
  '***',
  '\\| escaped pipe \\',
];

/** An incident run through the real engine functions, with a real hash chain over its log. */
class Sim {
  drafts: EventDraft[] = [];
  constructor(
    readonly id: string,
    extra: Partial<OpenRequest> & { inputs: GradingInputs },
  ) {
    const request: OpenRequest = {
      type: 'trading-outage',
      title: 'App login failures at the open',
      mode: 'real',
      playbook: { definition: bundled.definition, file: bundled.file, sha256: bundled.sha256 },
      grading,
      teams,
      vars: { systems: 'mobile app' },
      timezone: TZ,
      lang: 'en',
      firm: { name: 'Example Securities', hotline: '95500' },
      ...extra,
    };
    this.drafts = openIncident(id, request, T0, 'duty-officer', time);
  }

  get state(): IncidentState {
    return fold(this.id, this.drafts, time);
  }

  do(decide: (s: IncidentState) => EventDraft[]): this {
    this.drafts.push(...decide(this.state));
    return this;
  }

  rows(): EventRow[] {
    let prev = GENESIS;
    return this.drafts.map((d, i) => {
      const row = { incident_id: this.id, seq: i + 1, at: new Date(d.at).toISOString(), recorded_at: new Date(d.at).toISOString(), type: d.type, actor: d.actor, payload: canonicalJson(d.payload) };
      const hash = chainHash(prev, canonicalEvent(row), undefined);
      const full = { ...row, prev_hash: prev, hash };
      prev = hash;
      return full;
    });
  }

  model(opts: { asOf?: number; lang?: Lang; rows?: EventRow[] } = {}): ReportModel {
    const rows = opts.rows ?? this.rows();
    const events: IncidentEvent[] = rows.map(rowToEvent);
    const state = fold(this.id, events, time);
    return buildReport({
      state,
      events,
      chain: verifyRows(this.id, rows, undefined),
      asOf: opts.asOf ?? state.closedAt ?? T0 + 6 * HOUR,
      generatedAt: T0 + 7 * HOUR,
      messages: messages(opts.lang ?? 'en'),
    });
  }
}

const inputs = (extra: Partial<GradingInputs> = {}): GradingInputs => ({
  indicators: { eventLevel: 2 },
  metrics: { affectedClients: 20000, reposts: 300 },
  impact: 'partial',
  ...extra,
});

/** Opened moderate (score 7), escalated to severe at +20 min, one late step, hostile notes. */
function escalated(note = HOSTILE.join('\n')): Sim {
  return new Sim('INC-20260316-001', { inputs: inputs(), vars: { systems: 'mobile app', cause: 'a bad config push' } })
    .do((s) => recordStep(s, 'confirm-grading', 'done', {}, T0 + 10 * MIN, 'opinion-lead'))
    .do((s) => regrade(s, { change: { metrics: { reposts: 15000, trend: 'rising' } }, reason: 'trending on Weibo' }, T0 + 20 * MIN, 'monitor', time))
    .do((s) => recordStep(s, 'notify-leadership', 'done', { note }, T0 + 25 * MIN, 'opinion-lead'))
    .do((s) => recordStep(s, 'media-qa', 'skip', { reason: note }, T0 + 40 * MIN, note))
    .do((s) => recordStep(s, 'activate-teams', 'done', {}, T0 + 45 * MIN, 'opinion-lead'))
    .do((s) => recordStep(s, 'it-diagnosis', 'note', { note }, T0 + 50 * MIN, 'it-lead'))
    .do((s) => teamReached(s, { team: 'leadership', member: note, reached: true }, T0 + 50 * MIN, 'opinion-lead'))
    .do((s) => recover(s, note, T0 + 2 * HOUR, 'it-lead', time))
    .do((s) => addNote(s, note, T0 + 3 * HOUR, 'opinion-lead'));
}

const label = (key: MessageKey, lang: Lang = 'en', params: Record<string, string | number> = {}) => messages(lang).t(key, params);
/** The report rendered in its own language, as the report file writer renders it. */
const markdownOf = (model: ReportModel) => renderMarkdown(model, messages(model.lang));

describe('escaping responder text (SPEC §8)', () => {
  it.each(HOSTILE.map((h) => [h]))('%j stays one table cell, one list item and one heading, with no HTML', (text) => {
    const doc = [`| a | b |`, `| --- | --- |`, `| ${md(text)} | x |`, '', `- ${md(text)}`, '', `## ${md(text)}`, ''].join('\n');
    const tree = parseMarkdown(doc);
    expect(nodesOf(tree, 'html')).toEqual([]);
    const [table] = tables(tree);
    expect(table!.widths).toEqual([2]);
    expect(table!.rows[0]).toEqual([oneLine(text), 'x']);
    const items = nodesOf(tree, 'listItem');
    expect(items).toHaveLength(1);
    expect(plain(items[0]!)).toBe(oneLine(text));
    expect(headings(tree)).toEqual([{ depth: 2, text: oneLine(text) }]);
    expect(nodesOf(tree, 'link')).toEqual([]);
  });

  it('neutralises list, quote and heading markers at the start of a line', () => {
    for (const text of ['- a', '+ a', '1. a', '2) a', '> a', '# a', '=== a', '--- ', '```js']) {
      const tree = parseMarkdown(`- ${md(text)}\n`);
      expect(nodesOf(tree, 'list')).toHaveLength(1);
      expect(plain(tree)).toBe(oneLine(text));
    }
  });

  it('a code span holds any text, also in a table cell', () => {
    const text = 'a `b` ``c`` | d';
    const tree = parseMarkdown(`| x |\n| --- |\n| ${code(text, true)} |\n\n${code(text)}\n`);
    expect(tables(tree)[0]!.rows).toEqual([[text]]);
    expect(nodesOf<{ value: string }>(tree, 'inlineCode').map((c) => c.value)).toEqual([text, text]);
  });

  it('a code block keeps a multi-line statement verbatim, fences inside included', () => {
    const text = '# Title\n\n```\nfence\n````\n<script>x</script>\n| a | b |';
    const tree = parseMarkdown(`${codeBlock(text)}\n\n# after\n`);
    expect(nodesOf<{ value: string }>(tree, 'code').map((c) => c.value)).toEqual([text]);
    expect(headings(tree)).toEqual([{ depth: 1, text: 'after' }]);
  });

  it('Mermaid text has no lexer-significant character and never begins like a keyword', () => {
    for (const text of [...HOSTILE, 'Gantt chart', 'title x', 'dateFormat x', 'Section 3', '2026-01-01 fix', 'click me', 'excludes weekends', 'Call back clients', 'href "x"', '']) {
      const out = mermaidText(text);
      expect(out).not.toMatch(/[:;#%\n\r<>{}`]/);
      expect(out).not.toMatch(/^(gantt|dateformat|axisformat|excludes|includes|title|section|click|call|href|todaymarker|\d{4}-\d\d-\d\d)\b/i);
      expect(out.length).toBeGreaterThan(0);
    }
  });
});

describe('report model and Markdown (SPEC §8)', () => {
  it('has the parts in the SPEC order, in English and in Chinese', () => {
    const sim = escalated('plain note');
    for (const lang of ['en', 'zh'] as const) {
      const tree = parseMarkdown(markdownOf(sim.model({ lang })));
      const h2 = headings(tree).filter((h) => h.depth === 2).map((h) => h.text);
      const keys: MessageKey[] = ['rep.cover', 'rep.summary', 'rep.grading', 'rep.direction', 'rep.teams', 'rep.phases', 'rep.timeline', 'rep.followUps', 'rep.appendixA', 'rep.appendixB', 'rep.gantt', 'rep.integrity'];
      expect(h2).toEqual(keys.map((k) => label(k, lang)));
      const phases = headings(section(tree, label('rep.phases', lang))).filter((h) => h.depth === 3).map((h) => h.text);
      expect(phases).toEqual(PHASES.map((p) => label(`phase.${p}`, lang)));
      const parts = headings(section(tree, label('rep.appendixB', lang))).map((h) => h.text);
      expect(parts).toEqual((['facts', 'handling', 'findings', 'followUp'] as const).map((p) => label(`rep.b.${p}`, lang)));
    }
  });

  it('states the engine facts: tiers, score, direction, counts, late steps and times', () => {
    const sim = escalated('plain note');
    const state = sim.state;
    const asOf = T0 + 6 * HOUR;
    const tree = parseMarkdown(markdownOf(sim.model({ asOf })));
    const summary = labelled(section(tree, 'Summary'));
    expect(state.tier).toBe('severe');
    expect(summary.get('Final tier')).toBe('severe');
    expect(summary.get('Highest tier')).toBe('severe');
    expect(summary.get('Handling direction')).toBe(label('direction.B'));
    const late = lateSteps(state, asOf).map((s) => s.id);
    expect(late).toContain('activate-teams');
    expect(summary.get('Late steps')!.split(', ').sort()).toEqual([...late].sort());
    const counts = { applied: state.steps.length, done: 0, skipped: 0, withdrawn: 0, pending: 0, late: late.length };
    for (const s of state.steps) counts[s.status === 'done' ? 'done' : s.status]++;
    expect(summary.get('Steps')).toBe(label('rep.sum.stepsValue', 'en', counts));

    const grading = section(tree, 'Grading');
    const [indicators, history] = tables(grading);
    const result = state.gradings.at(-1)!.result;
    expect(indicators!.rows.map((r) => Number(r[1]))).toEqual([result.levels.eventLevel, result.levels.impactScope, result.levels.propagation, result.levels.durationTrend]);
    expect(labelled(grading).get('Score')).toBe(`${result.score} (band: ${result.bandTier})`);
    expect(history!.rows).toHaveLength(state.gradings.length);
    expect(history!.rows[1]![3]).toBe('moderate → severe');
    expect(history!.rows[1]![2]).toContain('Reposts: 300 → 15000');
    expect(history!.rows[1]![5]).toBe('trending on Weibo');

    // activate-teams: due at T0+30 (moderate), done at T0+45: late by 15 min
    const phases = section(tree, 'Steps by phase');
    const md = markdownOf(sim.model({ asOf }));
    expect(md).toContain(`#### Activate the response teams (\`activate-teams\`)`);
    const activate = phases.children.findIndex((n) => n.type === 'heading' && plain(n).includes('activate-teams'));
    const facts = labelled({ type: 'root', children: [phases.children[activate + 1]!] });
    expect(facts.get('Due')).toBe(formatShort(T0 + 30 * MIN, TZ));
    expect(facts.get('Done')).toBe(`${formatShort(T0 + 45 * MIN, TZ)} (opinion-lead)`);
    expect(facts.get('Late')).toBe('yes, by 15 min');
  });

  it('hostile notes break no table, heading or list, and inject no HTML', () => {
    const sim = escalated().do((s) =>
      renderedStatement(s, { step: 'hotline-script', template: 'hotline-script', lang: 'en', text: HOSTILE.join('\n') }, T0 + 4 * HOUR, 'service-lead'),
    );
    const benign = parseMarkdown(markdownOf(escalated('plain note').model()));
    const tree = parseMarkdown(markdownOf(sim.model()));
    expect(nodesOf(tree, 'html')).toEqual([]);
    expect(headings(tree).map((h) => h.depth)).toEqual(headings(benign).map((h) => h.depth));
    expect(headings(tree).filter((h) => h.depth === 1)).toHaveLength(1);
    for (const table of tables(tree)) expect(new Set(table.widths)).toEqual(new Set(table.rows.length ? [table.header.length] : []));
    // the timeline: one row per event, the detail exactly what the engine describes
    const timeline = tables(section(tree, 'Timeline'))[0]!;
    const events = sim.rows().map(rowToEvent);
    expect(timeline.rows.map((r) => r[0])).toEqual(events.map((e) => String(e.seq)));
    expect(timeline.rows.map((r) => r[4])).toEqual(events.map((e) => oneLine(describeEvent(messages('en'), e, teams))));
    expect(timeline.rows.map((r) => r[4])).toContain('team activated: Emergency leadership group'); // by name, not id
    expect(timeline.rows.map((r) => r[3])).toContain(oneLine(HOSTILE.join('\n')));
    // the statement is shown verbatim in a code block
    expect(nodesOf<{ value: string; lang: string }>(tree, 'code').find((c) => c.lang === 'text')?.value).toBe(HOSTILE.join('\n').replace(/\r\n?/g, '\n'));
  });

  it('marks a drill in its title and cover, in both languages', () => {
    const sim = new Sim('DRL-20260316-001', { inputs: inputs(), mode: 'drill' });
    for (const lang of ['en', 'zh'] as const) {
      const tree = parseMarkdown(markdownOf(sim.model({ lang })));
      const title = headings(tree)[0]!;
      expect(title.depth).toBe(1);
      expect(title.text).toContain(lang === 'zh' ? '演练' : 'DRILL');
      const cover = tables(section(tree, label('rep.cover', lang)))[0]!;
      expect(cover.rows).toContainEqual([label('rep.cover.mode', lang), label('rep.modeDrill', lang)]);
    }
    const real = parseMarkdown(markdownOf(new Sim('INC-20260316-002', { inputs: inputs() }).model()));
    expect(headings(real)[0]!.text).not.toContain('DRILL');
  });

  it('says what the direction changed', () => {
    const model = escalated('n').model();
    expect(model.direction.direction).toBe('B');
    expect(model.direction.added.map((s) => s.id)).toEqual(expect.arrayContaining(['hotline-script', 'holding-statement']));
    expect(model.direction.excluded.map((s) => s.id)).toEqual(expect.arrayContaining(['complaint-channel', 'compensation-plan', 'rumour-clarification']));
    expect(model.direction.added.every((s) => s.directions.includes('B'))).toBe(true);
  });

  it('fills the appendices from the log and marks the rest TO FILL', () => {
    const model = escalated('n').model();
    const a = new Map(model.appendixA.map((f) => [f.key, f]));
    expect(a.get('cause')!.items).toEqual([{ label: expect.any(String), text: 'a bad config push' }]);
    expect(a.get('place')!.items).toEqual([{ text: null }]);
    expect(a.get('people')!.items[0]!.text).toBe('20000');
    expect(a.get('unit')!.items).toContainEqual({ label: 'reporting unit', text: 'Example Securities' });
    expect(a.get('unit')!.items).toContainEqual({ label: 'signatory', text: null });
    const tree = parseMarkdown(markdownOf(model));
    const appendix = labelled(section(tree, label('rep.appendixA')));
    expect(appendix.get(label('rep.a.place'))).toBe('TO FILL');
    expect(appendix.get(label('rep.a.cause'))).toContain('a bad config push');
    expect(model.appendixB.map((p) => p.key)).toEqual(['facts', 'handling', 'findings', 'followUp']);
    const zh = labelled(section(parseMarkdown(markdownOf(escalated('n').model({ lang: 'zh' }))), label('rep.appendixA', 'zh')), '：');
    expect(zh.get(label('rep.a.place', 'zh'))).toBe('待补充');
  });

  it('draws one gantt bar per step, by phase, from applicable to done', () => {
    const sim = escalated('n').do((s) => closeIncident(s, { force: true, reason: 'drill over' }, T0 + 5 * HOUR, 'lead'));
    const model = sim.model();
    const [block] = mermaidBlocks(parseMarkdown(markdownOf(model)));
    const gantt = readGantt(block!);
    expect(gantt.problems).toEqual([]);
    const steps = model.phases.flatMap((p) => p.steps);
    expect(gantt.tasks).toHaveLength(steps.length);
    expect(gantt.sections).toEqual(model.phases.filter((p) => p.steps.length).map((p) => mermaidText(label(`phase.${p.phase}`))));
    const local = (ms: number) => formatInZone(ms, TZ).slice(0, 19).replace('T', ' ');
    steps.forEach((s, i) => {
      const task = gantt.tasks[i]!;
      expect(task.name).toBe(mermaidText(`${s.title} (${s.id})`));
      // a withdrawn step is a diamond where it stopped applying; the others run from applicable to done
      expect(task.start).toBe(local(s.status === 'withdrawn' ? s.withdrawnAt! : Math.min(s.startsAt ?? model.asOf, s.completedAt ?? model.asOf)));
      expect(task.end).toBe(local(s.completedAt ?? s.withdrawnAt ?? model.asOf));
      expect(task.tags.includes('crit')).toBe(s.late);
    });
    // a step counted from the recovery is drawn from the recovery, not from the opening
    const afterRecovery = steps.filter((s) => s.startsAt !== null && s.startsAt > s.applicableAt);
    expect(afterRecovery.length).toBeGreaterThan(0);
    for (const s of afterRecovery) expect(gantt.tasks[steps.indexOf(s)]!.start).toBe(local(model.cover.recoveredAt!));
    // each state its own look, named in the legend under the chart
    const look = (status: string) => [...new Set(steps.flatMap((s, i) => (s.status === status ? [gantt.tasks[i]!.tags.filter((t) => t !== 'crit').join('+')] : [])))];
    expect(look('done')).toEqual(['done']);
    expect(look('withdrawn')).toEqual(['milestone']);
    for (const status of ['pending', 'skipped']) expect(look(status)).toEqual(steps.some((s) => s.status === status) ? [status === 'pending' ? 'active' : ''] : []);
    expect(markdownOf(model)).toContain('Legend: done on time');
  });

  it('draws a step counted from the recovery from the recovery, and waits at the judging time before it', () => {
    expect(ganttSpan({ status: 'pending', startsAt: null, completedAt: null } as never, T0 + HOUR)).toEqual([T0 + HOUR, T0 + HOUR]);
    expect(ganttSpan({ status: 'done', startsAt: T0 + 2 * HOUR, completedAt: T0 + 3 * HOUR } as never, T0 + 5 * HOUR)).toEqual([T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(ganttTags({ status: 'skipped', late: true })).toEqual(['crit']);
    expect(ganttTags({ status: 'withdrawn', late: false })).toEqual(['milestone']);
  });

  it('a name that starts like a Mermaid keyword is kept from the lexer by nothing visible', () => {
    expect(mermaidText('Call back registered clients')).toBe('\u200bCall back registered clients');
    expect(mermaidText('Call back registered clients')).not.toContain('·');
  });

  it('keeps the gantt valid when the playbook titles look like Mermaid syntax', () => {
    const definition: Playbook = structuredClone(bundled.definition);
    const titles = ['section Evil', 'dateFormat x#y;z', 'title: %% c', '2026-01-01 date first', 'Gantt: chart', 'click me', 'a\nb', 'excludes weekends', 'Call back', 'href "x"'];
    definition.steps.forEach((s, i) => (s.title = titles[i % titles.length]!));
    const sim = new Sim('INC-20260316-003', { inputs: inputs(), playbook: { definition, file: bundled.file, sha256: bundled.sha256 } });
    const model = sim.model();
    const tree = parseMarkdown(markdownOf(model));
    const gantt = readGantt(mermaidBlocks(tree)[0]!);
    expect(gantt.problems).toEqual([]);
    expect(gantt.tasks).toHaveLength(model.phases.flatMap((p) => p.steps).length);
    expect(nodesOf(tree, 'html')).toEqual([]);
  });

  it('puts a warning naming the first bad event at the top when the chain is broken', () => {
    const sim = escalated('n');
    const rows = sim.rows();
    const i = rows.findIndex((r) => r.type === 'step.completed' && r.payload.includes('notify-leadership'));
    rows[i] = { ...rows[i]!, payload: rows[i]!.payload.replace('"n"', '"edited"') };
    const seq = rows[i]!.seq;
    const model = sim.model({ rows });
    expect(model.integrity).toMatchObject({ ok: false, firstBadSeq: seq, problem: 'hash' });
    const tree = parseMarkdown(markdownOf(model));
    const first = tree.children[0]!;
    expect(first.type).toBe('blockquote');
    expect(plain(first)).toContain(`event ${seq}`);
    expect(plain(first)).toContain('WARNING');
    expect(labelled(section(tree, 'Integrity')).get('Verification')).toContain(`FAILED at event ${seq}`);
    const good = parseMarkdown(markdownOf(sim.model()));
    expect(good.children[0]!.type).toBe('heading');
    expect(labelled(section(good, 'Integrity')).get('Re-check with')).toBe('sec-incident verify INC-20260316-001');
  });

  it('--format json carries the same facts, times in ISO 8601 in the incident zone', () => {
    const sim = escalated('n');
    const model = sim.model();
    const data = JSON.parse(renderJson(model));
    const state = sim.state;
    expect(data.summary.tier).toBe(state.tier);
    expect(data.cover.openedAt).toBe(formatInZone(state.openedAt, TZ));
    expect(data.cover.openedAt).toMatch(/\+08:00$/);
    expect(data.summary.lateSteps).toEqual(model.summary.lateSteps);
    const steps = data.phases.flatMap((p: { steps: unknown[] }) => p.steps);
    expect(steps).toHaveLength(state.steps.length);
    for (const s of steps) expect(s.applicableAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+08:00$/);
    expect(data.timeline).toHaveLength(sim.drafts.length);
    expect(typeof data.summary.durationMs).toBe('number');
  });
});

describe('two languages in one process (a language is a value, not a global)', () => {
  it('two reports rendered interleaved are each wholly in their language', () => {
    const sim = escalated('plain note');
    const alone = { en: markdownOf(sim.model({ lang: 'en' })), zh: markdownOf(sim.model({ lang: 'zh' })) };
    // the models built in turn, then the Chinese report rendered whole while the English one is half written
    const models = { en: sim.model({ lang: 'en' }), zh: sim.model({ lang: 'zh' }) };
    const en: string[] = [];
    let zh = '';
    renderMarkdownTo(models.en, messages('en'), (chunk) => {
      en.push(chunk);
      if (en.length === 3) zh = markdownOf(models.zh);
    });
    expect(en.length).toBeGreaterThan(3); // the Chinese report really came in the middle
    expect(zh).toBe(alone.zh);
    expect(en.join('')).toBe(alone.en);
    expect(alone.en).not.toBe(alone.zh);
    // and in its language throughout: the headings, the tier in the summary, the timeline's sentences
    for (const [lang, text, other] of [['en', en.join(''), 'zh'], ['zh', zh, 'en']] as const) {
      const tree = parseMarkdown(text);
      const titles = headings(tree).filter((h) => h.depth <= 3).map((h) => h.text);
      for (const key of ['rep.summary', 'rep.timeline', 'phase.response', 'rep.b.handling'] as const) {
        expect(titles).toContain(label(key, lang));
        expect(titles).not.toContain(label(key, other));
      }
      expect(text).toContain(label('rep.sum.maxTier', lang));
      expect(text).not.toContain(label('rep.sum.maxTier', other));
      const timeline = tables(section(tree, label('rep.timeline', lang)))[0]!;
      expect(timeline.rows[0]![4]).toContain(label('ev.opened', lang, { title: 'App login failures at the open', type: 'trading-outage', playbook: 'trading-outage', version: bundled.definition.version }));
    }
  });
});

describe('the re-check command the report prints', () => {
  it('names the database, quoted for a shell when it must be, and the key variable (never the key) when the chain is keyed', () => {
    expect(recheckCommand({ db: '/srv/sec/audit.db', env: {} }, 'INC-20260316-001')).toBe('sec-incident verify INC-20260316-001 --db /srv/sec/audit.db');
    expect(recheckCommand({ db: "/srv/it's here/a.db", env: {} }, 'X')).toBe(`sec-incident verify X --db '/srv/it'\\''s here/a.db'`);
    const keyed = recheckCommand({ db: '/a.db', env: { SEC_INCIDENT_AUDIT_KEY: 's3cret' } }, 'X');
    expect(keyed).toBe('SEC_INCIDENT_AUDIT_KEY=… sec-incident verify X --db /a.db');
    expect(keyed).not.toContain('s3cret');
  });
});

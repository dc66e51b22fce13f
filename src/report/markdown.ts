// The report as Markdown (CommonMark + GFM tables), in the order of SPEC §8. Every piece of
// text that did not come from this file goes through md()/code(): no raw HTML is ever emitted.
import { formatShort } from '../time/zone.js';
import type { MessageKey } from '../errors.js';
import type { Messages } from '../i18n/messages.js';
import type { FieldItem, ReportField } from './appendix.js';
import { code, codeBlock, md } from './escape.js';
import { ganttChart } from './gantt.js';
import { mentionsChart } from './signals.js';
import type { ReportModel, ReportStatement, ReportStep, StatementSignoff } from './model.js';
import { isKeyProblem } from '../store/verify.js';

/** Lines are handed on in chunks of about this many, so a long timeline is never held twice. */
const CHUNK_LINES = 2000;

class Renderer {
  readonly out: string[] = [];
  private readonly t: Messages['t'];
  private readonly span: Messages['span'];
  constructor(
    readonly m: ReportModel,
    private readonly messages: Messages,
    private readonly write: (chunk: string) => void,
  ) {
    this.t = messages.t;
    this.span = messages.span;
  }

  item(label: string, value: string): string {
    return `- **${md(label)}**${this.t('rep.sep')}${value}`;
  }

  flush(last = false): void {
    if (last) while (this.out.length && this.out[this.out.length - 1] === '') this.out.pop();
    if (this.out.length) this.write(`${this.out.join('\n')}\n`);
    this.out.length = 0;
  }

  /** Rows are escaped by the caller: cells mix escaped text and code spans. */
  table(header: string[], rows: Iterable<string[]>): void {
    this.out.push(`| ${header.map((h) => md(h)).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`);
    for (const row of rows) {
      this.out.push(`| ${row.join(' | ')} |`);
      if (this.out.length >= CHUNK_LINES) this.flush();
    }
    this.out.push('');
  }

  when(ms: number | null | undefined): string {
    return ms === null || ms === undefined ? this.t('rep.notYet') : formatShort(ms, this.m.timeZone);
  }

  heading(level: number, key: MessageKey, params: Record<string, string | number> = {}): void {
    this.out.push(`${'#'.repeat(level)} ${md(this.t(key, params))}`, '');
  }

  para(text: string): void {
    this.out.push(text, '');
  }

  list(items: string[]): void {
    this.out.push(...items, '');
  }

  /** The integrity warning comes first of all, then the title, the drill banner and the drift note. */
  title(): void {
    const { integrity, cover } = this.m;
    if (!integrity.ok) {
      const problem = integrity.problem ? this.t(`verify.problem.${integrity.problem}`) : '';
      const said = isKeyProblem(integrity.problem)
        ? this.t('rep.keyUnchecked', { problem, command: integrity.command })
        : this.t('rep.brokenChain', { seq: integrity.firstBadSeq ?? '?', problem, command: integrity.command });
      this.para(`> **${md(this.t('rep.warning'))}**${this.t('rep.sep')}${md(said)}`);
    }
    if (integrity.foldedThrough !== null) this.para(`> ${md(this.t('rep.partialFold', { last: integrity.foldedThrough }))}`);
    this.heading(1, cover.mode === 'drill' ? 'rep.titleDrill' : 'rep.title', { title: cover.title });
    if (cover.mode === 'drill') this.para(`> **${md(this.t('rep.drillBanner'))}**`);
    if (cover.drift) this.para(`> ${md(cover.drift)}`);
  }

  cover(): void {
    const c = this.m.cover;
    this.heading(2, 'rep.cover');
    const rows: [MessageKey, string][] = [
      ['rep.cover.firm', c.firm.name ? md(c.firm.name) : `**${md(this.t('rep.toFill'))}**`],
      ['rep.cover.id', code(c.id, true)],
      ['rep.cover.title', md(c.title)],
      ['rep.cover.type', `${md(c.typeName)} (${code(c.type, true)})`],
      ['rep.cover.mode', md(this.t(c.mode === 'drill' ? 'rep.modeDrill' : 'rep.modeReal'))],
      ['rep.cover.state', md(this.t(`state.${c.state}`))],
      ['rep.cover.started', md(this.when(c.startedAt))],
      ['rep.cover.discovered', md(this.when(c.discoveredAt))],
      ['rep.cover.opened', md(this.when(c.openedAt))],
      ['rep.cover.recovered', md(this.when(c.recoveredAt))],
      ['rep.cover.closed', md(this.when(c.closedAt))],
      ['rep.cover.generated', md(this.when(this.m.generatedAt))],
      ['rep.cover.timezone', md(this.m.timeZone)],
      ['rep.cover.playbook', code(c.playbook.id, true)],
      ['rep.cover.version', md(String(c.playbook.version))],
      ['rep.cover.sha', code(c.playbook.sha256, true)],
    ];
    if (c.drill) rows.push(['rep.cover.scenario', md(`${c.drill.scenario} (${c.drill.start})`)]);
    this.table([this.t('rep.col.field'), this.t('rep.col.value')], rows.map(([k, v]) => [md(this.t(k)), v]));
  }

  summary(): void {
    const s = this.m.summary;
    this.heading(2, 'rep.summary');
    const end = this.m.cover.closedAt !== null ? 'rep.sum.untilClosed' : 'rep.sum.untilNow';
    const items = [
      this.item(this.t('rep.sum.tier'), md(this.t(`tier.${s.tier}`))),
      this.item(this.t('rep.sum.maxTier'), md(this.t(`tier.${s.maxTier}`))),
      this.item(this.t('rep.sum.direction'), md(this.t(`direction.${s.direction}`))),
      this.item(this.t('rep.sum.duration'), md(this.t('rep.sum.durationValue', { d: this.span(s.durationMs), end: this.t(end, { at: this.when(this.m.asOf) }) }))),
      this.item(this.t('rep.sum.recovery'), md(s.recoveryMs === null ? this.t('rep.notYet') : this.span(s.recoveryMs))),
      this.item(this.t('rep.sum.steps'), md(this.t('rep.sum.stepsValue', s.counts))),
      this.item(this.t('rep.sum.late'), s.lateSteps.length ? s.lateSteps.map((id) => code(id)).join(', ') : md(this.t('grade.none'))),
    ];
    if (s.closed?.forced) items.push(this.item(this.t('rep.sum.forced'), md(this.t('rep.sum.forcedValue', { count: s.closed.pending.length, reason: s.closed.reason ?? '' }))));
    if (s.closed?.summary) items.push(this.item(this.t('rep.sum.closing'), md(s.closed.summary)));
    this.list(items);
  }

  grading(): void {
    const g = this.m.grading;
    this.heading(2, 'rep.grading');
    this.heading(3, 'rep.grading.indicators');
    this.table(
      [this.t('grade.indicator'), this.t('grade.level'), this.t('rep.col.meaning'), this.t('grade.source'), this.t('grade.weight')],
      g.indicators.map((i) => [`${md(i.name)} (${code(i.key, true)})`, String(i.level), md(i.levelText), md(i.sourceText), String(i.weight)]),
    );
    const floors = g.floors.length ? g.floors.map((f) => `${code(f.id)}${f.atLeast ? ` (≥ ${md(this.t(`tier.${f.atLeast}`))})` : ''}`).join(', ') : md(this.t('grade.none'));
    const items = [
      this.item(this.t('grade.score'), md(this.t('rep.grading.scoreValue', { score: g.score, band: this.t(`tier.${g.bandTier}`) }))),
      this.item(this.t('grade.floors'), floors),
      this.item(this.t('grade.tier'), md(this.t(`tier.${g.tier}`))),
    ];
    if (g.override) {
      items.push(this.item(this.t('rep.col.override'), md(this.t('rep.grading.override', { computed: this.t(`tier.${g.computedTier}`), tier: this.t(`tier.${g.tier}`), reason: g.reason ?? '' }))));
    }
    this.list(items);
    this.heading(3, 'rep.regrades');
    this.table(
      [this.t('rep.col.time'), this.t('rep.col.actor'), this.t('rep.col.changes'), this.t('rep.col.tierChange'), this.t('grade.score'), this.t('rep.col.reason'), this.t('rep.col.override')],
      this.m.regrades.map((r) => {
        const changes = r.changes.map((c) => `${c.name}: ${c.from ?? '—'} → ${c.to ?? '—'}`).join('; ');
        const tiers = `${r.tierBefore ? this.t(`tier.${r.tierBefore}`) : '—'} → ${this.t(`tier.${r.tierAfter}`)}`;
        const override = r.override ? `**${md(this.t('rep.regrade.override', { computed: this.t(`tier.${r.computedTier}`) }))}**` : '';
        return [
          md(this.when(r.at)),
          md(r.actor),
          md(`${r.initial ? `${this.t('rep.regrade.initial')}: ` : ''}${changes || this.t('rep.regrade.noChange')}`),
          md(tiers),
          String(r.score),
          md(r.reason ?? ''),
          override,
        ];
      }),
    );
    this.decisions();
    this.signals();
  }

  /** Each monitoring import the grade rested on, and the mentions per hour (issue 18). */
  signals(): void {
    const { imports, series } = this.m.signals;
    if (imports.length === 0) return;
    this.heading(3, 'rep.signals');
    const pct = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)} %`);
    this.table(
      [this.t('rep.col.time'), this.t('rep.signals.file'), 'sha256', this.t('rep.signals.rows'), this.t('rep.signals.window'), this.t('rep.signals.metrics')],
      imports.map((i) => {
        const m = i.metrics;
        const figures = this.t('rep.signals.figures', {
          reposts: m.reposts,
          views: m.views,
          platforms: m.platforms,
          hours: m.hours,
          trend: this.t(`value.${m.trend}`),
          negative: pct(m.negativeShare),
          mainstream: m.mainstream.length ? m.mainstream.join(', ') : this.t('grade.none'),
        });
        const window = `${this.when(Date.parse(i.window.from))} → ${this.when(Date.parse(i.window.to))}`;
        return [
          md(this.when(i.at)),
          `${md(i.file)} (${md(i.format.toUpperCase())}${i.encoding ? `, ${md(i.encoding)}` : ''})`,
          code(i.sha256, true),
          md(this.t('rep.signals.rowsValue', { used: i.used, rows: i.rows, ignored: i.ignored })),
          md(window),
          md(figures),
        ];
      }),
    );
    this.para(md(this.t('rep.signals.chartNote')));
    this.para(codeBlock(mentionsChart(this.messages, series, this.m.timeZone), 'mermaid'));
  }

  direction(): void {
    const d = this.m.direction;
    this.heading(2, 'rep.direction');
    this.para(md(this.t(`direction.${d.direction}`)));
    const steps = (list: { id: string; title: string; directions: string[] }[]) =>
      list.length ? list.map((s) => `${md(s.title)} (${code(s.id)}; ${md(s.directions.join('/'))})`).join('; ') : md(this.t('grade.none'));
    const items = [this.item(this.t('rep.impact'), code(d.impact))];
    if (d.history.length > 1) items.push(this.item(this.t('rep.dir.history'), md(d.history.map((h) => `${h.direction} (${this.when(h.at)})`).join(' → '))));
    items.push(this.item(this.t('rep.dir.added', { direction: d.direction }), steps(d.added)));
    items.push(this.item(this.t('rep.dir.excluded', { direction: d.direction }), steps(d.excluded)));
    this.list(items);
  }

  teams(): void {
    this.heading(2, 'rep.teams');
    if (this.m.teams.length === 0) return this.para(md(this.t('rep.teams.none')));
    this.table(
      [this.t('rep.col.team'), this.t('rep.col.activatedAt'), this.t('rep.col.tier'), this.t('rep.col.reached')],
      this.m.teams.map((x) => [
        `${md(x.name)} (${code(x.team, true)})`,
        md(x.activatedAt === null ? this.t('rep.teams.notActivated') : this.when(x.activatedAt)),
        md(x.tier ? this.t(`tier.${x.tier}`) : '—'),
        md(
          x.reached.length
            ? x.reached.map((r) => `${r.member} (${this.t(r.reached ? 'ev.reachedYes' : 'ev.reachedNo')}, ${this.when(r.at)}${r.note ? `: ${r.note}` : ''})`).join('; ')
            : this.t('rep.teams.reachedNone'),
        ),
      ]),
    );
    this.notifications();
  }

  notifications(): void {
    if (this.m.notifications.length === 0) return;
    this.heading(3, 'rep.notified');
    this.table(
      [this.t('rep.col.queuedAt'), this.t('rep.col.team'), this.t('rep.col.channel'), this.t('rep.col.message'), this.t('rep.col.delivery')],
      this.m.notifications.map((n) => [
        md(this.when(n.queuedAt)),
        `${md(n.teamName)} (${code(n.team, true)})`,
        code(n.channel, true),
        `${md(n.title)} (${code(n.id, true)})`,
        md(
          n.outcome === 'sent'
            ? this.t('rep.notified.sent', { at: this.when(n.sentAt), attempts: n.attempts }) +
                (n.unmentioned ? `; ${this.t('rep.notified.unmentioned', { names: n.unmentioned.join(', ') })}` : '')
            : this.t(`rep.notified.${n.outcome}`, { attempts: n.attempts, code: String(n.code ?? '—') }),
        ),
      ]),
    );
  }

  decisions(): void {
    if (this.m.decisions.length === 0) return;
    this.heading(3, 'rep.decisions');
    this.table(
      [this.t('rep.col.time'), this.t('rep.col.actor'), this.t('rep.col.decision'), this.t('rep.col.outcome'), this.t('rep.col.reason')],
      this.m.decisions.map((d) => [
        md(this.when(d.at)),
        md(d.actor),
        code(d.decision, true),
        md(d.previous !== null && d.previous !== d.outcome ? `${d.previous} → ${d.outcome}` : d.outcome),
        md(d.reason ?? (d.step ? this.t('rep.decision.byStep', { step: d.step }) : '')),
      ]),
    );
  }

  statement(s: ReportStatement): void {
    this.para(`**${md(this.t('rep.statement', { template: s.template, lang: s.lang, at: this.when(s.at), actor: s.actor }))}**`);
    this.para(codeBlock(s.text));
    if (s.signoff) this.signoff(s.signoff);
  }

  /** Who drafted, rejected and approved, and the hash of the text that went out (SPEC §9). */
  signoff(so: StatementSignoff): void {
    const t = this.t;
    const mark = (h: StatementSignoff['history'][number]) => (h.drill ? ` (${t('approval.drill')})` : h.claimed ? ` (${t('approval.claimed')})` : '');
    this.list([
      this.item(t('rep.signoff.approvedText'), `${md(t('rep.signoff.draft', { draft: so.draft }))} · sha256 ${code(so.sha256)}`),
      ...so.history.map((h) =>
        `- ${md(`${this.when(h.at)} ${t(`rep.signoff.${h.what}`, { draft: h.draft, by: h.by, team: h.team ? (this.m.teams.find((x) => x.team === h.team)?.name ?? h.team) : '' })}${h.reason ? `: ${h.reason}` : ''}${mark(h)}`)}`,
      ),
    ]);
  }


  dueText(s: ReportStep): string {
    if (s.dueAt !== null) return this.when(s.dueAt);
    return this.t(s.waitsForRecovery ? 'rep.step.waitRecovery' : 'rep.step.noDue');
  }

  lateText(s: ReportStep): string {
    if (!s.late) return this.t('rep.step.notLate');
    const by = this.span(s.lateByMs ?? 0);
    if (s.status === 'withdrawn') return this.t('rep.step.lateWithdrawn', { d: by });
    return s.status === 'pending' ? this.t('rep.step.lateOpen', { d: by, at: this.when(this.m.asOf) }) : this.t('rep.step.lateBy', { d: by });
  }

  step(s: ReportStep): void {
    this.out.push(`#### ${md(s.title)} (${code(s.id)})`, '');
    const items = [
      this.item(this.t('rep.step.owner'), `${md(s.ownerName)} (${code(s.owner)})`),
      this.item(this.t('rep.step.status'), md(this.t(`status.${s.status}`))),
      this.item(this.t('rep.step.applicable'), md(this.when(s.applicableAt))),
      this.item(this.t('rep.step.due'), md(this.dueText(s))),
    ];
    if (s.basis) items.push(this.item(this.t('rep.step.basis'), md(s.basis)));
    if (s.calendarEnds !== undefined) items.push(this.item(this.t('rep.step.calendar'), md(this.t('calendar.horizon', { end: `${s.calendarEnds}-12-31`, next: s.calendarEnds + 1, steps: s.id }))));
    if (s.outcome) items.push(this.item(this.t('rep.step.outcome'), md(s.outcome)));
    if (s.status === 'done' || s.status === 'skipped') {
      const key = s.status === 'done' ? 'rep.step.done' : 'rep.step.skipped';
      items.push(this.item(this.t(key), md(`${this.when(s.completedAt)}${s.actor ? ` (${s.actor})` : ''}`)));
    }
    if (s.status === 'withdrawn') {
      items.push(this.item(this.t('rep.step.withdrawn'), md(`${this.when(s.withdrawnAt)} (${s.withdrawnBy ? this.t(`ev.cause.${s.withdrawnBy}`) : ''})`)));
    }
    items.push(this.item(this.t('rep.step.late'), md(this.lateText(s))));
    if (s.note) items.push(this.item(this.t('rep.step.note'), md(s.note)));
    if (s.reason) items.push(this.item(this.t('rep.step.reason'), md(s.reason)));
    if (s.notes.length) {
      items.push(this.item(this.t('rep.step.notes'), ''));
      for (const n of s.notes) items.push(`  - ${md(`${this.when(n.at)} ${n.actor}: ${n.text}`)}`);
    }
    this.list(items);
    for (const st of s.statements) this.statement(st);
  }

  phases(): void {
    this.heading(2, 'rep.phases');
    for (const { phase, steps } of this.m.phases) {
      this.heading(3, `phase.${phase}`);
      if (steps.length === 0) this.para(md(this.t('rep.phase.none')));
      for (const s of steps) this.step(s);
    }
    if (this.m.otherStatements.length) {
      this.heading(3, 'rep.statements.other');
      for (const st of this.m.otherStatements) this.statement(st);
    }
  }

  timeline(): void {
    this.heading(2, 'rep.timeline');
    this.table(
      [this.t('log.col.seq'), this.t('log.col.at'), this.t('log.col.type'), this.t('log.col.actor'), this.t('log.col.detail')],
      this.timelineRows(),
    );
  }

  /** One row at a time: the timeline of a long incident is rendered without a second copy. */
  *timelineRows(): Generator<string[]> {
    for (const e of this.m.timeline) yield [String(e.seq), md(this.when(e.at)), code(e.type, true), md(e.actor), md(e.detail)];
  }

  followUps(): void {
    this.heading(2, 'rep.followUps');
    if (this.m.followUps.length === 0) return this.para(md(this.t('rep.fu.none')));
    this.table(
      [this.t('rep.col.step'), this.t('rep.step.status'), this.t('rep.step.due'), this.t('rep.col.detail')],
      this.m.followUps.map((s) => [
        `${md(s.title)} (${code(s.id, true)})`,
        md(this.t(`status.${s.status}`)),
        md(this.dueText(s)),
        md(this.followUpText(s)),
      ]),
    );
  }

  followUpText(s: ReportStep): string {
    if (s.status === 'skipped') return s.reason ?? '';
    if (s.late) return this.lateText(s);
    return this.t(s.waitsForRecovery ? 'rep.step.waitRecovery' : 'rep.fu.openNotLate');
  }

  fieldItem(i: FieldItem): string {
    const value = i.text === null ? `**${md(this.t('rep.toFill'))}**` : md(i.text);
    return i.label ? `${md(i.label)}${this.t('rep.sep')}${value}` : value;
  }

  fields(fields: ReportField[]): void {
    const lines: string[] = [];
    for (const f of fields) {
      if (f.items.length === 1) lines.push(this.item(f.label, this.fieldItem(f.items[0]!)));
      else lines.push(this.item(f.label, ''), ...f.items.map((i) => `  - ${this.fieldItem(i)}`));
    }
    this.list(lines);
  }

  appendices(): void {
    this.heading(2, 'rep.appendixA');
    this.para(md(this.t('rep.appendix.note')));
    this.fields(this.m.appendixA);
    this.heading(2, 'rep.appendixB');
    this.para(md(this.t('rep.appendix.note')));
    for (const part of this.m.appendixB) {
      this.out.push(`### ${md(part.label)}`, '');
      this.fields(part.fields);
    }
  }

  gantt(): void {
    this.heading(2, 'rep.gantt');
    this.para(md(this.t('rep.gantt.note', { at: this.when(this.m.asOf) })));
    this.para(codeBlock(ganttChart(this.messages, this.m), 'mermaid'));
    this.para(md(this.t('rep.gantt.legend')));
  }

  integrity(): void {
    const i = this.m.integrity;
    this.heading(2, 'rep.integrity');
    const problem = i.problem ? this.t(`verify.problem.${i.problem}`) : '';
    this.list([
      this.item(this.t('rep.int.head'), i.head ? code(i.head) : md('—')),
      this.item(this.t('rep.int.events'), String(i.events)),
      this.item(this.t('rep.int.verify'), i.ok ? md(this.t('rep.int.ok')) : `**${md(this.t('rep.int.bad', { seq: i.firstBadSeq ?? '?', problem }))}**`),
      this.item(this.t('rep.int.command'), code(i.command)),
    ]);
  }
}

/** Renders the report, handing the text on in chunks (for a file written as it is rendered). */
export function renderMarkdownTo(model: ReportModel, messages: Messages, write: (chunk: string) => void): void {
  const r = new Renderer(model, messages, write);
  const parts = [r.title, r.cover, r.summary, r.grading, r.direction, r.teams, r.phases, r.timeline, r.followUps, r.appendices, r.gantt, r.integrity];
  parts.forEach((part, i) => {
    part.call(r);
    r.flush(i === parts.length - 1);
  });
}

/** The report in the language of `messages` (the model's own: buildReport was given the same). */
export function renderMarkdown(model: ReportModel, messages: Messages): string {
  const chunks: string[] = [];
  renderMarkdownTo(model, messages, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

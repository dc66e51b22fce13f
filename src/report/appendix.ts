// Appendix A (the regulator's 情况报告书 fields) and Appendix B (the four-part 总结报告 outline),
// filled from what the log knows; an item the log cannot know has text null (待补充 / TO FILL).
import type { IncidentState } from '../engine/fold.js';
import type { Indicator } from '../playbook/vocabulary.js';
import { formatShort } from '../time/zone.js';
import type { MessageKey } from '../errors.js';
import type { Messages } from '../i18n/messages.js';
import type { ReportStep } from './model.js';

export interface FieldItem {
  label?: string;
  /** null: the log does not know this; the reporting unit fills it in. */
  text: string | null;
}

export interface ReportField {
  key: string;
  label: string;
  items: FieldItem[];
}

export interface AppendixPart {
  key: string;
  label: string;
  fields: ReportField[];
}

export interface AppendixContext {
  state: IncidentState;
  steps: ReportStep[];
  generatedAt: number;
  asOf: number;
  /** The report's language. */
  messages: Messages;
}

const TO_FILL: FieldItem[] = [{ text: null }];

function field(m: Messages, key: string, items: (FieldItem | undefined)[]): ReportField {
  const { t } = m;
  const known = items.filter((i): i is FieldItem => i !== undefined);
  return { key, label: t(`rep.a.${key}` as MessageKey), items: known.length ? known : TO_FILL };
}

/** Facts drawn from one incident's state, shared by both appendices. */
class Facts {
  readonly used = new Set<string>();
  constructor(
    readonly c: AppendixContext,
    readonly tz: string,
  ) {}

  at(ms: number): string {
    return formatShort(ms, this.tz);
  }

  /** A playbook var the responder supplied, labelled with its prompt. */
  v(id: string): FieldItem | undefined {
    const value = this.c.state.vars[id];
    const def = this.c.state.opened.definition.vars.find((x) => x.id === id);
    if (!value?.trim() || !def) return undefined;
    this.used.add(id);
    return { label: this.c.messages.text(def.prompt), text: value };
  }

  /** An indicator's level, unless nothing was known about it. */
  indicator(key: Indicator, evenDefault = false): FieldItem | undefined {
    const { t, text } = this.c.messages;
    const last = this.c.state.gradings[this.c.state.gradings.length - 1];
    if (!last || (last.result.sources[key] === 'default' && !evenDefault)) return undefined;
    const config = this.c.state.opened.grading.indicators[key];
    const level = last.result.levels[key];
    return { label: text(config.name), text: t('rep.levelText', { level, text: text(config.levels[level - 1]) }) };
  }

  metric(key: string): FieldItem | undefined {
    const value = this.c.state.inputs.metrics[key];
    if (value === undefined) return undefined;
    return { label: this.c.messages.text(this.c.state.opened.grading.metrics[key]?.name) || key, text: String(value) };
  }

  tierPath(): string {
    const { t } = this.c.messages;
    return this.c.state.tierHistory.map((h) => t(`tier.${h.tier}`)).join(' → ') || t(`tier.${this.c.state.tier}`);
  }

  measures(): FieldItem[] {
    const done = this.c.steps.filter((s) => s.status === 'done' && s.completedAt !== null);
    const items: FieldItem[] = done.map((s) => ({ label: this.at(s.completedAt!), text: `${s.title} (${s.id})` }));
    const own = this.v('measures');
    if (own) items.push(own);
    if (this.c.state.recoveredAt !== null) items.push({ label: this.c.messages.t('rep.item.recovered'), text: this.at(this.c.state.recoveredAt) });
    return items;
  }
}

function fieldsA(f: Facts): ReportField[] {
  const m = f.c.messages;
  const { t, text } = m;
  const { state, generatedAt } = f.c;
  const o = state.opened;
  return [
    field(m, 'time', [
      { label: t('rep.item.startedAt'), text: f.at(state.startedAt) },
      ...(state.discoveredAt !== state.startedAt ? [{ label: t('rep.item.discoveredAt'), text: f.at(state.discoveredAt) }] : []),
      { label: t('rep.item.openedAt'), text: f.at(state.openedAt) },
    ]),
    field(m, 'place', []),
    field(m, 'account', [
      { text: o.title },
      f.v('systems'),
      { label: t('rep.item.tierPath'), text: f.tierPath() },
      state.recoveredAt !== null ? { label: t('rep.item.recovered'), text: f.at(state.recoveredAt) } : undefined,
      state.closedAt !== null ? { label: t('rep.item.closed'), text: f.at(state.closedAt) } : undefined,
    ]),
    field(m, 'scope', [f.indicator('impactScope'), f.metric('affectedClients')]),
    field(m, 'severity', [
      { label: t('rep.item.tier'), text: t('rep.item.tierScore', { tier: t(`tier.${state.tier}`), score: state.gradings.at(-1)?.result.score ?? '—' }) },
      state.maxTier !== state.tier ? { label: t('rep.item.maxTier'), text: t(`tier.${state.maxTier}`) } : undefined,
      f.indicator('eventLevel'),
    ]),
    field(m, 'people', [f.metric('affectedClients')]),
    field(m, 'losses', []),
    field(m, 'consequences', [
      { label: t('rep.item.direction'), text: t(`direction.${state.direction}`) },
      f.indicator('propagation'),
      f.indicator('durationTrend'),
    ]),
    field(m, 'cause', [f.v('cause')]),
    field(m, 'nature', [{ label: t('rep.item.type'), text: `${text(o.definition.name) || o.type} (${o.type})` }]),
    field(m, 'measures', f.measures()),
    field(m, 'help', []),
    field(m, 'unit', [
      { label: t('rep.item.unit'), text: o.firm.name?.trim() || null },
      { label: t('rep.item.signatory'), text: null },
      { label: t('rep.item.reportTime'), text: f.at(generatedAt) },
    ]),
    field(m, 'contact', [
      { label: t('rep.item.contactPerson'), text: null },
      o.firm.hotline ? { label: t('rep.item.hotline'), text: o.firm.hotline } : undefined,
      o.firm.website ? { label: t('rep.item.website'), text: o.firm.website } : undefined,
    ]),
    field(m, 'other', [
      state.closed?.summary ? { label: t('rep.item.closingSummary'), text: state.closed.summary } : undefined,
      ...o.definition.vars.filter((v) => !f.used.has(v.id)).map((v) => f.v(v.id)),
      state.notes.length ? { label: t('rep.item.notes'), text: t('rep.item.notesCount', { count: state.notes.length }) } : undefined,
    ]),
  ];
}

export function appendixA(c: AppendixContext, tz: string): ReportField[] {
  return fieldsA(new Facts(c, tz));
}

export function appendixB(c: AppendixContext, tz: string): AppendixPart[] {
  const m = c.messages;
  const { t, span } = m;
  const f = new Facts(c, tz);
  const a = new Map(fieldsA(new Facts(c, tz)).map((x) => [x.key, x]));
  const { state, steps } = c;
  const part = (key: string, fields: ReportField[]): AppendixPart => ({ key, label: t(`rep.b.${key}` as MessageKey), fields });
  const outcome = (s: ReportStep) =>
    s.status === 'done'
      ? t('rep.item.doneAt', { at: f.at(s.completedAt!) }) + (s.note ? ` — ${s.note}` : '')
      : t('rep.item.skippedAt', { at: f.at(s.completedAt!) }) + (s.reason ? ` — ${s.reason}` : '');
  const reporting = steps.filter((s) => s.phase === 'response' && (s.status === 'done' || s.status === 'skipped'));
  const onTime = steps.filter((s) => s.status === 'done' && !s.late).length;
  const late = steps.filter((s) => s.late);
  const skipped = steps.filter((s) => s.status === 'skipped');
  return [
    part('facts', ['time', 'place', 'account', 'scope', 'severity', 'losses'].map((k) => a.get(k)!)),
    part('handling', [
      field(m, 'reporting', reporting.map((s) => ({ label: `${s.title} (${s.id})`, text: outcome(s) }))),
      a.get('measures')!,
      field(m, 'effect', [
        state.recoveredAt !== null
          ? { label: t('rep.item.recovered'), text: `${f.at(state.recoveredAt)} (${span(state.recoveredAt - state.startedAt)})` }
          : { label: t('rep.item.recovered'), text: t('rep.item.notRecovered', { at: f.at(c.asOf) }) },
        { label: t('rep.item.onTime'), text: `${onTime} / ${steps.length}` },
      ]),
    ]),
    part('findings', [a.get('cause')!, field(m, 'eventLevel', [f.indicator('eventLevel')]), field(m, 'responsibility', []), field(m, 'conclusion', [])]),
    part('followUp', [
      field(m, 'problems', [
        late.length ? { label: t('rep.item.late'), text: late.map((s) => s.id).join(', ') } : undefined,
        ...skipped.map((s) => ({ label: t('rep.item.skipped', { step: s.id }), text: s.reason ?? '' })),
        state.closed?.forced ? { label: t('rep.item.forcedClose'), text: state.closed.reason ?? '' } : undefined,
      ]),
      field(m, 'rectification', [f.v('measures')]),
      field(m, 'accountability', []),
    ]),
  ];
}

import type { IncidentState, StepInstance } from '../engine/fold.js';
import { approvalLines } from './signoff-view.js';
import { beyondCalendar, definitionOf, lifecycle, waitsForRecovery } from '../engine/fold.js';
import { isLate } from '../engine/rules.js';
import { groupByPhase, orderedSteps } from '../engine/views.js';
import { formatClock, formatShort } from '../time/zone.js';
import type { Messages } from '../i18n/messages.js';
import { painter, paintTier } from './style.js';
import { blockWidth, displayWidth, fitToWidth, padEnd, renderTable, wrap, type TableRow } from './table.js';

/** `due in 12 min (10:05)` / `overdue 5 min` / `late by 3 min`, red when late; the date only when not today. */
export function dueText(m: Messages, s: StepInstance, now: number, tz: string, color: boolean, waitsForRecovery = false): string {
  const { t, span: formatSpan } = m;
  const c = painter(color);
  if (s.dueAt === null) return s.status === 'pending' ? t(waitsForRecovery ? 'due.waitRecovery' : 'due.none') : '';
  if (s.status === 'pending') {
    const left = s.dueAt - now;
    const clock = formatClock(s.dueAt, tz, now);
    return left >= 0 ? `${t('due.in', { d: formatSpan(left) })} (${clock})` : c.red(`${t('due.overdue', { d: formatSpan(-left) })} (${clock})`);
  }
  if (s.status === 'done' && s.completedAt !== null) {
    return isLate(s, now) ? c.red(t('due.lateDone', { d: formatSpan(s.completedAt - s.dueAt) })) : t('due.onTime');
  }
  return '';
}

export function renderStatus(m: Messages, state: IncidentState, now: number, color: boolean, width?: number): string {
  const { t, text } = m;
  const c = painter(color);
  const tz = state.opened.timezone;
  const steps = orderedSteps(state);
  const count = (status: StepInstance['status']) => steps.filter((s) => s.status === status).length;
  const lines = [
    c.bold(t('status.header', { id: state.id, title: state.opened.title })),
    t('status.line', {
      mode: state.mode === 'drill' ? c.magenta(t('mode.drill')) : t('mode.real'),
      tier: paintTier(c, state.tier, t(`tier.${state.tier}`)),
      direction: state.direction,
      state: t(`state.${lifecycle(state)}`),
    }),
    `${text(state.opened.definition.name)} (${state.opened.type})`,
    [
      t('status.opened', { at: formatShort(state.openedAt, tz) }),
      state.recoveredAt !== null ? t('status.recovered', { at: formatShort(state.recoveredAt, tz) }) : '',
      state.closedAt !== null ? t('status.closed', { at: formatShort(state.closedAt, tz) }) : '',
    ]
      .filter(Boolean)
      .join(' · '),
    startedLine(m, state, tz),
    t('status.summary', {
      pending: count('pending'),
      done: count('done'),
      skipped: count('skipped'),
      withdrawn: count('withdrawn'),
      late: steps.filter((s) => isLate(s, now)).length,
    }),
    '',
  ];
  const decisions = Object.entries(state.decisions);
  if (decisions.length) lines.splice(lines.length - 1, 0, t('status.decisions', { list: decisions.map(([k, v]) => `${k}=${v}`).join(', ') }));
  const awaiting = approvalLines(m, state);
  if (awaiting.length) lines.splice(lines.length - 1, 0, c.yellow(t('status.approvals')), ...awaiting.map((l) => `  ${l}`));
  const horizon = steps.filter((s) => s.status === 'pending' && beyondCalendar(state, s)).map((s) => s.id);
  const after = horizon.length && state.calendarLastYear !== null ? `\n${fitToWidth(c.yellow(horizonWarning(m, state.calendarLastYear, horizon)), width)}` : '';
  // the header lines (a long title) wrap like the rest; the steps table fits itself
  return `${fitToWidth(lines.filter((l) => l !== undefined).join('\n'), width)}\n${stepsTable(m, state, steps, now, color, width)}${after}`;
}

/** When the fault began and was discovered, if not the opening (SPEC §4.2); else nothing. */
function startedLine(m: Messages, state: IncidentState, tz: string): string | undefined {
  if (state.startedAt === state.openedAt && state.discoveredAt === state.openedAt) return undefined;
  return m.t('status.faultTimes', { started: formatShort(state.startedAt, tz), discovered: formatShort(state.discoveredAt, tz) });
}

/** "holiday data ends 2026-12-31; add 2027 to playbooks/calendar.yaml" (SPEC §4, calendar horizon). */
export function horizonWarning(m: Messages, lastYear: number, steps: string[]): string {
  return m.t('calendar.horizon', { end: `${lastYear}-12-31`, next: lastYear + 1, steps: steps.join(', ') });
}

/**
 * The steps under their phase headings, in phase order. When a one-line-per-step table would not
 * fit the terminal, each step takes two lines instead, so nothing wraps mid-column.
 */
function stepsTable(m: Messages, state: IncidentState, steps: StepInstance[], now: number, color: boolean, width: number | undefined): string {
  const { t, text, teamName } = m;
  const c = painter(color);
  const tz = state.opened.timezone;
  const byPhase = groupByPhase(steps).filter((g) => g.steps.length > 0);
  const cells = (s: StepInstance) => {
    const status = t(`status.${s.status}`);
    return {
      id: isLate(s, now) ? c.red(s.id) : s.id,
      title: text(definitionOf(state, s.stepId).title),
      owner: teamName(state.opened.teams, s.owner),
      status: s.status === 'pending' ? c.bold(status) : c.dim(status),
      due: dueText(m, s, now, tz, color, waitsForRecovery(state, s)),
    };
  };
  const rows: TableRow[] = byPhase.flatMap((g) => [
    c.bold(t(`phase.${g.phase}`)),
    ...g.steps.map((s) => {
      const x = cells(s);
      return [`  ${x.id}`, x.title, x.owner, x.status, x.due];
    }),
  ]);
  const table = renderTable(
    m,
    [t('status.col.step'), t('status.col.title'), t('status.col.owner'), t('status.col.status'), t('status.col.due')],
    rows,
  );
  if (width === undefined || blockWidth(table) <= width) return table;
  const idWidth = Math.max(...steps.map((s) => displayWidth(s.id)));
  const statusWidth = Math.max(...steps.map((s) => displayWidth(t(`status.${s.status}`))));
  return byPhase
    .flatMap((g) => [
      c.bold(t(`phase.${g.phase}`)),
      ...g.steps.flatMap((s) => {
        const x = cells(s);
        const indent = '      ';
        const about = wrap(`${x.title} · ${x.owner}`, width - indent.length);
        const head = `  ${padEnd(x.id, idWidth)}  ${padEnd(x.status, statusWidth)}  ${x.due}`.trimEnd();
        // narrower still: the due time goes under the id rather than off the edge
        const first = displayWidth(head) <= width ? [head] : [`  ${x.id}  ${x.status}`, ...(x.due ? [indent + x.due] : [])];
        return [...first, ...about.map((l) => c.dim(indent + l))];
      }),
    ])
    .join('\n');
}

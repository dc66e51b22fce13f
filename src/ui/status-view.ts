import type { IncidentState, StepInstance } from '../engine/fold.js';
import { definitionOf, lifecycle, waitsForRecovery } from '../engine/fold.js';
import { isLate } from '../engine/rules.js';
import { orderedSteps } from '../engine/views.js';
import { formatShort } from '../time/zone.js';
import { formatSpan } from './format.js';
import { t, text } from './i18n.js';
import { painter, paintTier } from './style.js';
import { renderTable } from './table.js';

/** `due in 12 min` / `overdue 5 min` / `late by 3 min`, red when late. */
export function dueText(s: StepInstance, now: number, tz: string, color: boolean, waitsForRecovery = false): string {
  const c = painter(color);
  if (s.dueAt === null) return s.status === 'pending' ? t(waitsForRecovery ? 'due.waitRecovery' : 'due.none') : '';
  if (s.status === 'pending') {
    const left = s.dueAt - now;
    return left >= 0 ? `${t('due.in', { d: formatSpan(left) })} (${formatShort(s.dueAt, tz)})` : c.red(t('due.overdue', { d: formatSpan(-left) }));
  }
  if (s.status === 'done' && s.completedAt !== null) {
    return isLate(s, now) ? c.red(t('due.lateDone', { d: formatSpan(s.completedAt - s.dueAt) })) : t('due.onTime');
  }
  return '';
}

export function renderStatus(state: IncidentState, now: number, color: boolean): string {
  const c = painter(color);
  const tz = state.opened.timezone;
  const team = (id: string) => text(state.opened.teams.find((x) => x.id === id)?.name) || id;
  const steps = orderedSteps(state);
  const count = (status: StepInstance['status']) => steps.filter((s) => s.status === status).length;
  const lines = [
    c.bold(t('status.header', { id: state.id, title: state.opened.title })),
    t('status.line', {
      mode: state.mode === 'drill' ? c.magenta(t('mode.drill')) : t('mode.real'),
      type: `${text(state.opened.definition.name)} (${state.opened.type})`,
      tier: paintTier(c, state.tier, t(`tier.${state.tier}`)),
      direction: state.direction,
      state: t(`state.${lifecycle(state)}`),
    }),
    [
      t('status.opened', { at: formatShort(state.openedAt, tz) }),
      state.recoveredAt !== null ? t('status.recovered', { at: formatShort(state.recoveredAt, tz) }) : '',
      state.closedAt !== null ? t('status.closed', { at: formatShort(state.closedAt, tz) }) : '',
    ]
      .filter(Boolean)
      .join(' · '),
    t('status.summary', {
      pending: count('pending'),
      done: count('done'),
      skipped: count('skipped'),
      withdrawn: count('withdrawn'),
      late: steps.filter((s) => isLate(s, now)).length,
    }),
    '',
    renderTable(
      [t('status.col.step'), t('status.col.phase'), t('status.col.title'), t('status.col.owner'), t('status.col.status'), t('status.col.due')],
      steps.map((s) => {
        const late = isLate(s, now);
        const status = t(`status.${s.status}`);
        return [
          late ? c.red(s.id) : s.id,
          t(`phase.${s.phase}`),
          text(definitionOf(state, s.stepId).title),
          team(s.owner),
          s.status === 'pending' ? c.bold(status) : c.dim(status),
          dueText(s, now, tz, color, waitsForRecovery(state, s)),
        ];
      }),
    ),
  ];
  return lines.join('\n');
}

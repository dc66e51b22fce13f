// The text the walk shows: the incident's one-line header and the card of the step at hand.
import { beyondCalendar, definitionOf, lateSteps, waitsForRecovery, type IncidentState, type StepInstance } from '../../engine/fold.js';
import type { IncidentEvent } from '../../engine/events.js';
import { describeStored, recorderNote } from '../../report/describe.js';
import { formatShort } from '../../time/zone.js';
import { dueText, horizonWarning } from '../status-view.js';
import { painter, paintTier } from '../style.js';
import type { Messages } from '../../i18n/messages.js';
import { signoffLine } from '../signoff-view.js';

/** `INC-… · tier moderate · direction B · 12 pending · 1 late` */
export function headerLine(m: Messages, state: IncidentState, now: number, color: boolean): string {
  const { t } = m;
  const c = painter(color);
  const pending = state.steps.filter((s) => s.status === 'pending').length;
  const late = lateSteps(state, now).length;
  return t('walk.header', {
    id: c.bold(state.id),
    mode: state.mode === 'drill' ? ` ${c.magenta(t('mode.drill'))}` : '',
    tier: paintTier(c, state.tier, t(`tier.${state.tier}`)),
    direction: state.direction,
    pending,
    late: late > 0 ? c.red(t('walk.late', { count: late })) : t('walk.late', { count: late }),
  });
}

/** One line per step, for lists: id, title, due. */
export function stepLine(m: Messages, state: IncidentState, s: StepInstance, now: number, color: boolean): string {
  const { text } = m;
  const def = definitionOf(state, s.stepId);
  const due = dueText(m, s, now, state.opened.timezone, color, waitsForRecovery(state, s));
  return due ? `${text(def.title)} (${s.id}) — ${due}` : `${text(def.title)} (${s.id})`;
}

export function renderCard(m: Messages, state: IncidentState, step: StepInstance, now: number, color: boolean): string {
  const { t, text, teamName, durationLabel } = m;
  const c = painter(color);
  const def = definitionOf(state, step.stepId);
  const tz = state.opened.timezone;
  const due = dueText(m, step, now, tz, color, waitsForRecovery(state, step));
  const lines = [
    '',
    headerLine(m, state, now, color),
    c.dim('─'.repeat(60)),
    `${c.dim(`[${t(`phase.${step.phase}`)}]`)} ${c.bold(text(def.title))} ${c.dim(`(${step.id})`)}`,
    `${t('walk.owner', { team: teamName(state.opened.teams, step.owner) })} · ${due}`,
  ];
  const flags = [
    def.requires.includes('note') ? t('walk.needsNote') : '',
    def.template ? t('walk.hasTemplate', { template: def.template }) : '',
    def.repeat ? t('walk.repeats', { every: durationLabel(def.repeat) }) : '',
  ].filter(Boolean);
  if (flags.length) lines.push(c.dim(flags.join(' · ')));
  if (def.basis) lines.push(c.dim(t('walk.basis', { basis: text(def.basis) })));
  const signoff = signoffLine(m, state, step);
  if (signoff) lines.push(c.yellow(signoff));
  if (beyondCalendar(state, step) && state.calendarLastYear !== null) lines.push(c.yellow(horizonWarning(m, state.calendarLastYear, [step.id])));
  if (def.detail) lines.push('', text(def.detail));
  if (def.checklist.length) {
    lines.push('', t('walk.checklist'));
    for (const item of def.checklist) lines.push(`  ☐ ${text(item)}`);
  }
  if (step.notes.length) {
    lines.push('', t('walk.notes'));
    for (const n of step.notes) lines.push(`  ${formatShort(n.at, tz)} ${n.actor}: ${n.text}`);
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * What someone else recorded meanwhile, one line each above the card:
 * `09:52 李四 (舆情应对小组): completed 发布首次情况说明` — the team is the step's owner.
 */
export function othersLine(m: Messages, state: IncidentState, event: IncidentEvent, recorderVerified = false): string {
  const stepId = (event.payload as { step?: unknown } | null)?.step;
  const step = typeof stepId === 'string' ? state.steps.find((s) => s.id === stepId) : undefined;
  const owner = step ? definitionOf(state, step.stepId).owner : undefined;
  return m.t('walk.others', {
    at: formatShort(event.at, state.opened.timezone),
    actor: owner ? `${event.actor} (${m.teamName(state.opened.teams, owner)})` : event.actor,
    what: describeStored(m, event, state.opened.teams),
  }) + recordedBy(m, event, recorderVerified);
}

/** ` — recorded by …` where the store's recorded_by differs from the actor (events new to the walk are never imported ones). */
function recordedBy(m: Messages, event: IncidentEvent, verified: boolean): string {
  const note = recorderNote(m, event, verified ? 1 : Infinity);
  return note ? ` — ${note}` : '';
}

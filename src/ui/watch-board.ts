// The board `watch` keeps on a terminal: each open incident, its tier, the next steps due with
// countdowns, the overdue ones in red, and how the outbox stands. Pure: it returns text.
import { lifecycle, type IncidentState } from '../engine/fold.js';
import type { Outbox } from '../notify/outbox.js';
import { formatClock } from '../time/zone.js';
import { painter, paintTier } from './style.js';
import { displayWidth } from './table.js';
import type { Messages } from '../i18n/messages.js';

const SHOWN_STEPS = 5;

/** Cuts a line to a width in terminal columns (CJK counts two), with an ellipsis. */
export function cut(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  let out = '';
  for (const ch of line) {
    if (displayWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export interface BoardEntry {
  state: IncidentState;
  outbox: Outbox;
}

export function renderBoard(m: Messages, entries: readonly BoardEntry[], now: number, options: { color: boolean; width: number; timezone: string }): string {
  const { t } = m;
  const c = painter(options.color);
  const width = Math.max(40, options.width);
  const open = entries.filter((e) => lifecycle(e.state) !== 'closed');
  let queued = 0;
  let sent = 0;
  let failed = 0;
  for (const { outbox } of entries) {
    for (const entry of outbox.entries.values()) {
      if (entry.status === 'sent') sent += 1;
      else if (entry.status === 'failed' && entry.retryAt === undefined) failed += 1;
      else queued += 1;
    }
  }
  const lines = [
    c.bold(cut(t('watch.header', { time: formatClock(now, options.timezone, now), count: open.length }), width)),
    cut(t('watch.outbox', { queued, sent, failed }), width),
    '',
  ];
  if (open.length === 0) lines.push(t('watch.none'));
  for (const { state } of open) {
    const head = `${state.id}  ${t(`tier.${state.tier}`)}  ${state.direction}  ${state.opened.title}`;
    const tierLabel = t(`tier.${state.tier}`);
    const shown = cut(head, width);
    // colour the tier after cutting, so the cut counts only what is seen
    lines.push(shown.replace(`  ${tierLabel}  `, `  ${paintTier(c, state.tier, tierLabel)}  `));
    const pending = state.steps.filter((s) => s.status === 'pending' && s.dueAt !== null).sort((a, b) => a.dueAt! - b.dueAt!);
    for (const step of pending.slice(0, SHOWN_STEPS)) {
      const left = step.dueAt! - now;
      const clock = formatClock(step.dueAt!, state.opened.timezone, now);
      const due = left >= 0 ? t('due.in', { d: m.span(left) }) : t('due.overdue', { d: m.span(-left) });
      const line = cut(`  ${step.id.padEnd(28)} ${due} (${clock})`, width);
      lines.push(left < 0 ? c.red(line) : line);
    }
    if (pending.length > SHOWN_STEPS) lines.push(`  ${t('watch.more', { count: pending.length - SHOWN_STEPS })}`);
    if (pending.length === 0) lines.push(`  ${t('watch.nothingDue')}`);
  }
  return lines.join('\n');
}

// The Mermaid gantt of the response (SPEC §8.10): one section per phase, one bar per step from
// when it applied to when it was done, skipped or withdrawn (open steps run to the judging time).
import { formatInZone } from '../time/zone.js';
import { mermaidText } from './escape.js';
import type { ReportModel, ReportStep } from './model.js';
import type { Messages } from '../i18n/messages.js';

/** The dateFormat of every date in the chart: local wall time in the incident's zone. */
export const GANTT_DATE_FORMAT = 'YYYY-MM-DD HH:mm:ss';

function local(ms: number, tz: string): string {
  return formatInZone(ms, tz).slice(0, 19).replace('T', ' ');
}

/**
 * Each state its own look (the legend under the chart says which): done on time `done`, pending
 * `active`, skipped a plain bar, withdrawn a diamond where it stopped applying; late adds `crit`.
 */
export function ganttTags(step: Pick<ReportStep, 'status' | 'late'>): string[] {
  const state = { done: 'done', pending: 'active', skipped: '', withdrawn: 'milestone' }[step.status];
  return [step.late ? 'crit' : '', state].filter(Boolean);
}

/** From when it applied (a `from: recovered` step: from the recovery) to when it ended, or the judging time. */
export function ganttSpan(step: ReportStep, asOf: number): [number, number] {
  if (step.status === 'withdrawn') return [step.withdrawnAt!, step.withdrawnAt!];
  const start = Math.min(step.startsAt ?? asOf, step.completedAt ?? asOf);
  return [start, Math.max(start, step.completedAt ?? asOf)];
}

function bar(step: ReportStep, n: number, model: ReportModel): string {
  const [start, end] = ganttSpan(step, model.asOf);
  const name = mermaidText(`${step.title} (${step.id})`);
  return `    ${name} :${[...ganttTags(step), `s${n}`, local(start, model.timeZone), local(end, model.timeZone)].join(', ')}`;
}

export function ganttChart(m: Messages, model: ReportModel): string {
  const { t } = m;
  const lines = [
    'gantt',
    `    title ${mermaidText(t('rep.gantt.title', { id: model.cover.id }))}`,
    `    dateFormat ${GANTT_DATE_FORMAT}`,
    '    axisFormat %m-%d %H:%M',
    '    todayMarker off',
  ];
  let n = 0;
  for (const { phase, steps } of model.phases) {
    if (steps.length === 0) continue;
    lines.push(`    section ${mermaidText(t(`phase.${phase}`))}`);
    for (const step of steps) lines.push(bar(step, ++n, model));
  }
  return lines.join('\n');
}

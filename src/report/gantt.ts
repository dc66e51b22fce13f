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

function bar(step: ReportStep, n: number, model: ReportModel): string {
  const start = step.applicableAt;
  const end = Math.max(start, step.completedAt ?? step.withdrawnAt ?? model.asOf);
  const tags = [step.late ? 'crit' : '', step.status === 'done' ? 'done' : step.status === 'pending' ? 'active' : ''].filter(Boolean);
  const name = mermaidText(`${step.title} (${step.id})`);
  return `    ${name} :${[...tags, `s${n}`, local(start, model.timeZone), local(end, model.timeZone)].join(', ')}`;
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

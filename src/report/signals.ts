// The report's monitoring imports (issue 18): each import the grade rested on, and the mentions
// per hour of the incident as a Mermaid xychart. Built from the `signals.imported` events alone.
import type { IncidentState } from '../engine/fold.js';
import type { SignalsImportedPayload } from '../engine/events.js';
import { formatInZone } from '../time/zone.js';
import { messages, type Messages } from '../i18n/messages.js';

export interface ReportSignalsImport {
  at: number;
  actor: string;
  file: string;
  sha256: string;
  format: SignalsImportedPayload['format'];
  encoding: string | null;
  rows: number;
  used: number;
  ignored: number;
  reasons: Record<string, number>;
  window: SignalsImportedPayload['window'];
  metrics: SignalsImportedPayload['metrics'];
  applied: SignalsImportedPayload['applied'];
}

export interface SignalsSection {
  imports: ReportSignalsImport[];
  /** Mentions per hour (ISO 8601 hour starts): for each hour, what the latest import covering it said. */
  series: { hour: string; mentions: number }[];
}

export function signalsSection(state: IncidentState): SignalsSection {
  const byHour = new Map<number, { hour: string; mentions: number }>();
  for (const s of state.signals) {
    // a later export of the same hours knows more (late reposts, late-indexed posts): it wins
    for (const point of s.series) byHour.set(Date.parse(point.hour), point);
  }
  return {
    imports: state.signals.map((s) => ({
      at: s.at,
      actor: s.actor,
      file: s.file,
      sha256: s.sha256,
      format: s.format,
      encoding: s.encoding,
      rows: s.rows,
      used: s.used,
      ignored: s.ignored,
      reasons: s.reasons,
      window: s.window,
      metrics: s.metrics,
      applied: s.applied,
    })),
    series: [...byHour].sort((a, b) => a[0] - b[0]).map(([, point]) => ({ ...point })),
  };
}

/** A string in an xychart: double-quoted, so nothing inside may be a double quote or a line break. */
const quoted = (text: string) => `"${text.replace(/["\r\n\u2028\u2029]/g, ' ')}"`;

/** The Mermaid `xychart-beta` of mentions per hour: a bar per hour, labelled with the local hour. */
export function mentionsChart(m: Messages, series: SignalsSection['series'], timeZone: string): string {
  const { t } = m;
  const max = Math.max(1, ...series.map((p) => p.mentions));
  let lastDay = '';
  const labels = series.map((p) => {
    // the date only where it changes: "03-16 09:00", "10:00", …
    const local = formatInZone(Date.parse(p.hour), timeZone);
    const day = local.slice(5, 10);
    const label = day === lastDay ? local.slice(11, 16) : `${day} ${local.slice(11, 16)}`;
    lastDay = day;
    return quoted(label);
  });
  return [
    'xychart-beta',
    `    title ${quoted(t('rep.signals.chartTitle'))}`,
    `    x-axis [${labels.join(', ')}]`,
    `    y-axis ${quoted(t('rep.signals.mentions'))} 0 --> ${max}`,
    `    bar [${series.map((p) => p.mentions).join(', ')}]`,
  ].join('\n');
}

/** Why an import regraded the incident, in the incident's language: the regrade event's reason. */
export function signalsReason(state: IncidentState, imported: Pick<SignalsImportedPayload, 'file' | 'sha256'>): string {
  return messages(state.opened.lang).t('signals.gradeReason', { file: imported.file, sha: imported.sha256.slice(0, 12) });
}

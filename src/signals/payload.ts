// What an import records (`signals.imported`) and what `signals import --json` prints: one shape
// for both, so the report shows exactly what the grade rested on. Pure.
import type { SignalsImportedPayload } from '../engine/events.js';
import { formatInZone } from '../time/zone.js';
import type { SignalsSummary } from './tally.js';

/** Platforms kept in the record: the busiest; the rest are in `metrics.platforms`. */
const RECORDED_PLATFORMS = 50;

export interface ImportSource {
  name: string;
  sha256: string;
  format: SignalsImportedPayload['format'];
  encoding: string | null;
  summary: SignalsSummary;
}

export function importedPayload(source: ImportSource, timeZone: string, applied: Record<string, number | string>): SignalsImportedPayload {
  const s = source.summary;
  const { trendCounts: _counts, ...metrics } = s.metrics;
  return {
    file: source.name,
    sha256: source.sha256,
    format: source.format,
    encoding: source.encoding,
    rows: s.rows,
    used: s.used,
    ignored: s.ignored,
    reasons: { ...s.reasons } as Record<string, number>,
    problems: s.problems.map(({ line, problem }) => ({
      line,
      code: problem.code,
      ...('field' in problem ? { field: problem.field } : {}),
      ...('value' in problem ? { value: problem.value } : 'detail' in problem ? { value: problem.detail } : 'cells' in problem ? { value: String(problem.cells) } : {}),
    })),
    outside: { ...s.outside },
    window: { from: formatInZone(s.window.from, timeZone), to: formatInZone(s.window.to, timeZone) },
    metrics,
    platforms: s.platforms.slice(0, RECORDED_PLATFORMS),
    series: s.series.map(({ hour, mentions }) => ({ hour: formatInZone(hour, timeZone), mentions })),
    applied,
  };
}

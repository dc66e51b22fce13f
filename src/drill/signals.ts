// A drill's `{at, signals: file}` entries (issue 18): each export is read before the drill runs
// (a drill runs in one synchronous transaction), over the window from when the fault began to
// the entry's moment on the virtual clock, so a real day's export replays hour by hour.
import { dirname, resolve } from 'node:path';
import { InputError, message, type MessageKey, type Problem } from '../errors.js';
import type { GradingConfig } from '../playbook/schema.js';
import { locate, type YamlSource } from '../playbook/yaml.js';
import { parseColumnMaps } from '../signals/fields.js';
import { readSignals, type ReadResult } from '../signals/read.js';
import { signalsRules } from '../signals/tally.js';
import { parseOffset } from '../time/offset.js';
import { parseInstant } from '../time/zone.js';
import { statedTime, type Scenario } from './scenario.js';

/** Read exports by the index of their timeline entry. */
export type DrillSignals = Map<number, ReadResult>;

/** When the drill's fault began, as its incident will say (`startedAt`, else `discoveredAt`, else the start). */
export function drillFaultStart(scenario: Scenario): number {
  const start = parseInstant(scenario.start)!;
  const stated = (text: string | undefined) => (text === undefined ? undefined : statedTime(text, start));
  return stated(scenario.startedAt) ?? stated(scenario.discoveredAt) ?? start;
}

export async function readDrillSignals(
  file: string,
  scenario: Scenario,
  source: YamlSource,
  grading: GradingConfig,
  timeZone: string,
): Promise<{ signals: DrillSignals; problems: Problem[] }> {
  const signals: DrillSignals = new Map();
  const problems: Problem[] = [];
  const start = parseInstant(scenario.start)!;
  const from = drillFaultStart(scenario);
  for (const [index, entry] of scenario.timeline.entries()) {
    if (entry.signals === undefined) continue;
    const path = ['timeline', index];
    const { maps, problems: mapProblems } = parseColumnMaps(Object.entries(entry.map ?? {}).map(([column, field]) => `${column}=${field}`));
    for (const p of mapProblems) {
      problems.push({ ...locate(source, [...path, 'map']), message: message(`signals.${p.code}` as MessageKey, { value: p.value, field: 'field' in p ? p.field : '' }) });
    }
    if (mapProblems.length) continue;
    try {
      const to = start + (parseOffset(entry.at) ?? 0);
      signals.set(index, await readSignals({
        file: resolve(dirname(file), entry.signals),
        encoding: entry.encoding,
        maps,
        window: { from: Math.min(from, to), to },
        timeZone,
        rules: signalsRules(grading),
      }));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ ...locate(source, [...path, 'signals']), message: error.said });
    }
  }
  return { signals, problems };
}

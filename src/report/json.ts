// `report --format json`: the report model as data, every time ISO 8601 in the incident's zone.
import { formatInZone } from '../time/zone.js';
import type { ReportModel } from './model.js';

/** The model's time fields: `at`, `asOf`, `…At` (see model.ts). */
const isTimeKey = (key: string) => key === 'at' || key === 'asOf' || key.endsWith('At');

export function renderJson(model: ReportModel): string {
  const tz = model.timeZone;
  return `${JSON.stringify(
    model,
    (key, value: unknown) => (typeof value === 'number' && isTimeKey(key) ? formatInZone(value, tz) : value),
    2,
  )}\n`;
}

// What the listing (the `incidents` projection) should say of an incident, from its events alone
// (issue 17, finding 3): verify compares the two, field by field, and a writer on SQLite puts a
// disagreeing row right. Tolerant of an altered log: a payload that is not JSON gives no value.
import type { EventRow } from './hash.js';

export interface ListedFields {
  mode: string;
  type: string;
  title: string;
  tier: string;
  direction: string;
  state: string;
}

export const LISTED_FIELDS = ['mode', 'type', 'title', 'tier', 'direction', 'state'] as const;

function parse(payload: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(payload);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The listing's fields folded from the rows (as the projection does on append); undefined without an opening. */
export function listingOf(rows: Iterable<Pick<EventRow, 'type' | 'payload'>>): ListedFields | undefined {
  let listed: ListedFields | undefined;
  for (const row of rows) {
    if (row.type === 'incident.opened' && !listed) {
      const p = parse(row.payload);
      listed = { mode: String(p.mode ?? ''), type: String(p.type ?? ''), title: String(p.title ?? ''), tier: 'mild', direction: 'A', state: 'open' };
    } else if (!listed) {
      continue;
    } else if (row.type === 'incident.graded') {
      const p = parse(row.payload);
      listed.tier = String(p.tier ?? '');
      listed.direction = String((p.result as Record<string, unknown> | undefined)?.direction ?? '');
    } else if (row.type === 'incident.recovered') {
      listed.state = 'recovered';
    } else if (row.type === 'incident.closed') {
      listed.state = 'closed';
    }
  }
  return listed;
}

/** The fields where the listing disagrees with the events: `listed` when the row is missing. */
export function listingMismatches(listed: Partial<ListedFields> | undefined, folded: ListedFields | undefined): string[] {
  if (!folded) return [];
  if (!listed) return ['listed'];
  return LISTED_FIELDS.filter((f) => listed[f] !== folded[f]);
}

// What a stored event must look like before the fold and the renderers trust it (issue 17,
// finding 2): a log altered outside the tool may hold any JSON in a payload. The engine's types
// describe what the tool writes; this says, for what it reads back, which field is not as written.
import { isValidTimeZone } from '../time/zone.js';
import type { EventDraft } from './events.js';

type Check = 'string' | 'string?' | 'boolean' | 'number' | 'object' | 'array' | 'string|null' | 'time?';

const SHAPES: Record<string, Record<string, Check>> = {
  'incident.opened': { type: 'string', title: 'string', mode: 'string', timezone: 'string', playbook: 'object', definition: 'object', grading: 'object', teams: 'array', vars: 'object' },
  'incident.graded': { tier: 'string', inputs: 'object', result: 'object' },
  'team.activated': { team: 'string', tier: 'string', step: 'string?' },
  'team.reached': { team: 'string', member: 'string', reached: 'boolean', note: 'string?' },
  'step.completed': { step: 'string', note: 'string?', outcome: 'string?' },
  'step.skipped': { step: 'string', reason: 'string' },
  'step.withdrawn': { step: 'string', cause: 'string' },
  'decision.made': { decision: 'string', outcome: 'string', previous: 'string|null', reason: 'string?' },
  'step.reopened': { step: 'string', reason: 'string' },
  'note.added': { text: 'string', step: 'string?' },
  'vars.updated': { vars: 'object' },
  'statement.rendered': { template: 'string', lang: 'string', text: 'string', step: 'string?', file: 'string?' },
  'statement.drafted': { step: 'string', draft: 'number', text: 'string', sha256: 'string', lang: 'string', template: 'string?', file: 'string?' },
  'statement.approved': { step: 'string', draft: 'number', sha256: 'string', team: 'string', member: 'string' },
  'statement.rejected': { step: 'string', draft: 'number', sha256: 'string', member: 'string', reason: 'string' },
  'approval.requested': { request: 'string', kind: 'string', detail: 'object', teams: 'array' },
  'approval.granted': { request: 'string', member: 'string' },
  'approval.refused': { request: 'string', member: 'string', reason: 'string' },
  'incident.recovered': { note: 'string?', recoveredAt: 'time?' },
  'incident.closed': { forced: 'boolean', pending: 'array', summary: 'string?', reason: 'string?' },
  'db.imported': { source: 'string', head: 'string', events: 'number' },
  'clock.skew': { clock: 'string', last: 'string' },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fits(value: unknown, check: Check): boolean {
  switch (check) {
    case 'string':
      return typeof value === 'string';
    case 'string?':
      return value === undefined || typeof value === 'string';
    case 'string|null':
      return value === null || typeof value === 'string';
    case 'time?':
      return value === undefined || (typeof value === 'string' && Number.isFinite(Date.parse(value)));
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
  }
}

/**
 * The first thing wrong with a stored event's shape (its time, or a payload field), or null when
 * it is as the tool writes it. Types the tool does not know are left to the readers that skip them.
 */
export function malformedEvent(event: Pick<EventDraft, 'type' | 'at' | 'payload'>): string | null {
  if (!Number.isFinite(event.at)) return 'at';
  const shape = SHAPES[event.type];
  if (!shape) return null;
  const payload: unknown = event.payload;
  if (!isObject(payload)) return 'payload';
  for (const [field, check] of Object.entries(shape)) if (!fits(payload[field], check)) return `payload.${field}`;
  if (event.type === 'incident.opened' && !Array.isArray((payload.definition as Record<string, unknown>).steps)) return 'payload.definition.steps';
  if (event.type === 'incident.opened' && !isValidTimeZone(payload.timezone as string)) return 'payload.timezone';
  if (event.type === 'incident.graded' && typeof (payload.result as Record<string, unknown>).direction !== 'string') return 'payload.result.direction';
  if (event.type === 'vars.updated' && !Object.values(payload.vars as object).every((v) => typeof v === 'string')) return 'payload.vars';
  return null;
}

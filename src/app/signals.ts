// Reading a monitoring export against an incident (issue 18), shared by `signals import` and the
// walk's "Import monitoring data": what an import would record and change. Writes nothing.
import { InputError, message, type MessageKey } from '../errors.js';
import type { SignalsImportedPayload } from '../engine/events.js';
import type { IncidentState } from '../engine/fold.js';
import { grade, mergeInputs, type GradingResult } from '../grading/grade.js';
import { parseColumnMaps } from '../signals/fields.js';
import { importedPayload } from '../signals/payload.js';
import { readSignals, type ReadResult } from '../signals/read.js';
import { gradingChange, signalsRules } from '../signals/tally.js';
import { MentionClock } from '../signals/values.js';
import { parseOffset } from '../time/offset.js';
import { formatShort, toLocal } from '../time/zone.js';

export interface SignalsFlags {
  map?: string[];
  encoding?: string;
  since?: string;
  apply?: boolean;
  actor?: string;
}

/**
 * `--since`: an ISO 8601 time, a local `YYYY-MM-DD HH:MM`, `HH:MM` today in the incident's zone,
 * or a span back from now (`6h`, `2d`). Not in the future.
 */
export function parseSince(raw: string, timeZone: string, now: number): number {
  const text = raw.trim();
  const clock = new MentionClock(timeZone);
  let at: number | undefined;
  const span = parseOffset(text);
  const hhmm = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (span !== undefined && text !== '0') at = now - span;
  else if (hhmm) {
    const l = toLocal(now, timeZone);
    if (Number(hhmm[1]) < 24 && Number(hhmm[2]) < 60) at = clock.local(l.year, l.month, l.day, Number(hhmm[1]), Number(hhmm[2]), 0, 0);
  } else at = clock.parse(text);
  if (at === undefined) throw new InputError('signals.since', { value: raw });
  if (at > now) throw new InputError('signals.sinceFuture', { value: raw, now: formatShort(now, timeZone) });
  return at;
}

export function parseEncoding(raw: string | undefined): 'utf-8' | 'gbk' | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim().toLowerCase();
  if (value === 'utf-8' || value === 'utf8') return 'utf-8';
  if (value === 'gbk' || value === 'gb2312' || value === 'gb18030') return 'gbk';
  throw new InputError('signals.encodingFlag', { value: raw });
}

export interface Assessed {
  read: ReadResult;
  payload: SignalsImportedPayload;
  before: GradingResult;
  after: GradingResult;
}

/** Reads the file against an incident as it stands at `to`; what an import would change. Writes nothing. */
export async function assess(state: IncidentState, file: string, flags: SignalsFlags, to: number): Promise<Assessed> {
  const { maps, problems } = parseColumnMaps(flags.map ?? []);
  const problem = problems[0];
  if (problem) throw new InputError(message(`signals.${problem.code}` as MessageKey, { value: problem.value, field: 'field' in problem ? problem.field : '' }));
  const timeZone = state.opened.timezone;
  const from = flags.since === undefined ? Math.min(state.startedAt, to) : parseSince(flags.since, timeZone, to);
  const config = state.opened.grading;
  const read = await readSignals({ file, encoding: parseEncoding(flags.encoding), maps, window: { from, to }, timeZone, rules: signalsRules(config) });
  const applied = gradingChange(read.summary, state.inputs.metrics, config);
  const payload = importedPayload(read, timeZone, applied);
  const before = state.gradings[state.gradings.length - 1]?.result ?? grade(state.inputs, config);
  const after = grade(mergeInputs(state.inputs, { metrics: applied }), config);
  return { read, payload, before, after };
}

// Anchors (issue 17, finding 4): chain heads kept outside the database, in a file the firm keeps
// elsewhere. A head once anchored must stay in its chain: a chain cut back (truncated, or the
// whole file rolled back to an older copy) no longer holds it, whatever else was edited.
import { InputError } from '../errors.js';
import { readBoundedText } from '../fsutil.js';

export interface Anchor {
  incident: string;
  seq: number;
  hash: string;
  /** When the head was anchored (wall clock, ISO 8601). */
  time: string;
}

/** An anchors file holds a line per head; 64 MB is some hundred thousand anchoring runs. */
const ANCHORS_MAX = 64 * 1024 * 1024;

export function anchorLine(a: Anchor): string {
  return JSON.stringify({ incident: a.incident, seq: a.seq, hash: a.hash, time: a.time });
}

/** The anchors of a file, each line checked; a line that is not an anchor is named (file:line). */
export function readAnchors(file: string): Anchor[] {
  const text = readBoundedText(file, ANCHORS_MAX);
  const anchors: Anchor[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: Partial<Anchor> | undefined;
    try {
      value = JSON.parse(line) as Partial<Anchor>;
    } catch {
      value = undefined;
    }
    const ok =
      value && typeof value.incident === 'string' && Number.isSafeInteger(value.seq) && (value.seq as number) > 0 && typeof value.hash === 'string' && /^[0-9a-f]{64}$/.test(value.hash);
    if (!ok) throw new InputError('anchor.badLine', { file, line: i + 1 });
    anchors.push({ incident: value!.incident!, seq: value!.seq!, hash: value!.hash!, time: String(value!.time ?? '') });
  });
  return anchors;
}

// Plain-text tables for the terminal; CJK characters take two columns.
import type { Messages } from '../i18n/messages.js';
import { PAINT } from './style.js';

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
// colour codes take no columns: written ones, and our painter's marked ones (style.ts)
const ANSI = new RegExp(`(?:\\x1b|${PAINT})\\[[0-9;]*m`, 'g');
const CLOSING = /^[，。、；：！？）」』》〉】…,.;:!?)]$/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.replace(ANSI, '')) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** A row is its cells, or a string: a heading line that spans the table (a phase, a group). */
export type TableRow = string[] | string;

export interface TableLayout {
  /** The terminal's width; undefined (a pipe, a file) means no limit. */
  width?: number;
  /** Columns whose text may wrap onto more lines when the table would be wider than `width`. */
  wrap?: number[];
}

const GAP = 2;
const MIN_WRAPPED = 12;

export function renderTable(m: Messages, header: string[], rows: TableRow[], layout: TableLayout = {}): string {
  const cells = rows.filter((r): r is string[] => Array.isArray(r));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  if (!fit(widths, layout)) return stacked(m, header, rows, layout.width!);
  const line = (row: string[]) => row.map((c, i) => padEnd(c, widths[i]!)).join(' '.repeat(GAP)).trimEnd();
  const lines = (row: TableRow): string[] => {
    if (typeof row === 'string') return [row];
    const stacked = row.map((c, i) => (layout.wrap?.includes(i) && displayWidth(c) > widths[i]! ? wrap(c, widths[i]!) : [c]));
    const height = Math.max(...stacked.map((s) => s.length));
    return Array.from({ length: height }, (_, k) => line(stacked.map((s) => s[k] ?? '')));
  };
  return [line(header), widths.map((w) => '─'.repeat(w)).join(' '.repeat(GAP)), ...rows.flatMap(lines)].join('\n');
}

/**
 * Narrows the wrapping columns, widest first, until the table fits the width. False when even
 * at their narrowest it would not: the caller stacks the rows instead.
 */
function fit(widths: number[], { width, wrap: columns = [] }: TableLayout): boolean {
  if (width === undefined) return true;
  let excess = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1) - width;
  while (excess > 0) {
    const widest = columns.filter((i) => widths[i]! > MIN_WRAPPED).sort((a, b) => widths[b]! - widths[a]!)[0];
    if (widest === undefined) return false;
    widths[widest]! -= 1;
    excess -= 1;
  }
  return true;
}

/** For a terminal too narrow for columns: the first two cells on a line, the rest labelled beneath. */
function stacked(m: Messages, header: string[], rows: TableRow[], width: number): string {
  const indent = '    ';
  return rows
    .flatMap((row) => {
      if (typeof row === 'string') return [row];
      const [first = '', second = '', ...rest] = row;
      const [head = '', ...more] = wrap(second, Math.max(MIN_WRAPPED, width - displayWidth(first) - GAP));
      const details = rest
        .map((cell, i) => (cell ? m.t('table.field', { label: header[i + 2]!, value: cell }) : ''))
        .filter(Boolean)
        .join(' · ');
      return [
        `${first}${' '.repeat(GAP)}${head}`.trimEnd(),
        ...[...more, ...wrap(details, width - indent.length)].map((l) => indent + l),
      ];
    })
    .join('\n');
}

/** The widest line of a block of text, in terminal columns. */
export function blockWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map(displayWidth));
}

/**
 * Greedy line-breaking to `width` terminal columns: between words, and between any two CJK
 * characters; a word longer than a line is cut where the line ends.
 */
export function wrap(text: string, width: number): string[] {
  const tokens = text.match(new RegExp(`${WIDE.source}|[^\\s${WIDE.source.slice(1, -1)}]+|\\s+`, 'gu')) ?? [];
  const lines: string[] = [];
  let line = '';
  const push = () => {
    if (line.trim() !== '') lines.push(line.trimEnd());
    line = '';
  };
  for (const token of tokens) {
    if (/^\s+$/.test(token)) {
      if (line !== '') line += ' ';
      continue;
    }
    // Chinese typesetting: a line never starts with closing punctuation; it hangs at the end instead
    const hangs = CLOSING.test(token) && line !== '';
    if (line !== '' && !hangs && displayWidth(line + token) > width) push();
    if (hangs || displayWidth(token) <= width) {
      line += token;
      continue;
    }
    for (const ch of token) {
      if (displayWidth(line + ch) > width) push();
      line += ch;
    }
  }
  push();
  return lines;
}

/**
 * Lines of text fitted to a terminal's width: each line wraps at words (or between CJK characters)
 * and its continuation lines keep the line's indentation and any bullet (☐ • ☎ -). Without a
 * width (a pipe, a file), the text is returned as it is.
 */
export function fitToWidth(text: string, width: number | undefined): string {
  if (!width) return text;
  return text
    .split('\n')
    .flatMap((line) => {
      if (displayWidth(line) <= width) return [line];
      const [, lead = '', rest = ''] = /^(\s*(?:[☐•☎-] )?)(.*)$/u.exec(line) ?? [];
      const indent = ' '.repeat(displayWidth(lead));
      const room = Math.max(MIN_WRAPPED, width - indent.length);
      return wrap(rest, room).map((l, i) => (i === 0 ? lead : indent) + l);
    })
    .join('\n');
}

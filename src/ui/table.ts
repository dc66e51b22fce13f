// Plain-text tables for the terminal; CJK characters take two columns.

const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const ANSI = /\x1b\[[0-9;]*m/g;

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

export function renderTable(header: string[], rows: TableRow[]): string {
  const cells = rows.filter((r): r is string[] => Array.isArray(r));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (row: TableRow) => (typeof row === 'string' ? row : row.map((c, i) => padEnd(c, widths[i]!)).join('  ').trimEnd());
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The widest line of a block of text, in terminal columns. */
export function blockWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map(displayWidth));
}

/**
 * Greedy line-breaking to `width` terminal columns: between words, and between any two CJK
 * characters; a word longer than a line is left whole.
 */
export function wrap(text: string, width: number): string[] {
  const tokens = text.match(new RegExp(`${WIDE.source}|[^\\s${WIDE.source.slice(1, -1)}]+|\\s+`, 'gu')) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    const blank = /^\s+$/.test(token);
    if (line !== '' && !blank && displayWidth(line + token) > width) {
      lines.push(line.trimEnd());
      line = '';
    }
    if (line === '' && blank) continue;
    line += blank ? ' ' : token;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}

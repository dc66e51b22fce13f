// Reading a report back with a CommonMark + GFM parser, and the Mermaid gantt grammar rules that
// matter (shared by test/unit/report.test.ts and test/e2e/report.test.ts).
import type { Code, Heading, Root, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

type AnyNode = { type: string; value?: string; children?: AnyNode[]; depth?: number; lang?: string | null };

export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/** Every node of a type, in document order. */
export function nodesOf<T = AnyNode>(tree: AnyNode | Root, type: string): T[] {
  const found: T[] = [];
  const walk = (node: AnyNode) => {
    if (node.type === type) found.push(node as T);
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree as AnyNode);
  return found;
}

/** The text a reader sees: text, inline code and code values, concatenated. */
export function plain(node: AnyNode | Root): string {
  const n = node as AnyNode;
  if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'code') return n.value ?? '';
  return (n.children ?? []).map(plain).join('');
}

export function headings(tree: Root): { depth: number; text: string }[] {
  return nodesOf<Heading>(tree, 'heading').map((h) => ({ depth: h.depth, text: plain(h as AnyNode) }));
}

export interface ParsedTable {
  header: string[];
  rows: string[][];
  /** Cells per row, as the parser split them (a broken row has more or fewer). */
  widths: number[];
}

export function tables(tree: Root): ParsedTable[] {
  return nodesOf<Table>(tree, 'table').map((table) => {
    const [head, ...body] = table.children;
    return {
      header: head!.children.map((c) => plain(c as AnyNode)),
      rows: body.map((r) => r.children.map((c) => plain(c as AnyNode))),
      widths: body.map((r) => r.children.length),
    };
  });
}

/** The top-level blocks between the H2 with this text and the next H2. */
export function section(tree: Root, title: string): Root {
  const start = tree.children.findIndex((n) => n.type === 'heading' && n.depth === 2 && plain(n as AnyNode) === title);
  if (start < 0) throw new Error(`no section "${title}"`);
  const rest = tree.children.slice(start + 1);
  const end = rest.findIndex((n) => n.type === 'heading' && n.depth === 2);
  return { type: 'root', children: end < 0 ? rest : rest.slice(0, end) };
}

/** `- **Label**: value` items of a list: label → the value as read. */
export function labelled(tree: Root, sep = ': '): Map<string, string> {
  const items = new Map<string, string>();
  for (const li of nodesOf<AnyNode>(tree, 'listItem')) {
    const para = li.children?.[0];
    const strong = para?.children?.[0];
    if (para?.type !== 'paragraph' || strong?.type !== 'strong') continue;
    const rest = para.children!.slice(1).map(plain).join('');
    items.set(plain(strong), rest.startsWith(sep) ? rest.slice(sep.length) : rest);
  }
  return items;
}

export function mermaidBlocks(tree: Root): string[] {
  return nodesOf<Code>(tree, 'code')
    .filter((c) => c.lang === 'mermaid')
    .map((c) => c.value);
}

export interface GanttTask {
  section: string;
  name: string;
  tags: string[];
  id: string;
  start: string;
  end: string;
}

// Rules of the gantt lexer tried before a task's text (mermaid 11 ganttDiagram), plus dates
const KEYWORD =
  /^(?:(?:gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|title|accdescription|acctitle|accdescr|section|click|call|href)\b|\d{4}-\d{2}-\d{2})/i;
const DATE = '(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})';
const TASK = new RegExp(`^([^:#;%\\n]+) :((?:(?:crit|done|active|milestone), )*)(s\\d+), ${DATE}, ${DATE}$`);

/** Reads a gantt block under the grammar rules that matter; problems say what would break. */
export function readGantt(source: string): { tasks: GanttTask[]; sections: string[]; problems: string[] } {
  const lines = source.split('\n').map((l) => l.trim());
  const problems: string[] = [];
  const tasks: GanttTask[] = [];
  const sections: string[] = [];
  if (lines[0] !== 'gantt') problems.push(`first line is "${lines[0]}", not "gantt"`);
  if (!lines.includes('dateFormat YYYY-MM-DD HH:mm:ss')) problems.push('no "dateFormat YYYY-MM-DD HH:mm:ss" line');
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if (/^(title|dateFormat|axisFormat|todayMarker) /.test(line)) {
      if (/[#;]/.test(line.replace(/^axisFormat %m-%d %H:%M$/, ''))) problems.push(`directive with # or ;: ${line}`);
      continue;
    }
    if (line.startsWith('section ')) {
      const name = line.slice('section '.length);
      if (/[:#;%]/.test(name)) problems.push(`section name with : # ; or %: ${name}`);
      sections.push(name);
      continue;
    }
    const m = TASK.exec(line);
    if (!m) {
      problems.push(`not a task line "name :id, start, end": ${line}`);
      continue;
    }
    const [, name, tags, id, start, end] = m as unknown as [string, string, string, string, string, string];
    if (KEYWORD.test(name)) problems.push(`task name starts like a keyword: ${name}`);
    if (start > end) problems.push(`task ${id} ends before it starts`);
    if (tasks.some((t) => t.id === id)) problems.push(`duplicate task id ${id}`);
    if (sections.length === 0) problems.push(`task ${id} outside any section`);
    tasks.push({ section: sections[sections.length - 1] ?? '', name: name.trimEnd(), tags: tags.split(', ').filter(Boolean), id, start, end });
  }
  return { tasks, sections, problems };
}

export interface XyChart {
  title: string;
  labels: string[];
  yAxis: { title: string; min: number; max: number } | null;
  bars: number[];
}

const QUOTED = /"([^"\n]*)"/g;

/**
 * Reads an `xychart-beta` block under the rules of mermaid 11's xychart grammar that matter
 * (no mermaid parser is installed: checked structurally): the keyword line, a quoted title, a
 * bracketed list of quoted x-axis categories, `y-axis "title" min --> max`, and one bar series
 * with one number per category.
 */
export function readXychart(source: string): { chart: XyChart; problems: string[] } {
  const lines = source.split('\n').map((l) => l.trim()).filter(Boolean);
  const problems: string[] = [];
  const chart: XyChart = { title: '', labels: [], yAxis: null, bars: [] };
  if (lines[0] !== 'xychart-beta') problems.push(`first line is "${lines[0]}", not "xychart-beta"`);
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /^title "([^"\n]*)"$/.exec(line))) chart.title = m[1]!;
    else if ((m = /^x-axis \[(.*)\]$/.exec(line))) {
      const inner = m[1]!;
      chart.labels = [...inner.matchAll(QUOTED)].map((q) => q[1]!);
      // nothing but quoted strings separated by commas
      if (inner.replace(QUOTED, '').replace(/\s*,\s*/g, '').trim() !== '') problems.push(`x-axis list is not quoted strings: ${line}`);
    } else if ((m = /^y-axis "([^"\n]*)" (\d+(?:\.\d+)?) --> (\d+(?:\.\d+)?)$/.exec(line))) {
      chart.yAxis = { title: m[1]!, min: Number(m[2]), max: Number(m[3]) };
    } else if ((m = /^bar \[([\d., -]*)\]$/.exec(line))) {
      chart.bars = m[1]!.split(',').map((n) => Number(n.trim()));
      if (chart.bars.some((n) => !Number.isFinite(n))) problems.push(`bar values are not numbers: ${line}`);
    } else problems.push(`not an xychart statement: ${line}`);
  }
  if (chart.bars.length !== chart.labels.length) problems.push(`${chart.bars.length} bars for ${chart.labels.length} categories`);
  if (chart.yAxis && chart.bars.some((n) => n > chart.yAxis!.max || n < chart.yAxis!.min)) problems.push('a bar outside the y-axis range');
  return { chart, problems };
}

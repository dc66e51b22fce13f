// Text that responders (and firms) typed goes into the report through these functions, so it can
// never break a table, open a heading, list or quote, inject HTML, or break the Mermaid diagram
// (SPEC §8). Everything is escaped, nothing deleted: line breaks become " / ".

const LINE_BREAKS = /[ \t]*(?:\r\n|[\r\n\u0085\u2028\u2029])[ \t]*/g;
// C0 controls other than tab/newline, DEL, and the C1 block: never meaningful in a report
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

const NEEDS_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|^ | $| {2}/;

/** One line of plain text: line breaks become " / ", tabs and control characters spaces. */
export function oneLine(text: string): string {
  if (!NEEDS_ONE_LINE.test(text)) return text;
  return text
    .replace(LINE_BREAKS, ' / ')
    .replace(/\t/g, ' ')
    .replace(CONTROLS, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

// HTML-significant characters become entities; Markdown punctuation is backslash-escaped
const INLINE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
for (const c of '\\`*_[]#|~') INLINE_ESCAPES[c] = `\\${c}`;

// Text md() would leave as it is fails this test: the timeline of a long incident is mostly such text
const NEEDS_ESCAPING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069&<>\\`*_[\]#|~]|^\s|\s$| {2}|^[-+=]|^\d{1,9}[.)]/;
// bidi controls reorder what a reader sees (a "gnp.exe" that is an .exe): shown by name instead
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Bidi controls by name, e.g. ⟨U+202E⟩. */
export function showBidi(text: string): string {
  return text.replace(BIDI, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/**
 * Inline Markdown text, safe in a paragraph, a list item, a heading or a GFM table cell:
 * HTML-significant characters become entities, Markdown punctuation is backslash-escaped, and
 * a list or ordered-list marker at the start is neutralised.
 */
export function md(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) return text;
  return showBidi(oneLine(text).replace(/[&<>\\`*_[\]#|~]/g, (c) => INLINE_ESCAPES[c]!))
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

/**
 * An inline code span holding any text: the backtick fence is longer than any run inside.
 * In a GFM table a pipe splits the cell even inside code, so it is escaped there.
 */
export function code(text: string, inTable = false): string {
  let body = showBidi(oneLine(text));
  if (inTable) body = body.replace(/\|/g, '\\|');
  if (body === '') return '';
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced code block for multi-line text (rendered statements): nothing inside is Markdown. */
export function codeBlock(text: string, info = 'text'): string {
  const body = showBidi(text.replace(/\r\n?/g, '\n').replace(CONTROLS, ' ').replace(/\n+$/, ''));
  const longest = Math.max(0, ...(body.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

// Characters the gantt lexer gives a meaning to (`:` starts task data, `#`/`%` comments, `;` ends
// a statement, `#…;` entity codes, `{`/`}` directives, `<`/`>`/`&`/quotes reach the SVG as text)
// map to their full-width forms, which read the same.
const MERMAID_MAP: Record<string, string> = {
  ':': '：',
  ';': '；',
  '#': '＃',
  '%': '％',
  '<': '＜',
  '>': '＞',
  '&': '＆',
  '"': '＂',
  "'": '＇',
  '`': '｀',
  '{': '｛',
  '}': '｝',
  '[': '［',
  ']': '］',
  '\\': '＼',
};
const MERMAID_SPECIAL = /[:;#%<>&"'`{}[\]\\]/g;
// Lexer rules tried before a task's text: a name that begins like one of them would be read as it
const MERMAID_KEYWORD =
  /^(?:(?:gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|title|accdescription|acctitle|accdescr|section|click|call|href)\b|\d{4}-\d{2}-\d{2})/i;

/** Text for a Mermaid gantt task name, section or title: one line, no lexer-significant characters. */
export function mermaidText(text: string): string {
  const line = oneLine(text).replace(MERMAID_SPECIAL, (c) => MERMAID_MAP[c]!);
  if (line === '') return '·';
  // a zero-width space keeps the lexer from reading a keyword, and shows nothing (issue 16: no stray "·")
  return MERMAID_KEYWORD.test(line) ? `\u200b${line}` : line;
}

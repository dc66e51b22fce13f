import Mustache from 'mustache';
import { message, type MessageParam } from '../errors.js';

/** The variables every template may use (SPEC §4); a playbook adds its own `vars`. */
export const GLOBAL_TEMPLATE_VARS = [
  'firm.name',
  'firm.hotline',
  'firm.website',
  'incident.id',
  'incident.title',
  'incident.type',
  'incident.tier',
  'incident.startedAt',
  'incident.openedAt',
  'incident.recoveredAt',
] as const;

export type TemplateIssue =
  | { kind: 'syntax'; offset: number; detail: MessageParam }
  | { kind: 'partial'; offset: number }
  | { kind: 'delimiters'; offset: number }
  | { kind: 'unknownVar'; offset: number; name: string };

type Span = [string, string, number, number, ...unknown[]];

/** Checks a logic-less template: no partials, no delimiter changes, only known variables. */
export function checkTemplate(source: string, known: ReadonlySet<string>): TemplateIssue[] {
  const deep = tooDeep(source);
  if (deep !== undefined) return [{ kind: 'syntax', offset: deep, detail: message('tpl.tooDeep', { max: MAX_NESTING }) }];
  let tokens: Span[];
  try {
    tokens = Mustache.parse(source) as unknown as Span[];
  } catch (e) {
    const detail = (e as Error).message;
    const at = /at (\d+)/.exec(detail);
    return [{ kind: 'syntax', offset: at ? Number(at[1]) : 0, detail }];
  }
  const issues: TemplateIssue[] = [];
  const walk = (spans: Span[]) => {
    for (const span of spans) {
      const [type, name, start] = span;
      if (type === '>') issues.push({ kind: 'partial', offset: start });
      else if (type === '=') issues.push({ kind: 'delimiters', offset: start });
      else if (type === 'name' || type === '&' || type === '#' || type === '^') {
        if (name !== '.' && !known.has(name)) issues.push({ kind: 'unknownVar', offset: start, name });
      }
      if ((type === '#' || type === '^') && Array.isArray(span[4])) walk(span[4] as Span[]);
    }
  };
  walk(tokens);
  return issues;
}

/** Sections within sections: a statement needs a few; ten thousand overflow the parser's stack. */
export const MAX_NESTING = 32;

/** The offset of the first section opened deeper than MAX_NESTING, before the parser recurses into it. */
function tooDeep(source: string): number | undefined {
  let depth = 0;
  for (const m of source.matchAll(/\{\{\s*([#^/])/g)) {
    depth += m[1] === '/' ? -1 : 1;
    if (depth > MAX_NESTING) return m.index;
  }
  return undefined;
}

export type TemplateView = Record<string, unknown>;

/** Renders plain text: no HTML escaping, no partials; a missing optional value renders empty. */
export function renderTemplate(source: string, view: TemplateView): string {
  return Mustache.render(source, view, undefined, { escape: (s: string) => s });
}

/** Turns flat names (firm.name) into the nested view Mustache resolves dotted names against. */
export function nestView(flat: Record<string, string | undefined>): TemplateView {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    if (value === undefined || value === '') continue;
    const parts = key.split('.');
    let node = view;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = value;
  }
  return view;
}

const ENDED = /[。．.!?！？…]["'”’」』）)]*$/u;
const PUNCT_AFTER = /^[。．.!?！？，,；;：:]/u;

/**
 * Facts the responder typed end their sentence properly whatever was typed (issue 16): a fact that
 * closes a line of prose gets a full stop in the statement's language when it has none, and one
 * the template itself follows with punctuation loses its own. Headings, table rows and the firm's
 * own fields (a signature, a hotline) are left as they are.
 */
export function renderStatementTemplate(source: string, flat: Record<string, string | undefined>, facts: ReadonlySet<string>, fullStop: string): string {
  const edits: { start: number; end: number; name: string; kind: 'stop' | 'bare' }[] = [];
  const tokens = Mustache.parse(source) as unknown as Span[];
  const walk = (spans: Span[]) => {
    for (const span of spans) {
      const [type, name, start, end] = span;
      if ((type === 'name' || type === '&') && facts.has(name)) {
        const lineStart = source.lastIndexOf('\n', start - 1) + 1;
        const line = source.slice(lineStart, start);
        if (/^\s*(#|\|)/.test(line)) continue;
        // what follows once the section tags that close or open around the slot are passed
        const after = source.slice(end).replace(/^(\{\{[#^/][^}]*\}\})+/, '');
        if (after === '' || after.startsWith('\n') || after.startsWith('\r')) edits.push({ start, end, name, kind: 'stop' });
        else if (PUNCT_AFTER.test(after)) edits.push({ start, end, name, kind: 'bare' });
      }
      if ((type === '#' || type === '^') && Array.isArray(span[4])) walk(span[4] as Span[]);
    }
  };
  walk(tokens);
  let rewritten = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) rewritten = `${rewritten.slice(0, e.start)}{{{__${e.kind}__.${e.name}}}}${rewritten.slice(e.end)}`;
  const adjusted: Record<string, string | undefined> = { ...flat };
  for (const name of facts) {
    const value = flat[name]?.trimEnd();
    if (!value) continue;
    adjusted[`__stop__.${name}`] = ENDED.test(value) ? value : `${value}${fullStop}`;
    adjusted[`__bare__.${name}`] = value.replace(/[。．.!?！？]+$/u, '') || value;
  }
  return renderTemplate(rewritten, nestView(adjusted));
}

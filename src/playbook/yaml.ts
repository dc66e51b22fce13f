import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { message, verbatim, type Message, type MessageKey, type Problem } from '../errors.js';

/** Files the firm edits are small; anything larger is refused before parsing. */
export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;

export interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
}

export type Parsed<T> = { ok: true; value: T; source: YamlSource } | { ok: false; problems: Problem[] };

function problemAt(file: string, lines: LineCounter | undefined, offset: number | undefined, said: Message): Problem {
  const pos = lines && offset !== undefined ? lines.linePos(offset) : { line: 1, col: 1 };
  return { file, line: pos.line, col: pos.col, severity: 'error', message: said };
}

/** Parses YAML text and validates it against a schema; every problem carries file:line:col. */
export function parseYaml<S extends z.ZodType>(file: string, content: string | Buffer, schema: S): Parsed<z.output<S>> {
  const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  if (size > MAX_FILE_BYTES) {
    return { ok: false, problems: [problemAt(file, undefined, undefined, message('yaml.tooLarge', { size: (size / 1048576).toFixed(1), limit: 1 }))] };
  }
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (text.trim() === '') return { ok: false, problems: [problemAt(file, undefined, undefined, message('yaml.empty'))] };

  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // one slip (an unclosed quote, a bad indent) makes the parser report dozens of follow-on errors
    const [first] = doc.errors;
    const detail = first!.message.split('\n')[0] ?? '';
    const hint = syntaxHint(first!.code, detail);
    const syntax = message('yaml.syntax', { detail: hint ? message('text.hinted', { text: detail, hint }) : detail });
    const said = doc.errors.length > 1 ? message('text.more', { text: syntax, more: message('yaml.moreSyntax', { count: doc.errors.length - 1 }) }) : syntax;
    return { ok: false, problems: [problemAt(file, lines, first!.pos[0], said)] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch {
    return { ok: false, problems: [problemAt(file, lines, firstAliasOffset(doc), message('yaml.aliasBomb', { limit: MAX_ALIASES }))] };
  }
  if (data === null || data === undefined) return { ok: false, problems: [problemAt(file, undefined, undefined, message('yaml.empty'))] };

  // without reportInput, zod 4 leaves `input` out of every issue, and a wrong type looks like a missing key
  const result = schema.safeParse(data, { reportInput: true });
  const source: YamlSource = { file, doc, lines };
  if (result.success) return { ok: true, value: result.data, source };
  return { ok: false, problems: result.error.issues.map((issue) => issueToProblem(source, issue)) };
}

/** The parser's wording is for YAML experts; a firm's editor gets a hint at the usual cause. */
function syntaxHint(code: string, detail: string): Message | undefined {
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BAD_SCALAR_START':
      return message('yaml.hint.quote');
    case 'BAD_INDENT':
      return message('yaml.hint.indent');
    case 'TAB_AS_INDENT':
      return message('yaml.hint.tab');
    case 'DUPLICATE_KEY':
      return message('yaml.hint.duplicate');
    case 'MISSING_CHAR':
      return /quote|[\]}]/.test(detail) ? message('yaml.hint.unclosed') : message('yaml.hint.indent');
    case 'MULTIPLE_DOCS':
      return message('yaml.hint.multipleDocs');
    default:
      return undefined;
  }
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** Position of the node at a path; for a missing key, the map that lacks it. */
export function locate(source: YamlSource, path: readonly PropertyKey[], key?: string): Problem {
  let node: unknown = source.doc.contents;
  let offset = (source.doc.contents as Node | null)?.range?.[0];
  for (const part of path) {
    const next = isMap(node) || isSeq(node) ? node.get(part, true) : undefined;
    if (next === undefined || next === null) break;
    node = next;
    offset = (node as Node).range?.[0] ?? offset;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    if (pair && isScalar(pair.key)) offset = pair.key.range?.[0] ?? offset;
  }
  const pos = offset !== undefined ? source.lines.linePos(offset) : { line: 1, col: 1 };
  return { file: source.file, line: pos.line, col: pos.col, severity: 'error', message: verbatim('') };
}

function describePath(path: readonly PropertyKey[]): string | Message {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || message('yaml.root');
}

function issueToProblem(source: YamlSource, issue: z.core.$ZodIssue): Problem {
  const where = describePath(issue.path);
  // YAML has no undefined: no input means the key is absent (an enum or a union says so in its own words)
  if (issue.code !== 'unrecognized_keys' && issue.path.length > 0 && 'input' in issue && issue.input === undefined) {
    const parent = issue.path.slice(0, -1);
    const name = String(issue.path[issue.path.length - 1] ?? '');
    return { ...locate(source, parent), message: message('schema.missing', { key: name, where: describePath(parent) }) };
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      return { ...locate(source, issue.path, key), message: message('schema.unknownKey', { key, where }) };
    }
    case 'invalid_type':
      return { ...locate(source, issue.path), message: message('schema.type', { where, expected: message(expectedKey(issue.expected)) }) };
    case 'invalid_value':
      return {
        ...locate(source, issue.path),
        message: message('schema.oneOf', { where, values: issue.values.map((v) => String(v)).join(', ') }),
      };
    case 'invalid_format':
      return { ...locate(source, issue.path), message: message('schema.format', { where, pattern: formatHint(issue) }) };
    case 'too_small':
    case 'too_big':
      return { ...locate(source, issue.path), message: sizeMessage(issue, where) };
    case 'invalid_key': {
      const key = String(issue.path[issue.path.length - 1] ?? '');
      const parent = issue.path.slice(0, -1);
      const hint = parent.includes('values') ? message('hint.valueName') : parent[0] === 'metrics' ? message('hint.metricName') : message('hint.id');
      return { ...locate(source, parent, key), message: message('schema.badKey', { key, where: describePath(parent), hint }) };
    }
    case 'invalid_union':
      return { ...locate(source, issue.path), message: message('schema.union', { where, hint: unionHint(issue.path) }) };
    default:
      // a refinement of ours names its message by key (schema.ts); a library's own words stand as they are
      return { ...locate(source, issue.path), message: message('text.field', { where, detail: issue.message.startsWith('schema.') ? message(issue.message as MessageKey) : verbatim(issue.message) }) };
  }
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, where: string | Message): Message {
  const small = issue.code === 'too_small';
  const limit = String(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'array' || issue.origin === 'set') return message(small ? 'schema.minItems' : 'schema.maxItems', { where, limit });
  if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
    return message(small ? 'schema.minNumber' : 'schema.maxNumber', { where, limit });
  }
  if (issue.origin === 'string' && small && limit === '1') return message('schema.emptyString', { where });
  return message(small ? 'schema.tooSmall' : 'schema.tooBig', { where, limit });
}

function expectedKey(expected: string) {
  switch (expected) {
    case 'string':
      return 'type.string' as const;
    case 'int':
      return 'type.integer' as const;
    case 'number':
      return 'type.number' as const;
    case 'boolean':
      return 'type.boolean' as const;
    case 'array':
    case 'tuple':
      return 'type.array' as const;
    default:
      return 'type.object' as const;
  }
}

function formatHint(issue: z.core.$ZodIssueInvalidStringFormat): string | Message {
  const pattern = 'pattern' in issue ? String(issue.pattern) : issue.format;
  if (pattern.includes('wd')) return message('hint.duration');
  if (pattern.includes('\\d{4}')) return message('hint.date');
  if (pattern.includes('a-z0-9')) return message('hint.id');
  return pattern;
}

function unionHint(path: readonly PropertyKey[]): Message {
  const last = String(path[path.length - 1] ?? '');
  if (last === 'due') return message('hint.due');
  if (path.includes('channels') && (last === 'url' || last === 'secret')) return message('hint.secretRef');
  if (path.includes('channels') && last === 'type') return message('hint.channelType');
  if (path.includes('metrics')) return message('hint.metric');
  return message('hint.text');
}

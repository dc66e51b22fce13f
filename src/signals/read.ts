// Reading a monitoring platform's export (the edge of issue 18): CSV in UTF-8 or GBK, XLSX, JSON
// lines. Streamed row by row into a MentionTally, so memory stays bounded whatever the size.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { InputError } from '../errors.js';
import { formatShort } from '../time/zone.js';
import { planColumns, type ColumnMap, type ColumnPlan } from './fields.js';
import { MentionTally, type SignalsRules, type SignalsSummary } from './tally.js';
import { cellText, type Cell } from './values.js';

/** Larger files are refused (issue 18): an export of a day is far smaller. */
export const MAX_BYTES = 200 * 1024 * 1024;
/** A title row or two may stand above the header; the header is within the first rows. */
const HEADER_SEARCH_ROWS = 10;
/** Bytes looked at to tell UTF-8 from GBK. */
const SNIFF_BYTES = 1 << 20;

export type SignalsFormat = 'csv' | 'xlsx' | 'jsonl';
export type SignalsEncoding = 'utf-8' | 'utf-8-bom' | 'gbk';

export interface ReadRequest {
  file: string;
  /** As given by --encoding; detected when absent. */
  encoding?: 'utf-8' | 'gbk';
  maps: readonly ColumnMap[];
  window: { from: number; to: number };
  timeZone: string;
  rules: SignalsRules;
}

export interface ReadResult {
  file: string;
  name: string;
  bytes: number;
  sha256: string;
  format: SignalsFormat;
  /** The text encoding used (CSV and JSON lines). */
  encoding: SignalsEncoding | null;
  summary: SignalsSummary;
}

/**
 * The file in 64 KB chunks (the stream default), as the plain script the bench compares with reads
 * it. Measured on a busy machine, larger chunks or synchronous reads cost less CPU but twice the
 * wall time: a process that never waits for I/O gets fewer turns of the CPU (BENCHMARKS.md).
 */
function chunks(file: string): AsyncIterable<Buffer> {
  return createReadStream(file) as AsyncIterable<Buffer>;
}

function head(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

export function detectFormat(file: string, start: Buffer): SignalsFormat {
  if (start.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return 'xlsx';
  const ext = extname(file).toLowerCase();
  if (ext === '.xls' || start.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new InputError('signals.xls', { file });
  }
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  return /^\s*\{/.test(start.subarray(0, 64).toString('latin1')) ? 'jsonl' : 'csv';
}

/** UTF-8 with a BOM, UTF-8, or else GBK (what Excel on a Chinese Windows saves). */
export function detectEncoding(start: Buffer, complete: boolean): SignalsEncoding {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return 'utf-8-bom';
  try {
    // a character cut at the end of the sample is not an error
    new TextDecoder('utf-8', { fatal: true }).decode(start, { stream: !complete });
    return 'utf-8';
  } catch {
    return 'gbk';
  }
}

/** Turns bytes into text as they stream; a UTF-8 file that turns out not to be is refused with advice. */
async function textDecoder(encoding: SignalsEncoding, file: string): Promise<{ write: (b: Buffer) => string; end: () => string }> {
  if (encoding === 'gbk') {
    // GB 18030 decodes GBK and is a superset of it
    const iconv = (await import('iconv-lite')).default;
    const decoder = iconv.getDecoder('gb18030');
    return { write: (b) => decoder.write(b), end: () => decoder.end() ?? '' };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const fail = (): never => {
    throw new InputError('signals.notUtf8', { file });
  };
  return {
    write: (b) => {
      try {
        return decoder.decode(b, { stream: true });
      } catch {
        return fail();
      }
    },
    end: () => {
      try {
        return decoder.decode();
      } catch {
        return fail();
      }
    },
  };
}

/** The header found among the first rows (the first with a time column), then every row into the tally. */
class RowSink {
  private tally: MentionTally | undefined;
  private searched = 0;

  constructor(
    private readonly req: ReadRequest,
    private readonly name: string,
  ) {}

  row(line: number, cells: Cell[]): void {
    if (this.tally) return this.tally.add(line, cells);
    const header = cells.map(cellText);
    const { plan, unknownColumns } = planColumns(header, this.req.maps);
    if (plan.time === undefined) {
      if (++this.searched >= HEADER_SEARCH_ROWS) throw noTimeColumn(this.name);
      return;
    }
    if (unknownColumns.length) throw unknownMapColumns(this.name, unknownColumns, header);
    this.tally = newTally(this.req, plan, header.length);
  }

  reject(line: number, problem: Parameters<MentionTally['reject']>[1]): void {
    if (this.tally) this.tally.reject(line, problem);
  }

  result(): SignalsSummary {
    if (!this.tally) throw noTimeColumn(this.name);
    return this.tally.result();
  }
}

const newTally = (req: ReadRequest, plan: ColumnPlan, columns: number) =>
  new MentionTally({ plan, columns, window: req.window, timeZone: req.timeZone, rules: req.rules });

const noTimeColumn = (name: string) => new InputError('signals.noTimeColumn', { file: name });
const unknownMapColumns = (name: string, columns: string[], header: readonly string[]) =>
  new InputError('signals.mapUnknown', { file: name, columns: columns.join(', '), known: header.filter(Boolean).join(', ') });

/**
 * A UTF-8 check over a stream of chunks: a character cut at a chunk's end is carried into the
 * next. Cheaper than decoding, since csv-parse decodes the fields itself.
 */
export function utf8Check(): { chunk: (b: Buffer) => boolean; end: () => boolean } {
  let carry: Buffer = Buffer.alloc(0);
  return {
    chunk: (chunk) => {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let end = buf.length;
      let i = end - 1;
      while (i >= 0 && end - i <= 4 && (buf[i]! & 0xc0) === 0x80) i--;
      if (i >= 0 && buf[i]! >= 0xc0) {
        const need = buf[i]! >= 0xf0 ? 4 : buf[i]! >= 0xe0 ? 3 : 2;
        if (end - i < need) end = i;
      }
      carry = Buffer.from(buf.subarray(end));
      return isUtf8(buf.subarray(0, end));
    },
    end: () => carry.length === 0,
  };
}

async function readCsv(req: ReadRequest, sink: RowSink, encoding: SignalsEncoding, hash: ReturnType<typeof createHash>): Promise<void> {
  const { parse } = await import('csv-parse');
  let failure: unknown;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  // records arrive synchronously as each chunk is parsed, so info.lines is the record's last line
  parser.on('data', (record: string[]) => {
    if (failure !== undefined) return;
    try {
      sink.row(parser.info.lines, record);
    } catch (error) {
      failure = error;
    }
  });
  parser.on('skip', (error: Error & { lines?: number }) => sink.reject(error.lines ?? 0, { code: 'csv.syntax', detail: error.message.slice(0, 80) }));
  const done = new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
  });
  const gbk = encoding === 'gbk' ? await textDecoder(encoding, req.file) : undefined;
  const utf8 = gbk ? undefined : utf8Check();
  const notUtf8 = () => new InputError('signals.notUtf8', { file: req.file });
  for await (const chunk of chunks(req.file)) {
    hash.update(chunk);
    if (utf8 && !utf8.chunk(chunk)) failure = notUtf8();
    if (failure !== undefined) break;
    if (!parser.write(gbk ? gbk.write(chunk) : chunk)) await new Promise((r) => parser.once('drain', r));
  }
  if (failure === undefined && utf8 && !utf8.end()) failure = notUtf8();
  if (failure !== undefined) {
    parser.destroy();
    throw failure;
  }
  parser.end(gbk ? gbk.end() : undefined);
  await done;
  if (failure !== undefined) throw failure;
}

async function readJsonLines(req: ReadRequest, encoding: SignalsEncoding, hash: ReturnType<typeof createHash>, name: string): Promise<SignalsSummary> {
  const decoder = await textDecoder(encoding, req.file);
  const header: string[] = [];
  const known = new Set<string>();
  let tally: MentionTally | undefined;
  let plan: ColumnPlan = {};
  let line = 0;
  let rest = '';
  const take = (text: string) => {
    line++;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return tallyFor().reject(line, { code: 'json.syntax' });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return tallyFor().reject(line, { code: 'json.notObject' });
    const object = value as Record<string, unknown>;
    let grew = false;
    for (const key of Object.keys(object)) {
      if (!known.has(key)) {
        known.add(key);
        header.push(key);
        grew = true;
      }
    }
    if (grew) {
      plan = planColumns(header, req.maps).plan;
      tally?.replan(plan, header.length);
    }
    tallyFor().add(line, header.map((key) => jsonCell(object[key])));
  };
  const tallyFor = () => (tally ??= newTally(req, plan, header.length));
  for await (const chunk of chunks(req.file)) {
    hash.update(chunk);
    const lines = (rest + decoder.write(chunk)).split('\n');
    rest = lines.pop()!;
    for (const text of lines) take(text);
  }
  rest += decoder.end();
  if (rest !== '') take(rest);
  const { unknownColumns } = planColumns(header, req.maps);
  if (unknownColumns.length) throw unknownMapColumns(name, unknownColumns, header);
  if (plan.time === undefined) throw noTimeColumn(name);
  return tallyFor().result();
}

function jsonCell(value: unknown): Cell {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** An XLSX cell as a plain value: rich text as its text, a link as its text, a formula as its result. */
function xlsxCell(value: unknown): Cell {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
  if (v.richText) return v.richText.map((r) => r.text).join('');
  if ('result' in v) return xlsxCell(v.result);
  if (v.text !== undefined) return xlsxCell(v.text);
  return null;
}

async function readXlsx(req: ReadRequest, sink: RowSink, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of chunks(req.file)) hash.update(chunk);
  const ExcelJS = (await import('exceljs')).default;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(req.file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit' });
  try {
    // the first worksheet is the export; others (a summary, a chart) are not mentions
    for await (const worksheet of reader) {
      for await (const row of worksheet as AsyncIterable<{ number: number; values: unknown[] }>) {
        const values = Array.isArray(row.values) ? row.values : [];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i++) cells.push(xlsxCell(values[i]));
        sink.row(row.number, cells);
      }
      break;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('signals.xlsxBroken', { file: req.file, detail: (error as Error).message });
  }
}

/** Reads the export into a summary; bad input (size, format, columns) is an InputError before anything is recorded. */
export async function readSignals(req: ReadRequest): Promise<ReadResult> {
  let bytes: number;
  try {
    const stat = statSync(req.file);
    if (!stat.isFile()) throw new Error('not a file');
    bytes = stat.size;
  } catch {
    throw new InputError('signals.notFound', { file: req.file });
  }
  if (bytes > MAX_BYTES) throw new InputError('signals.tooLarge', { file: req.file, size: (bytes / 1048576).toFixed(0), limit: MAX_BYTES / 1048576 });
  const name = basename(req.file);
  const start = head(req.file, SNIFF_BYTES);
  const format = detectFormat(req.file, start);
  const hash = createHash('sha256');
  let encoding: SignalsEncoding | null = null;
  let summary: SignalsSummary;
  if (format === 'xlsx') {
    const sink = new RowSink(req, name);
    await readXlsx(req, sink, hash);
    summary = sink.result();
  } else {
    const detected = detectEncoding(start, start.length === bytes);
    encoding = req.encoding === 'gbk' ? 'gbk' : req.encoding === 'utf-8' ? (detected === 'utf-8-bom' ? 'utf-8-bom' : 'utf-8') : detected;
    if (format === 'jsonl') summary = await readJsonLines(req, encoding, hash, name);
    else {
      const sink = new RowSink(req, name);
      await readCsv(req, sink, encoding, hash);
      summary = sink.result();
    }
  }
  if (summary.rows - summary.ignored === 0) throw new InputError('signals.noRows', { file: name, ignored: summary.ignored });
  if (summary.used === 0) {
    const window = { from: formatShort(req.window.from, req.timeZone), to: formatShort(req.window.to, req.timeZone) };
    throw new InputError('signals.noneInWindow', { file: name, ...window, before: summary.outside.before, after: summary.outside.after });
  }
  return { file: req.file, name, bytes, sha256: hash.digest('hex'), format, encoding, summary };
}

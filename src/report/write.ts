// The report's I/O edge: read the log (read-only), check the chain, fold, build, render, and
// write the file atomically. `report`, the interactive `close` and `drill --report-dir` call it.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Context } from '../context.js';
import { InputError, WorkError } from '../errors.js';
import { makeDirs } from '../fsutil.js';
import type { OpenedPayload } from '../engine/events.js';
import { fold, judgedAt, step as foldOne, type IncidentState } from '../engine/fold.js';
import { incidentsForReading } from '../commands/shared.js';
import { playbookDrift, unknownIncident } from '../service.js';
import { auditKey } from '../store/hash.js';
import { rowToEvent, storedEvent } from '../store/store.js';
import type { ChainReport } from '../store/verify.js';
import { isPostgresUrl, maskUrl } from '../store/postgres/target.js';
import type { TimeContext } from '../time/duration.js';
import { shellWord } from '../ui/format.js';
import { getLang, setLang, t, type Lang } from '../ui/i18n.js';
import { renderJson } from './json.js';
import { renderMarkdown, renderMarkdownTo } from './markdown.js';
import { buildReport, timelineRow, withLang, type TimelineRow } from './model.js';
import { emptyOutbox, foldOutbox, type Outbox } from '../notify/outbox.js';
import { recorderNote, verifiedFrom } from '../engine/describe.js';

export interface ReportOptions {
  out?: string;
  format?: 'md' | 'json';
  force?: boolean;
  /** The report's language when chosen explicitly (`--lang`); otherwise the incident's own. */
  lang?: Lang;
}

export interface WrittenReport {
  file?: string;
  /** The report's text; with `out`, read back from the file when asked for. */
  content: string;
  /** Things the caller should tell the user on stderr: a broken chain, a changed playbook. */
  warnings?: string[];
}

/** Writes through a temp file in the same folder, renamed into place: a reader sees the old file or the whole new one. */
function writeAtomically(target: string, render: (write: (chunk: string) => void) => void, force: boolean): void {
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw new InputError(t('rep.outIsDir', { file: target }));
    if (!force) throw new InputError(t('rep.exists', { file: target }));
  }
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    makeDirs(dir);
    fd = openSync(temp, 'wx', 0o600);
    render((chunk) => writeAll(fd!, Buffer.from(chunk, 'utf8')));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    if (existsSync(temp)) unlinkSync(temp);
    if (error instanceof InputError) throw error;
    throw new InputError(t('rep.cannotWrite', { file: target, detail: (error as Error).message }));
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  for (let done = 0; done < buffer.length; ) done += writeSync(fd, buffer, done, buffer.length - done);
}

interface ReadLog {
  state: IncidentState;
  timeline: TimelineRow[];
  chain: ChainReport;
  lang: Lang;
  foldedThrough?: number;
  outbox: Outbox;
}

/**
 * One pass over the log: check the chain, fold, and describe each event for the timeline, holding
 * no event longer than its row (a long incident has 100 000 of them). When a tampered payload
 * cannot be folded, the events before the first bad one are folded instead (SPEC §8: the report
 * is produced anyway).
 */
async function readLog(ctx: Context, id: string, chosen: Lang | undefined): Promise<ReadLog> {
  const service = await incidentsForReading(ctx, id);
  const previousLang = getLang();
  try {
    if (!(await service.store.hasIncident(id))) throw await unknownIncident(service.store, id);
    let state: IncidentState | undefined;
    let time: TimeContext | undefined;
    let lang: Lang = chosen ?? ctx.lang;
    let failure: unknown;
    const timeline: TimelineRow[] = [];
    const outbox = emptyOutbox();
    const chain = await service.store.verify(id, auditKey(ctx.env), (row) => {
      const event = storedEvent(row);
      if (!time) {
        const opened = event.payload as Partial<OpenedPayload>;
        time = service.time(opened.timezone ?? ctx.timezone);
        lang = chosen ?? (opened.lang === 'zh' || opened.lang === 'en' ? opened.lang : ctx.lang);
        setLang(lang);
      }
      if (failure === undefined) {
        try {
          state = state ? foldOne(state, event, time) : fold(id, [event], time);
        } catch (error) {
          failure = error;
        }
      }
      timeline.push(timelineRow(event, state?.opened.teams));
      if (event.type.startsWith('notification.')) foldOutbox([event], outbox);
    });
    // who wrote each event, beside its actor where they differ: known only once the whole log is read
    const from = verifiedFrom(timeline, service.store.recorderVerified);
    for (const row of timeline) {
      const by = recorderNote(row, from);
      if (by) row.detail = `${row.detail} — ${by}`;
    }
    setLang(previousLang);
    if (failure === undefined && state) return { state, timeline, chain, lang, outbox };
    const detail = (failure as Error | undefined)?.message ?? '';
    if (chain.ok || chain.firstBadSeq === null || chain.firstBadSeq <= 1) throw new WorkError(t('rep.unfoldable', { id, detail }));
    const good = (await service.store.rows(id)).filter((r) => r.seq < chain.firstBadSeq!).map(rowToEvent);
    try {
      return { state: fold(id, good, time!), timeline, chain, lang, outbox, foldedThrough: good[good.length - 1]!.seq };
    } catch {
      throw new WorkError(t('rep.unfoldable', { id, detail }));
    }
  } finally {
    setLang(previousLang);
    await service.store.close();
  }
}

export async function writeReport(ctx: Context, id: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const { state, timeline, chain, lang, foldedThrough, outbox } = await readLog(ctx, id, opts.lang);
  const now = ctx.now();
  const drift = withLang(lang, () => playbookDrift(state));
  const verifyCommand = recheckCommand(ctx, id);
  const model = buildReport({ state, events: [], timeline, chain, asOf: judgedAt(state, now), generatedAt: now, drift, lang, verifyCommand, outbox, ...(foldedThrough ? { foldedThrough } : {}) });
  const warnings: string[] = [];
  if (!chain.ok) {
    const problem = chain.problem ? t(`verify.problem.${chain.problem}`) : '';
    warnings.push(t('rep.brokenChain', { seq: chain.firstBadSeq ?? '?', problem, command: verifyCommand }));
  }
  if (drift) warnings.push(lang === ctx.lang ? drift : (playbookDrift(state) ?? drift));
  if (!opts.out) return { content: opts.format === 'json' ? renderJson(model) : renderMarkdown(model), warnings };
  const file = resolve(opts.out);
  if (opts.format === 'json') {
    const json = renderJson(model);
    writeAtomically(file, (write) => write(json), Boolean(opts.force));
  } else {
    // rendered straight into the file: a long timeline is never held as one string
    writeAtomically(file, (write) => renderMarkdownTo(model, write), Boolean(opts.force));
  }
  return {
    file,
    warnings,
    get content() {
      return readFileSync(file, 'utf8');
    },
  };
}

/**
 * `sec-incident verify <id> --db <file>`: the database named, so the command re-checks this log
 * wherever it is typed; with the HMAC key's variable in front when the chain is keyed (never the key).
 */
export function recheckCommand(ctx: Pick<Context, 'db' | 'env'>, id: string): string {
  const key = auditKey(ctx.env) ? 'SEC_INCIDENT_AUDIT_KEY=… ' : '';
  // a server's URL without its password: a report is a document that travels
  const db = isPostgresUrl(ctx.db) ? maskUrl(ctx.db) : resolve(ctx.db);
  return `${key}sec-incident verify ${id} --db ${shellWord(db)}`;
}


// The report file writer, the report's I/O edge: read the log (read-only), check the chain, fold, build, render, and
// write the file atomically. `report`, the interactive `close` and `drill --report-dir` call it.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Context } from '../context.js';
import { CliError, DamagedLogError, InputError, message, verbatim, WorkError, type Message } from '../errors.js';
import { makeDirs, requireFreeSpace, SPACE } from '../fsutil.js';
import type { IncidentEvent, OpenedPayload } from '../engine/events.js';
import { malformedEvent } from '../engine/payload-shape.js';
import { evolve, fold, judgedAt, type IncidentState } from '../engine/fold.js';
import { messages, type Lang, type Messages } from '../i18n/messages.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown, renderMarkdownTo } from '../report/markdown.js';
import { buildReport, timelineRow, type TimelineRow } from '../report/model.js';
import { auditKey } from '../store/hash.js';
import { rowToEvent, storedEvent } from '../store/store.js';
import { checkChain, isKeyProblem, type ChainReport } from '../store/verify.js';
import { isPostgresUrl, maskUrl } from '../store/postgres/target.js';
import type { TimeContext } from '../time/duration.js';
import { shellWord } from '../shell.js';
import { isValidTimeZone } from '../time/zone.js';
import { emptyOutbox, foldOutbox, type Outbox } from '../notify/outbox.js';
import { recorderNote, verifiedFrom } from '../report/describe.js';
import { damage, playbookDrift, unknownIncident, withIncidents, incidentsForReading } from './incidents.js';

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
    if (statSync(target).isDirectory()) throw new InputError('rep.outIsDir', { file: target });
    if (!force) throw new InputError('rep.exists', { file: target });
  }
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    makeDirs(dir, 0o700); // a report folder is for the firm, whatever the umask says
    removeStaleTemps(dir, basename(target));
    requireFreeSpace(dir, SPACE.report);
    fd = openSync(temp, 'wx', 0o600);
    render((chunk) => writeAll(fd!, Buffer.from(chunk, 'utf8')));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    if (existsSync(temp)) unlinkSync(temp);
    if (error instanceof CliError) throw error;
    // a disk that filled while writing: could not be done (exit 1), the old file untouched
    if ((error as { code?: string }).code === 'ENOSPC') throw new WorkError('rep.diskFull', { file: target });
    throw new InputError('rep.cannotWrite', { file: target, detail: verbatim((error as Error).message) });
  }
}

/**
 * The temp files of earlier writes of `name` whose process is gone (killed before its rename,
 * issue 17 finding 12): removed, so kills do not pile up copies of the report beside it.
 */
function removeStaleTemps(dir: string, name: string): void {
  const prefix = `.${name}.`;
  for (const entry of readdirSync(dir)) {
    if (!entry.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(entry.slice(prefix.length));
    if (!match || isAlive(Number(match[1]))) continue;
    try {
      unlinkSync(join(dir, entry));
    } catch {
      // another writer removed it first, or it is not ours to remove
    }
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM'; // alive, another user's
  }
}

function writeAll(fd: number, buffer: Buffer): void {
  for (let done = 0; done < buffer.length; ) done += writeSync(fd, buffer, done, buffer.length - done);
}

interface ReadLog {
  state: IncidentState;
  timeline: TimelineRow[];
  chain: ChainReport;
  /** The report's language: the one chosen, else the incident's own. */
  m: Messages;
  foldedThrough?: number;
  outbox: Outbox;
  /** The first event the fold could not take, and why. */
  unreadable?: { seq: number; detail: Message };
}

/** A timeline row for any stored event: one that cannot even be described is shown as stored. */
function safeTimelineRow(m: Messages, event: IncidentEvent, teams: IncidentState['opened']['teams'] | undefined): TimelineRow {
  try {
    const row = timelineRow(m, event, Array.isArray(teams) ? teams : undefined);
    if (typeof row.detail === 'string') return row;
  } catch {
    // described below, as stored
  }
  const payload = typeof event.payload === 'string' ? event.payload : JSON.stringify(event.payload) ?? 'null';
  return { seq: event.seq, at: event.at, type: String(event.type), actor: String(event.actor), detail: m.t('log.undescribable', { payload }) };
}

/**
 * One pass over the log: check the chain, fold, and describe each event for the timeline, holding
 * no event longer than its row (a long incident has 100 000 of them). When a tampered payload
 * cannot be folded, the events before the first bad one are folded instead (SPEC §8: the report
 * is produced anyway).
 */
async function readLog(ctx: Context, id: string, chosen: Lang | undefined): Promise<ReadLog> {
  return withIncidents(incidentsForReading(ctx, id), async (service) => {
    if (!(await service.store.hasIncident(id))) throw await unknownIncident(service.store, id);
    let state: IncidentState | undefined;
    let time: TimeContext | undefined;
    let m = messages(chosen ?? ctx.lang);
    let failure: unknown;
    const timeline: TimelineRow[] = [];
    const outbox = emptyOutbox();
    const key = auditKey(ctx.env);
    let failedAt: number | undefined;
    const chain = await checkChain(service.store, id, key, await service.store.keyVerdict(key), (row) => {
      const event = storedEvent(row);
      if (!time) {
        const opened = (typeof event.payload === 'object' && event.payload !== null ? event.payload : {}) as Partial<OpenedPayload>;
        time = service.time(typeof opened.timezone === 'string' && isValidTimeZone(opened.timezone) ? opened.timezone : ctx.timezone);
        m = messages(chosen ?? (opened.lang === 'zh' || opened.lang === 'en' ? opened.lang : ctx.lang));
      }
      if (failure === undefined) {
        try {
          // a payload not as the tool writes it stops the fold here: the state is what came before
          const field = malformedEvent(event);
          if (field) throw new DamagedLogError(message('event.malformed', { seq: event.seq, type: event.type, field }));
          state = state ? evolve(state, event, time) : fold(id, [event], time);
        } catch (error) {
          failure = error;
          failedAt = event.seq;
        }
      }
      timeline.push(safeTimelineRow(m, event, state?.opened.teams));
      if (typeof event.type === 'string' && event.type.startsWith('notification.')) {
        try {
          foldOutbox([event], outbox);
        } catch {
          // an altered notification is shown in the timeline as stored; the outbox goes without it
        }
      }
    });
    // who wrote each event, beside its actor where they differ: known only once the whole log is read
    const from = verifiedFrom(timeline, service.store.recorderVerified);
    for (const row of timeline) {
      const by = recorderNote(m, row, from);
      if (by) row.detail = `${row.detail} — ${by}`;
    }
    if (failure === undefined && state) return { state, timeline, chain, m, outbox };
    const detail = failure === undefined ? verbatim('') : damage(failure);
    // fold what comes before the first event that could not be read, or the first broken one
    const stop = Math.min(failedAt ?? Infinity, chain.ok || chain.firstBadSeq === null ? Infinity : chain.firstBadSeq);
    if (!Number.isFinite(stop) || stop <= 1) throw new WorkError('rep.unfoldable', { id, detail });
    const good = (await service.store.rows(id)).filter((r) => r.seq < stop).map(rowToEvent);
    try {
      return { state: fold(id, good, time!), timeline, chain, m, outbox, foldedThrough: good[good.length - 1]!.seq, unreadable: { seq: stop, detail } };
    } catch {
      throw new WorkError('rep.unfoldable', { id, detail });
    }
  });
}

export async function writeReport(ctx: Context, id: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const { state, timeline, chain, m, foldedThrough, outbox, unreadable } = await readLog(ctx, id, opts.lang);
  const { t } = ctx.messages;
  const now = ctx.now();
  const drift = playbookDrift(state);
  const verifyCommand = recheckCommand(ctx, id);
  const model = buildReport({
    state,
    events: [],
    timeline,
    chain,
    asOf: judgedAt(state, now),
    generatedAt: now,
    ...(drift ? { drift: m.say(drift) } : {}),
    messages: m,
    verifyCommand,
    outbox,
    ...(foldedThrough ? { foldedThrough } : {}),
  });
  // the report is in its language; what is said on stderr is in the user's
  const warnings: string[] = [];
  if (!chain.ok) {
    const problem = chain.problem ? t(`verify.problem.${chain.problem}`) : '';
    if (isKeyProblem(chain.problem)) warnings.push(t('rep.keyUnchecked', { problem, command: verifyCommand }));
    else warnings.push(t('rep.brokenChain', { seq: chain.firstBadSeq ?? '?', problem, command: verifyCommand }));
  }
  if (unreadable) warnings.push(t('rep.unreadable', { seq: unreadable.seq, detail: unreadable.detail }));
  if (drift) warnings.push(ctx.messages.say(drift));
  if (!opts.out) return { content: opts.format === 'json' ? renderJson(model) : renderMarkdown(model, m), warnings };
  const file = resolve(ctx.cwd, opts.out);
  if (opts.format === 'json') {
    const json = renderJson(model);
    writeAtomically(file, (write) => write(json), Boolean(opts.force));
  } else {
    // rendered straight into the file: a long timeline is never held as one string
    writeAtomically(file, (write) => renderMarkdownTo(model, m, write), Boolean(opts.force));
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


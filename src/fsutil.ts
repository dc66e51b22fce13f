// File-system helpers shared by the edges (store, report, cache).
import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, message, WorkError, type Message } from './errors.js';

/**
 * mkdir -p, one level at a time. Node's own `recursive: true` spins forever on a path under a
 * pseudo file system such as /proc (seen on Node 20); this fails with the real error instead.
 */
export function makeDirs(dir: string, mode?: number): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent, mode);
  mkdirSync(dir, mode === undefined ? {} : { mode });
}

/**
 * The first byte offset where `bytes` stop being well-formed UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or -1 when they are.
 */
export function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) (need = 1), (min = 0x80);
    else if (b === 0xe0) (need = 2), (min = 0xa0);
    else if (b === 0xed) (need = 2), (min = 0x80), (max = 0x9f);
    else if (b >= 0xe1 && b <= 0xef) (need = 2), (min = 0x80);
    else if (b === 0xf0) (need = 3), (min = 0x90);
    else if (b >= 0xf1 && b <= 0xf3) (need = 3), (min = 0x80);
    else if (b === 0xf4) (need = 3), (min = 0x80), (max = 0x8f);
    else return i;
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Line and column (1-based, columns in characters) of a byte offset in text that is UTF-8 up to it. */
export function positionOf(bytes: Uint8Array, offset: number): { line: number; col: number } {
  const before = Buffer.from(bytes.buffer, bytes.byteOffset, offset).toString('utf8');
  const lines = before.split('\n');
  return { line: lines.length, col: [...lines[lines.length - 1]!].length + 1 };
}

/** Whether bytes that are not UTF-8 read like GBK / GB 18030 (Chinese Windows' encoding): lead and trail byte pairs. */
export function looksLikeGbk(bytes: Uint8Array): boolean {
  let pairs = 0;
  let strays = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const next = bytes[i + 1];
    if (b >= 0x81 && b <= 0xfe && next !== undefined && next >= 0x40 && next <= 0xfe && next !== 0x7f) {
      pairs++;
      i++;
    } else strays++;
  }
  return pairs > 0 && strays <= pairs / 10;
}

/** A size for people: 1 MB, 64 KB. */
function sizeForPeople(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * A file's bytes, read only when it is a regular file (not a FIFO, a device such as /dev/zero, a
 * folder) and no larger than `max`: a bounded reader, so a file that grows while read is refused
 * too. Errors of the file system itself (ENOENT, EACCES) are thrown as they are.
 */
export function readBoundedBytes(file: string, max: number): Buffer {
  // non-blocking: opening a FIFO must not wait for a writer
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError('file.notRegular', { file });
    if (stat.size > max) throw new InputError('file.tooLarge', { file, max: sizeForPeople(max) });
    const buffer = Buffer.alloc(Math.min(stat.size, max) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buffer.length; n += got) got = readSync(fd, buffer, n, buffer.length - n, n);
    if (n > max) throw new InputError('file.tooLarge', { file, max: sizeForPeople(max) });
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Where bytes stop being text the firm can have meant: not UTF-8 (GBK named when it looks like it), or a NUL. */
export function textProblem(file: string, bytes: Uint8Array): { line: number; col: number; message: Message } | undefined {
  const bad = invalidUtf8At(bytes);
  if (bad >= 0) {
    // judged on the rest of that line: the file around it may be good UTF-8 Chinese
    const end = bytes.indexOf(0x0a, bad);
    const gbk = looksLikeGbk(bytes.subarray(bad, end < 0 ? bytes.length : end));
    return { ...positionOf(bytes, bad), message: gbk ? message('file.notUtf8Gbk', { file }) : message('file.notUtf8') };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { ...positionOf(bytes, nul), message: message('file.nul') };
  return undefined;
}

/** Refuses bytes that are not UTF-8, or hold a NUL, naming file:line:col. */
export function checkText(file: string, bytes: Uint8Array): void {
  const problem = textProblem(file, bytes);
  if (problem) throw new InputError(problem.message, {}, [{ file, line: problem.line, col: problem.col, severity: 'error', message: problem.message }]);
}

/** A text file the firm edits: regular, bounded, UTF-8 without NUL; a leading BOM is dropped. */
export function readBoundedText(file: string, max: number): string {
  const bytes = readBoundedBytes(file, max);
  checkText(file, bytes);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Limits of what is read (issue 17, finding 6). */
export const LIMITS = {
  yaml: 1024 * 1024,
  template: 1024 * 1024,
  drill: 1024 * 1024,
  config: 64 * 1024,
} as const;

/** What a write must find free before it starts (issue 17, build 9): SQLite's journal and pages, a report. */
export const SPACE = {
  /** Any action on an SQLite database: a rollback journal or WAL frames plus the new pages. */
  database: 1024 * 1024,
  /** Each drill of a folder, over the action's own margin: a long drill is some hundred KB of events. */
  drill: 256 * 1024,
  /** Each report file (a long incident's report is larger; the write then fails cleanly, exit 1). */
  report: 256 * 1024,
} as const;

/**
 * Bytes free to this user on the file system of the folder `path` is written in (`path` itself
 * when it is a folder); undefined when it cannot be known: the folder is not there yet (the write
 * says why), or it is a pseudo file system such as /proc, which counts no blocks.
 */
export function freeBytes(path: string): number | undefined {
  const full = resolve(path);
  const folder = existsSync(full) && statSync(full).isDirectory() ? full : dirname(full);
  try {
    if (!statSync(folder).isDirectory()) return undefined;
    const fs = statfsSync(folder);
    return Number(fs.blocks) === 0 ? undefined : Number(fs.bavail) * Number(fs.bsize);
  } catch {
    return undefined;
  }
}

/**
 * Refuses (exit 1, nothing written) a write to `path` when its file system has less than `need`
 * bytes free: a disk found full before the first write, not half-way through a folder of drills.
 */
export function requireFreeSpace(path: string, need: number): void {
  const free = freeBytes(path);
  if (free !== undefined && free < need) throw new WorkError('disk.low', { path, free: sizeForPeople(free), need: sizeForPeople(need) });
}

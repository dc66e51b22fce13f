// Validated playbook files, kept as JSON in the user's cache folder, so that commands other than
// `playbooks validate` do not parse and check the same YAML on every run (BENCHMARKS.md). An
// entry holds the exact texts it was made from and the stamp of the build that checked them, and
// is used only when all are unchanged; a file that does not validate is never cached, so its
// problems are always reported with their positions.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { makeDirs } from '../fsutil.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sec-incident');
}

export function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Identifies the running build: the size and time of the code file this module was loaded from. */
function buildStamp(): string {
  try {
    const { size, mtimeMs } = statSync(fileURLToPath(import.meta.url));
    return `${size}:${mtimeMs}`;
  } catch {
    return 'unknown';
  }
}

/** FNV-1a, 32 bits: names the entry; equality of the stored texts decides a hit. */
function fnv1a(parts: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

interface Entry<T> {
  texts: string[];
  value: T;
}

export interface CacheKey {
  kind: string;
  /** Everything the value depends on: the files' texts (and the build, added here). */
  texts: string[];
}

function entryFile(env: NodeJS.ProcessEnv, key: CacheKey): { file: string; texts: string[] } {
  const texts = [buildStamp(), ...key.texts];
  return { file: join(cacheDir(env), `${key.kind}-${fnv1a(texts)}.json`), texts };
}

export function cacheGet<T>(env: NodeJS.ProcessEnv, key: CacheKey): T | undefined {
  const { file, texts } = entryFile(env, key);
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<Entry<T>>;
    const same = entry.texts?.length === texts.length && entry.texts.every((x, i) => x === texts[i]);
    return same ? entry.value : undefined;
  } catch {
    return undefined; // no entry yet, or a damaged one
  }
}

export function cacheSet<T>(env: NodeJS.ProcessEnv, key: CacheKey, value: T): void {
  const { file, texts } = entryFile(env, key);
  try {
    makeDirs(cacheDir(env), 0o700);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ texts, value } satisfies Entry<T>), { mode: 0o600 });
    renameSync(temp, file); // readers never see half an entry
  } catch {
    // a cache that cannot be written (read-only home) only costs speed
  }
}

/** The cached value for these texts, or load() — whose result is cached when it succeeds. */
export function cached<T>(env: NodeJS.ProcessEnv, key: CacheKey | undefined, load: () => T): T {
  if (!key) return load();
  const hit = cacheGet<T>(env, key);
  if (hit !== undefined) return hit;
  const value = load();
  cacheSet(env, key, value);
  return value;
}

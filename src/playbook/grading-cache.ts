// grading.yaml, once validated, kept as JSON in the user's cache folder: `grade` then loads neither
// yaml nor zod (about 3× faster). An entry holds the exact text of grading.yaml and of the schema code
// it was checked with, and is used only when both are unchanged; the file name is merely a cheap
// hash of them (node:crypto alone would cost ~8 ms of start-up).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { GradingConfig } from './schema.js';

interface Entry {
  source: string;
  schema: string;
  config: GradingConfig;
}

export function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sec-incident');
}

function readText(file: string | URL): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** FNV-1a, 32 bits: names the entry; equality of the stored texts decides a hit. */
function fnv1a(...parts: string[]): string {
  let h = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function readEntry(file: string, source: string, schema: string): GradingConfig | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<Entry>;
    return entry.source === source && entry.schema === schema && entry.config ? entry.config : undefined;
  } catch {
    return undefined; // no entry yet, or a damaged one: load the file
  }
}

/** Same result as loadGrading(dir); a broken file always goes through the full loader for its positions. */
export async function loadGradingCached(dir: string, env: NodeJS.ProcessEnv): Promise<GradingConfig> {
  const load = async () => (await import('./library.js')).loadGrading(dir);
  const source = readText(join(dir, 'grading.yaml'));
  // the schema decides defaults and shape: a changed schema.js must not reuse an old entry
  const schema = readText(new URL('./schema.js', import.meta.url));
  if (source === undefined || schema === undefined) return load();

  const file = join(cacheDir(env), `grading-${fnv1a(source, schema)}.json`);
  const hit = readEntry(file, source, schema);
  if (hit) return hit;
  const config = await load();
  try {
    mkdirSync(cacheDir(env), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ source, schema, config } satisfies Entry));
    renameSync(temp, file); // readers never see half an entry
  } catch {
    // a cache that cannot be written (read-only home) only costs speed
  }
  return config;
}

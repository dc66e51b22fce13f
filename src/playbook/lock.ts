// Reviewed playbooks are locked (issue 17, finding 13): `playbooks lock` records each file's
// sha256 and the reviewer in playbooks/lock.yaml; open/start warn when a file in use differs, and
// `validate --locked` fails — a playbook cut short (still valid YAML) or half-edited is caught.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { LIMITS, readBoundedBytes, readBoundedText } from '../fsutil.js';
import { sha256 } from './library.js';

export const LOCK_FILE = 'lock.yaml';

export interface PlaybookLock {
  reviewer: string;
  at: string;
  /** `playbooks/<file>` and `templates/<file>` → sha256. */
  files: Record<string, string>;
}

/** The files a lock covers: the playbook folder's YAML (the lock aside) and the templates. */
function lockedFiles(playbooksDir: string, templatesDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const take = (dir: string, prefix: string, pattern: RegExp) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).filter((f) => pattern.test(f) && f !== LOCK_FILE).sort()) files[`${prefix}/${name}`] = join(dir, name);
  };
  take(playbooksDir, 'playbooks', /\.ya?ml$/);
  take(templatesDir, 'templates', /\.(zh|en)\.md$/);
  return files;
}

export function writeLock(playbooksDir: string, templatesDir: string, reviewer: string, now: number): PlaybookLock {
  const files: Record<string, string> = {};
  for (const [key, file] of Object.entries(lockedFiles(playbooksDir, templatesDir))) files[key] = sha256(readBoundedBytes(file, LIMITS.yaml));
  const lock = { reviewer, at: new Date(now).toISOString(), files };
  writeFileSync(join(playbooksDir, LOCK_FILE), `# written by \`sec-incident playbooks lock\`: the reviewed files and their sha256\n${stringify(lock)}`, { mode: 0o644 });
  return lock;
}

export function readLock(playbooksDir: string): PlaybookLock | undefined {
  const file = join(playbooksDir, LOCK_FILE);
  if (!existsSync(file)) return undefined;
  const value = parse(readBoundedText(file, LIMITS.yaml)) as Partial<PlaybookLock> | null;
  return { reviewer: String(value?.reviewer ?? ''), at: String(value?.at ?? ''), files: (value?.files ?? {}) as Record<string, string> };
}

/** The files that differ from the lock: changed, added since, or locked and now missing. Undefined without a lock. */
export function lockDrift(playbooksDir: string, templatesDir: string): string[] | undefined {
  const lock = readLock(playbooksDir);
  if (!lock) return undefined;
  const present = lockedFiles(playbooksDir, templatesDir);
  const differ: string[] = [];
  for (const [key, file] of Object.entries(present)) {
    let digest: string | undefined;
    try {
      digest = sha256(readBoundedBytes(file, LIMITS.yaml));
    } catch {
      digest = undefined;
    }
    if (lock.files[key] !== digest) differ.push(key);
  }
  for (const key of Object.keys(lock.files)) if (!(key in present)) differ.push(key);
  return differ.sort();
}

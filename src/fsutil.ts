// File-system helpers shared by the edges (store, report, cache).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

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

// Before any test: the e2e tests spawn dist/bundle and the in-process ones load dist/cli.js, so a
// dist/ older than src/ would test yesterday's code. Rebuild then, or stop the run saying why.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

/** The newest modification time of the files under a folder (0 for none). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** The outputs the tests run: the tsc build and the bundle. */
const OUTPUTS = [join(ROOT, 'dist', 'cli.js'), join(ROOT, 'dist', 'bundle', 'main.js')];

export function stale(): boolean {
  if (OUTPUTS.some((file) => !existsSync(file))) return true;
  const built = Math.min(...OUTPUTS.map((file) => statSync(file).mtimeMs));
  const inputs = Math.max(newest(join(ROOT, 'src')), ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(ROOT, f)).mtimeMs));
  return inputs > built;
}

export default function setup(): void {
  if (!stale()) return;
  process.stderr.write('dist/ is older than src/: rebuilding (npm run build)…\n');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    throw new Error('dist/ is older than src/ and `npm run build` failed: the tests would run stale code, so none are run');
  }
  if (stale()) throw new Error('dist/ is still older than src/ after `npm run build`: check the build writes dist/cli.js and dist/bundle/main.js');
}

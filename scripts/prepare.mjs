// `prepare` runs after `npm ci` (build the tool) — and also when `npx sec-incident` is typed in
// the checkout: npm then installs this folder into its npx cache and runs `prepare` again, which
// used to rebuild for seconds and delete dist/bundle under anyone using it (issue 16). Under
// `npm exec`/`npx` a build that is up to date is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, 'dist', 'bundle', 'main.js');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(root, p)).filter(existsSync);
const upToDate = existsSync(built) && Math.max(...sources.map(newest)) <= statSync(built).mtimeMs;

if (process.env.npm_command === 'exec' && upToDate) process.exit(0);
const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);

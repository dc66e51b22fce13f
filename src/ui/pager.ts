// Text taller than the terminal goes through a pager ($PAGER, else less), so the walk's status
// can be read from its top on a 24-line screen (issue 16). Anything else is printed as it is.
import { spawnSync } from 'node:child_process';

/** Whether `text` needs a pager on a screen of `rows` lines (the prompt below keeps two). */
export function taller(text: string, rows: number | undefined): boolean {
  return rows !== undefined && rows > 0 && text.split('\n').length > rows - 2;
}

/** Shows `text` through the pager; false when there is none to run (then the caller prints it). */
export function throughPager(text: string, env: NodeJS.ProcessEnv): boolean {
  const pager = env.PAGER?.trim();
  // -R colours, -F quit when it fits after all, -X leave it on the screen, -K Ctrl-C quits
  const r = pager
    ? spawnSync(pager, { input: text, stdio: ['pipe', 'inherit', 'inherit'], shell: true })
    : spawnSync('less', ['-R', '-F', '-X', '-K'], { input: text, stdio: ['pipe', 'inherit', 'inherit'] });
  return !r.error && r.status !== 127;
}

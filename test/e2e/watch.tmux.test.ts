// `watch` in a real terminal: the board shows the open incident and its next due steps, fits 80
// columns, and changes when another process records a step. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { displayWidth } from '../../src/ui/table.js';
import { BIN, cli, json, PLAYBOOKS, tempDir } from '../helpers.js';

const dir = tempDir('watch-tmux-');
const db = join(dir, 'audit.db');
const socket = `sec-incident-watch-${process.pid}`;
const tmux = (...args: string[]) => {
  const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
};
afterAll(() => spawnSync('tmux', ['-L', socket, 'kill-server']));

async function waitFor(test: (screen: string) => boolean, what: string): Promise<string> {
  const until = Date.now() + 20_000;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-J');
    if (test(screen)) return screen;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen shows:\n${screen}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('shows the board, within 80 columns, and updates when another process records a step', async () => {
  const opened = cli(['open', '--type', 'trading-outage', '--title', '手机APP登录失败，大量客户无法完成委托交易', '--indicator', 'eventLevel=2', '--impact', 'partial', '--var', 'systems=app', '--json', '--db', db]);
  expect(opened.code, opened.stderr).toBe(0);
  const { id } = json(opened);
  const status = json(cli(['status', id, '--json', '--db', db]));
  const next = status.steps.filter((s: any) => s.status === 'pending' && s.dueAt).sort((a: any, b: any) => a.dueAt.localeCompare(b.dueAt))[0];

  const env = `env -i PATH="$PATH" TERM=xterm HOME='${dir}' NO_COLOR=1 LANG=en_US.UTF-8 SEC_INCIDENT_PLAYBOOKS='${PLAYBOOKS}'`;
  tmux('new-session', '-d', '-x', '80', '-y', '24', `${env} '${process.execPath}' '${BIN}' watch --db '${db}'; sleep 600`);
  const board = await waitFor((s) => s.includes(id) && s.includes(next.id), 'the board');
  expect(board).toMatch(/sec-incident watch · \d\d:\d\d · 1 open incident\(s\)/);
  expect(board).toMatch(new RegExp(`${next.id}\\s+due in .*\\((?:\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d\\)`));
  for (const line of board.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);

  const done = cli(['step', id, next.id, 'done', '--note', 'done from another terminal', '--db', db]);
  expect(done.code, done.stderr).toBe(0);
  await waitFor((s) => s.includes(id) && !new RegExp(`^  ${next.id} `, 'm').test(s), 'the step to leave the board');
});

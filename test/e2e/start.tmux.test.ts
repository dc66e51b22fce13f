// The built CLI in a real terminal: tmux runs `sec-incident start`/`resume`, the test reads the
// screen and presses keys like a responder would. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, FIXTURES, json, PLAYBOOKS, TEMPLATES, tempDir } from '../helpers.js';
import { pgSchemas, pgUrl } from '../support/pg.js';

let sockets = 0;

/** One terminal: its own tmux server (-L), 120×40 unless told, the CLI with a clean environment. */
class Terminal {
  readonly socket = `sec-incident-e2e-${process.pid}-${++sockets}`;
  constructor(
    readonly dir: string,
    readonly db: string,
    readonly lang = 'en_US.UTF-8',
    /** More of the environment (a library of its own, $EDITOR), as VAR=value. */
    readonly extra: Record<string, string> = {},
  ) {}

  tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  }

  start(args: string[], columns = 120, rows = 40): void {
    const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const env = `env -i PATH="$PATH" TERM="$TERM" HOME='${this.dir}' NO_COLOR=1 LANG='${this.lang}' SEC_INCIDENT_DB='${this.db}' SEC_INCIDENT_PLAYBOOKS='${PLAYBOOKS}' SEC_INCIDENT_TEMPLATES='${TEMPLATES}'${Object.entries(this.extra).map(([k, v]) => ` ${k}='${v}'`).join('')}`;
    // the pane stays after the CLI exits, so the exit code can be read from the screen
    const command = `${env} '${process.execPath}' '${BIN}' ${quoted}; echo "[exit $?]"; sleep 600`;
    this.tmux('new-session', '-d', '-x', String(columns), '-y', String(rows), '-c', this.dir, command);
  }

  /** The visible screen, wrapped lines joined. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J');
  }

  /** The visible screen as the terminal drew it: a wrapped line stays two lines. */
  rawScreen(): string {
    return this.tmux('capture-pane', '-p');
  }

  /** Everything printed so far, scrollback included. */
  history(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-');
  }

  async waitFor(test: (screen: string) => boolean, what: string, timeout = 10_000): Promise<string> {
    const until = Date.now() + timeout;
    for (;;) {
      const screen = this.history();
      if (test(screen)) return screen;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the screen shows:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  }

  waitForText(text: string | RegExp, timeout?: number): Promise<string> {
    return this.waitFor((s) => (typeof text === 'string' ? s.includes(text) : text.test(s)), String(text), timeout);
  }

  /** The question being asked now: the last line that starts with "? ". */
  activeQuestion(): string {
    return this.screen().split('\n').filter((l) => l.startsWith('? ')).at(-1) ?? '';
  }

  private answered(question: string): number {
    return this.history().split('\n').filter((l) => l.startsWith(`✔ ${question}`)).length;
  }

  /** Waits for `question`, sends the keys, and waits until the answer is taken. */
  async answer(question: string, keys: { text?: string; keys?: string[] }): Promise<void> {
    await this.waitFor(() => this.activeQuestion().startsWith(`? ${question}`), `the question "${question}"`);
    const before = this.answered(question);
    if (keys.text) this.tmux('send-keys', '-l', keys.text);
    for (const key of keys.keys ?? ['Enter']) this.tmux('send-keys', key);
    await this.waitFor(() => this.answered(question) > before, `an answer to "${question}"`);
  }

  /** Picks a choice by its label: types the number or the letter the menu shows for it, then Enter. */
  async choose(question: string, label: string): Promise<void> {
    await this.waitFor(() => this.activeQuestion().startsWith(`? ${question}`), `the question "${question}"`);
    // a numbered choice starts its line; a lettered one may stand in the menu's second column
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^[ ❯]+(\\d+)\\. ${escaped}|(?:^|\\s)([a-z])\\) ${escaped}`);
    const match = this.screen()
      .split('\n')
      .map((l) => pattern.exec(l))
      .find(Boolean);
    const n = match ? (match[1] ?? match[2]) : undefined;
    if (!n) throw new Error(`no choice "${label}" for "${question}"; the screen shows:\n${this.screen()}`);
    await this.answer(question, { text: n });
  }

  /** The id in the title line of the step card now shown. */
  currentStep(): string {
    const lines = this.screen().split('\n').filter((l) => /^\[.+\] .+ \([a-z0-9-]+(#\d+)?\)$/.test(l));
    return /\(([a-z0-9-]+(?:#\d+)?)\)$/.exec(lines.at(-1) ?? '')?.[1] ?? '';
  }

  kill(): void {
    const socket = spawnSync('tmux', ['-L', this.socket, 'display-message', '-p', '#{socket_path}'], { encoding: 'utf8' }).stdout.trim();
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    if (socket) rmSync(socket, { force: true });
  }
}

const terminals: Terminal[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.kill();
});

function terminal(lang?: string, db?: string, extra?: Record<string, string>): Terminal {
  const dir = tempDir();
  const t = new Terminal(dir, db ?? join(dir, 'audit.db'), lang, extra);
  terminals.push(t);
  return t;
}

function status(t: Terminal, id: string) {
  const r = cli(['status', id, '--json'], { env: { SEC_INCIDENT_DB: t.db } });
  expect(r.code).toBe(0);
  return json<{ id: string; tier: string; direction: string; state: string; steps: { id: string; status: string; late: boolean }[] }>(r);
}

const incidentId = (screen: string) => /Opened (INC-\d{8}-\d{3})/.exec(screen)?.[1] ?? '';

const MODERATE = [
  'start',
  '--type', 'trading-outage',
  '--title', 'Trade confirmations delayed',
  '--indicator', 'eventLevel=2',
  '--indicator', 'propagation=1',
  '--indicator', 'durationTrend=1',
  '--metric', 'affectedClients=20000',
  '--impact', 'partial',
  '--var', 'systems=the mobile app',
  '--var', 'eta=by 11:30',
];

/** The opening questions MODERATE leaves: the tier, the optional variables, who was reached. */
async function open(t: Terminal): Promise<string> {
  await t.choose('Tier', 'Accept tier moderate');
  await t.answer('When did the fault begin?', { text: '' });
  await t.answer('When did we learn of it?', {});
  for (const v of ['Verified cause', 'Remedial measures', 'Loss verification', 'Alternative channels']) await t.answer(v, {});
  await t.waitForText('Teams activated at tier moderate (5):');
  await t.answer('Who did you reach?', { keys: ['a', 'Enter'] });
  return incidentId(t.history());
}

beforeAll(() => {
  const probe = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('tmux is required for the terminal tests (CI installs it): install tmux, e.g. `apt-get install tmux`');
  }
});

describe('sec-incident start in a real terminal (tmux)', () => {
  it('walks a moderate trading outage to close', async () => {
    const t = terminal();
    t.start(MODERATE);
    const id = await open(t);
    expect(id).toMatch(/^INC-\d{8}-\d{3}$/);
    const walked: string[] = [];
    for (let turn = 0; turn < 40; turn++) {
      await t.waitFor(() => /^\? (What now\?|Close the incident now\?)/.test(t.activeQuestion()), 'the next step or the close');
      if (t.activeQuestion().startsWith('? Close the incident now?')) break;
      const step = t.currentStep();
      walked.push(step);
      if (step.includes('#')) {
        // the next monitoring round: service is back, so mark it recovered instead
        await t.choose('What now?', 'Mark service recovered');
        await t.answer('When did service come back?', {});
        await t.answer('Recovery note', { text: 'verified by the business side' });
        continue;
      }
      await t.choose('What now?', 'Done');
      await t.waitFor(() => t.activeQuestion().startsWith('? Note'), 'the note');
      const required = t.activeQuestion().startsWith('? Note (required');
      await t.answer('Note', required ? { text: `evidence for ${step}` } : {});
    }
    await t.answer('Close the incident now?', { text: 'y' });
    await t.answer('Closing summary', { text: 'service restored' });
    await t.answer('Write the post-incident report', { text: 'y' });
    await t.answer('Report file', {}); // the offered name, in the working folder
    const screen = await t.waitForText('[exit 0]');
    const report = join(t.dir, `${id}-report.md`);
    expect(screen).toContain(`Report written to ${report}`);
    expect(readFileSync(report, 'utf8')).toContain(id);
    expect(screen).toContain(`${id} closed at`);
    expect(screen).toContain('Every applicable step is done, skipped or withdrawn.');
    expect(walked.slice(0, 4)).toEqual(['confirm-grading', 'activate-teams', 'notify-leadership', 'it-diagnosis']); // the most urgent first
    expect(walked).toContain('monitoring-sweep#2');

    const s = status(t, id);
    expect(s).toMatchObject({ id, tier: 'moderate', direction: 'B', state: 'closed' });
    expect(s.steps.filter((x) => x.status === 'pending')).toEqual([]);
    expect(s.steps.filter((x) => x.status === 'done').map((x) => x.id)).toEqual(expect.arrayContaining(['notify-leadership', 'holding-statement', 'summary-report']));
    expect(s.steps.find((x) => x.id === 'monitoring-sweep#2')?.status).toBe('withdrawn');
  }, 120_000); // forty turns of a real terminal: minutes on a loaded 2-core machine

  it('an escalation mid-run brings in new teams and steps', async () => {
    const t = terminal();
    t.start([
      'start', '--type', 'trading-outage', '--title', 'Slow logins', '--impact', 'partial',
      '--indicator', 'eventLevel=1', '--indicator', 'impactScope=2', '--indicator', 'propagation=1', '--indicator', 'durationTrend=1',
      '--var', 'systems=app', '--var', 'eta=', '--var', 'cause=', '--var', 'measures=', '--var', 'compensation=', '--var', 'channels=',
    ]);
    await t.choose('Tier', 'Accept tier mild');
    await t.answer('When did the fault begin?', {});
    await t.answer('When did we learn of it?', {});
    await t.waitForText('Teams activated at tier mild (2):');
    await t.answer('Who did you reach?', { keys: ['a', 'Enter'] });
    const id = incidentId(t.history());
    await t.waitFor(() => t.currentStep() === 'confirm-grading', 'the first step');
    expect(t.screen()).toContain('tier mild · direction B');

    await t.choose('What now?', 'Regrade with new signals');
    await t.choose('What changed?', 'Propagation: level 1');
    await t.choose('Propagation: which level fits best?', 'I have figures');
    await t.answer('Reposts', { text: '150000' });
    await t.answer('Views', {});
    await t.choose('What changed?', 'Impact scope: level 2');
    await t.choose('Impact scope: which level fits best?', 'Many clients');
    await t.choose('What changed?', 'Event level: level 1');
    await t.choose('Event level: which level fits best?', 'A CSRC "relatively major" incident');
    await t.choose('What changed?', 'Apply (3 change(s))');
    await t.waitForText(/Score: 10[\s\S]*Tier: severe/);
    await t.choose('Tier', 'Accept tier severe');
    await t.answer('Reason for the regrade', { text: 'trending on Weibo' });
    const screen = await t.waitForText('Teams activated at tier severe (3):');
    expect(screen).toContain('Tier mild → severe');
    expect(screen).toMatch(/New steps \(\d+\):[\s\S]*Convene the emergency leadership group \(convene-leadership\) — due in 1 h 0 min/);
    expect(screen).toMatch(/Due times brought forward \(\d+\):[\s\S]*\(activate-teams\) — due in 15 min/);
    await t.answer('Who did you reach?', { keys: ['a', 'Enter'] });
    await t.waitFor(() => t.currentStep() === 'confirm-grading' && t.screen().includes('tier severe · direction B'), 'the walk at the new tier');
    await t.choose('What now?', 'Pause');
    expect(await t.waitForText('[exit 0]')).toContain(`sec-incident resume ${id}`);

    const s = status(t, id);
    expect(s).toMatchObject({ tier: 'severe', direction: 'B', state: 'open' });
    const pending = s.steps.filter((x) => x.status === 'pending').map((x) => x.id);
    expect(pending).toEqual(expect.arrayContaining(['convene-leadership', 'trending-watch', 'written-report', 'notify-leadership']));
  }, 30_000);

  it('Ctrl-C loses nothing; resume continues where it stood', async () => {
    const t = terminal();
    t.start(MODERATE);
    const id = await open(t);
    await t.waitFor(() => t.currentStep() === 'confirm-grading', 'the first step');
    await t.choose('What now?', 'Done');
    await t.answer('Note', { text: 'tier confirmed with IT' });
    await t.waitFor(() => t.currentStep() === 'activate-teams', 'the second step');
    await t.choose('What now?', 'Add a note');
    await t.answer('Note', { text: 'bridge open on 8001' });
    await t.waitForText('Note recorded.');
    await t.waitFor(() => t.activeQuestion().startsWith('? What now?'), 'the menu again');
    t.tmux('send-keys', 'C-c');
    const interrupted = await t.waitForText('[exit 130]');
    expect(interrupted).toContain(`Interrupted. Everything already confirmed is recorded; continue with: sec-incident resume ${id} --db ${t.db}`);
    const before = status(t, id);
    expect(before.steps.find((x) => x.id === 'confirm-grading')?.status).toBe('done');

    const again = new Terminal(t.dir, t.db);
    terminals.push(again);
    again.start(['resume', id]);
    await again.waitForText(`Resuming ${id}: Trade confirmations delayed`);
    await again.waitFor(() => again.currentStep() === 'activate-teams', 'the step it stood at');
    expect(again.screen()).toMatch(/Notes:\n.*bridge open on 8001/);
    expect(again.history()).not.toContain('Who did you reach?'); // answered before the interruption
    await again.choose('What now?', 'Done');
    await again.answer('Note', {});
    await again.waitFor(() => again.currentStep() === 'notify-leadership', 'the next step');
    await again.choose('What now?', 'Pause');
    await again.waitForText('[exit 0]');

    const after = status(t, id);
    expect(after.state).toBe('open');
    expect(after.steps.find((x) => x.id === 'confirm-grading')?.status).toBe('done');
    expect(after.steps.find((x) => x.id === 'activate-teams')?.status).toBe('done');
    expect(after.steps.filter((x) => x.status === 'done')).toHaveLength(2);
  }, 30_000);

  it('status, log, list and playbooks show fit an 80-column terminal: no line wraps, every step is shown', async () => {
    const t = terminal();
    const opened = cli(['open', '--json', ...MODERATE.slice(1)], { env: { SEC_INCIDENT_DB: t.db } });
    expect(opened.code).toBe(0);
    const id = json<{ id: string }>(opened).id;
    t.start(['status', id], 80);
    const screen = await t.waitForText('[exit 0]');
    // -J joins what the terminal wrapped: a joined line wider than the pane had wrapped
    const wrapped = screen.split('\n').filter((l) => l.length > 80);
    expect(wrapped).toEqual([]);
    for (const step of status(t, id).steps) expect(screen).toMatch(new RegExp(`^  ${step.id} +pending +`, 'm'));
    expect(screen).toMatch(/^Emergency handling and regulatory reporting\n {2}it-diagnosis +pending +due in \d+ min \((?:\d{4}-\d\d-\d\d )?\d\d:\d\d\)\n {6}Diagnose/m);

    for (const args of [['log', id], ['list'], ['playbooks', 'show', 'trading-outage']]) {
      const other = new Terminal(t.dir, t.db);
      terminals.push(other);
      other.start(args, 80);
      const shown = await other.waitForText('[exit 0]');
      expect(shown.split('\n').filter((l) => l.length > 80), args.join(' ')).toEqual([]);
      expect(shown).toContain(args[0] === 'playbooks' ? 'holding-statement' : id);
    }
  }, 30_000);

  describe.each([
    {
      lang: 'en_US.UTF-8',
      tier: 'Tier',
      accept: 'Accept tier moderate',
      began: 'When did the fault begin?',
      learnt: 'When did we learn of it?',
      reach: 'Who did you reach?',
      action: 'What now?',
      opened: 'Opened',
      indicators: ['Event level', 'Impact scope', 'Propagation', 'Duration and trend'],
      unknown: '"9" is not one of the letters',
      hint: 'Type a letter (',
    },
    {
      lang: 'zh_CN.UTF-8',
      tier: '舆情级别',
      accept: '确认级别：中度',
      began: '故障何时开始？',
      learnt: '我们何时发现？',
      reach: '已联系到哪些人？',
      action: '下一步？',
      opened: '已创建',
      indicators: ['事件等级', '影响范围', '传播范围', '持续时间 / 态势'],
      unknown: '“9”不是可选的字母',
      hint: '输入字母（',
    },
  ])('at 80×24 in $lang', (l) => {
    it('the grading table has a line per indicator; the opening screen shows the id and the resume hint whole; a stray digit then Enter records nothing', async () => {
      const t = terminal(l.lang);
      t.start([...MODERATE, '--indicator', 'impactScope=3', '--var', 'cause=', '--var', 'measures=', '--var', 'compensation=', '--var', 'channels='], 80, 24);
      await t.waitFor(() => t.activeQuestion().startsWith(`? ${l.tier}`), 'the tier question');
      const table = t.rawScreen().split('\n');
      for (const name of l.indicators) {
        // drawn on one terminal line, the level right after the name
        expect(table.filter((line) => line.startsWith(name)), name).toHaveLength(1);
        expect(table.find((line) => line.startsWith(name)), name).toMatch(/^\S.*?\s{2,}\d\s{2,}/);
      }
      await t.choose(l.tier, l.accept);
      await t.answer(l.began, {});
      await t.answer(l.learnt, {});
      await t.waitFor(() => t.activeQuestion().startsWith(`? ${l.reach}`), 'who was reached');
      const opening = t.rawScreen();
      const id = new RegExp(`${l.opened} (INC-\\d{8}-\\d{3})`).exec(opening)?.[1];
      expect(id, opening).toMatch(/^INC-\d{8}-\d{3}$/);
      // the resume command on a line of its own, with the database, uncut
      expect(opening.split('\n').map((line) => line.trim())).toContain(`sec-incident resume ${id} --db ${t.db}`);
      await t.answer(l.reach, { keys: ['a', 'Enter'] });

      await t.waitFor(() => t.activeQuestion().startsWith(`? ${l.action}`) && t.currentStep() === 'confirm-grading', 'the first card');
      t.tmux('send-keys', '-l', '9');
      t.tmux('send-keys', 'Enter');
      await t.waitForText(l.unknown);
      t.tmux('send-keys', 'Enter');
      await t.waitFor(() => t.screen().includes(l.hint), 'the hint');
      const s = status(t, id!);
      expect(s.steps.find((x) => x.id === 'confirm-grading')?.status).toBe('pending');
      expect(s.steps.filter((x) => x.status !== 'pending')).toEqual([]);
      t.tmux('send-keys', '-l', 'p');
      t.tmux('send-keys', 'Enter');
      expect(await t.waitForText('[exit 0]')).toContain(`sec-incident resume ${id}`);
      const log = cli(['log', id!, '--json'], { env: { SEC_INCIDENT_DB: t.db } });
      expect(json<{ type: string }[]>(log).map((e) => e.type).filter((type) => type.startsWith('step.'))).toEqual([]);
    }, 30_000);
  });
});

describe('working together: what another responder records while the menu is open (issue 13)', () => {
  const pgs = pgSchemas('tmux');

  /** The walk waits at its menu; `sec-incident step` in another process completes its card. */
  async function others(t: Terminal): Promise<void> {
    t.start(MODERATE);
    const id = await open(t);
    await t.waitFor(() => t.currentStep() === 'confirm-grading' && t.activeQuestion().startsWith('? What now?'), 'the first card');
    const desk = cli(['step', id, 'confirm-grading', 'done', '--note', 'confirmed from the desk', '--actor', '李四'], { env: { SEC_INCIDENT_DB: t.db } });
    expect(desk.code).toBe(0);
    // no key pressed: the menu gives way, the line comes above the next card — judged on one
    // capture of the scrollback, so a screen read a moment later cannot disagree with it
    const line = /^(?:[\d-]+ )?\d\d:\d\d 李四 \([^)]+\): done: confirm-grading — confirmed from the desk(?: — .*)?$/m;
    const lineThenCard = (history: string) => {
      const at = history.search(line);
      return at >= 0 && history.lastIndexOf('(activate-teams)') > at && /^\? What now\?/m.test(history.slice(history.lastIndexOf('(activate-teams)')));
    };
    await t.waitFor(lineThenCard, 'the desk’s line, then the next card and its menu');

    // a note being typed is never thrown away: the prompt stays, the line comes after it
    await t.choose('What now?', 'Add a note');
    await t.waitFor(() => t.activeQuestion().startsWith('? Note'), 'the note');
    t.tmux('send-keys', '-l', 'half typed');
    expect(cli(['step', id, 'notify-leadership', 'done', '--note', 'leaders told', '--actor', '王五'], { env: { SEC_INCIDENT_DB: t.db } }).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1_500)); // beyond a poll: the walk has heard of it by now
    expect(t.activeQuestion()).toMatch(/^\? Note.*half typed/);
    t.tmux('send-keys', 'Enter');
    const told = /^(?:[\d-]+ )?\d\d:\d\d 王五 \([^)]+\): done: notify-leadership/m;
    const after = await t.waitForText(told);
    expect(after.lastIndexOf('Note recorded.')).toBeGreaterThan(0);
    expect(after.lastIndexOf('Note recorded.')).toBeLessThan(after.search(told));
    await t.waitFor(() => t.activeQuestion().startsWith('? What now?'), 'the menu again');
    await t.choose('What now?', 'Pause');
    await t.waitForText('[exit 0]');
    const s = status(t, id);
    expect(s.steps.filter((x) => x.id === 'confirm-grading' || x.id === 'notify-leadership').map((x) => x.status)).toEqual(['done', 'done']);
  }

  it('on SQLite (the head polled)', async () => {
    await others(terminal());
  }, 30_000);

  it('on PostgreSQL (LISTEN/NOTIFY)', async () => {
    const url = pgUrl({ schema: pgs.schema() });
    expect(cli(['db', 'init', '--role', 'responders', '--db', url]).code).toBe(0);
    const t = new Terminal(tempDir(), url);
    terminals.push(t);
    await others(t);
  }, 30_000);
});

describe('sign-off in two terminals (SPEC §9)', () => {
  it('the author drafts in $EDITOR and sees it await approval; another member approves in their walk; the author picks it up and publishes', async () => {
    const library = join(FIXTURES, 'approvals');
    const tools = tempDir();
    const editor = join(tools, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nprintf "We will say more at 11:00.\\n" >> "$1"\n', { mode: 0o755 });
    const db = join(tools, 'audit.db');
    const extra = { SEC_INCIDENT_PLAYBOOKS: join(library, 'playbooks'), SEC_INCIDENT_TEMPLATES: join(library, 'templates'), EDITOR: editor };
    const opened = cli(['open', '--type', 'outage', '--title', 'Orders stuck', '--var', 'systems=the mobile app', '--json', '--db', db], { env: extra });
    const id = json(opened).id as string;

    const author = terminal(undefined, db, extra);
    author.start(['resume', id, '--actor', '张三']);
    await author.answer('Who did you reach?', { keys: ['a', 'Enter'] });
    await author.choose('What now?', 'Done'); // confirm-grading, due first
    await author.answer('Note', {});
    await author.waitFor(() => author.currentStep() === 'holding-statement', 'the statement card');
    await author.choose('What now?', 'Draft the statement (opens $EDITOR)');
    await author.waitForText(/Awaiting approval: Emergency leadership group \(draft 1, by 张三 \d\d:\d\d\)/);

    const approver = terminal(undefined, db, extra);
    approver.start(['resume', id, '--actor', '李四']);
    await approver.answer('Who did you reach?', { keys: ['a', 'Enter'] });
    await approver.waitForText('Awaiting your approval: holding-statement');
    await approver.waitForText('We will say more at 11:00.'); // the draft is shown before it is signed
    await approver.choose('What now?', 'Approve draft 1');
    await approver.waitForText(/Approved by 李四 \(draft 1, by 张三/);
    await approver.choose('What now?', 'Pause (resume later)');
    await approver.waitForText('[exit 0]');

    // the author's walk reads the log again at its next card: the approval is there
    await author.choose('What now?', 'Show status');
    await author.waitFor((s) => /Approved by 李四 \(draft 1, by 张三/.test(s), 'the approval on the author\'s card');
    await author.choose('What now?', 'Done');
    await author.answer('Note', {});
    await author.answer('Close the incident now?', { text: 'n' });
    await author.choose('Nothing is pending. What now?', 'Pause (resume later)');
    await author.waitForText('[exit 0]');
    const s = status(author, id);
    expect(s.steps.find((x) => x.id === 'holding-statement')?.status).toBe('done');
    expect((s as any).approvals[0]).toMatchObject({ step: 'holding-statement', status: 'published', author: '张三', approvals: [expect.objectContaining({ member: '李四', claimed: true })] });
  }, 60_000);
});

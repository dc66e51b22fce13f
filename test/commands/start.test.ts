// Command tests of `start`/`resume`: the real walk, engine and store on a temporary database, with
// the prompt module replaced by scripted answers.
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { incidents } from '../../src/app/incidents.js';
import { resume, run } from '../../src/commands/start.js';
import type { Context } from '../../src/context.js';
import type { IncidentState } from '../../src/engine/fold.js';
import { closeIncident, recordStep } from '../../src/engine/decide.js';
import { agenda } from '../../src/engine/next.js';
import { statusJson } from '../../src/engine/views.js';
import { CliError, InputError, InterruptedError, WorkError } from '../../src/errors.js';
import { messages, type Lang } from '../../src/i18n/messages.js';
import type { CheckboxQuestion, ConfirmQuestion, InputQuestion, Prompter, SelectQuestion } from '../../src/ui/prompts.js';
import { openIncidentStore } from '../../src/store/open.js';
import { initSchema } from '../../src/store/postgres/store.js';
import { parsePgTarget } from '../../src/store/postgres/target.js';
import { FIXTURES, PLAYBOOKS, TEMPLATES, tempDir } from '../helpers.js';
import { ownerQuery, pgSchemas, pgUrl } from '../support/pg.js';

type Question = { kind: 'select' | 'input' | 'confirm' | 'checkbox' } & (SelectQuestion<unknown> | InputQuestion | ConfirmQuestion | CheckboxQuestion<unknown>);
type Handler = (q: Question) => unknown;

const INTERRUPT = Symbol('Ctrl-C');

/**
 * An answer that keeps the prompt open while `meanwhile` runs (another responder at work); it
 * closes when the walk asks it to give way, or, holding `typed` text, is answered with that text
 * once the walk has asked (the responder finishes typing after the news came).
 */
interface Waiting {
  waiting: true;
  meanwhile: () => Promise<void>;
  typed?: string;
}
const waitWhile = (meanwhile: () => Promise<void>, typed?: string): (() => Waiting) => () => ({ waiting: true, meanwhile, ...(typed !== undefined ? { typed } : {}) });

const script = vi.hoisted(() => ({
  handler: undefined as undefined | ((q: unknown) => unknown),
  asked: [] as { kind: string; key: string; message: string; choices?: unknown[]; validate?: (v: string) => true | string }[],
  incident: undefined as string | undefined,
  open: undefined as undefined | { typed?: string; resolve: (v: unknown) => void; reject: (e: unknown) => void },
  gaveWay: 0,
}));

vi.mock('../../src/ui/prompts.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/ui/prompts.js')>();
  const answer = async (kind: Question['kind'], q: Question) => {
    script.asked.push({ kind, key: q.key, message: q.message, ...('choices' in q ? { choices: q.choices } : {}), ...('validate' in q ? { validate: q.validate } : {}) });
    let value = await script.handler!({ ...q, kind });
    if (value && typeof value === 'object' && 'waiting' in value) {
      const w = value as Waiting;
      const answered = new Promise((resolve, reject) => {
        script.open = { ...(w.typed !== undefined ? { typed: w.typed } : {}), resolve, reject };
      });
      answered.catch(() => undefined); // it may give way before meanwhile() is through
      await w.meanwhile();
      value = await answered;
    }
    if (value === INTERRUPT) throw new CliInterrupted(real.interruptedMessage(script.incident));
    if (kind === 'input' && 'validate' in q && q.validate) {
      const verdict = q.validate(String(value));
      if (verdict !== true) throw new Error(`scripted answer ${JSON.stringify(value)} to ${q.key} is invalid: ${verdict}`);
    }
    if ((kind === 'select' || kind === 'checkbox') && 'choices' in q) {
      const offered = (q.choices as { value?: unknown; disabled?: unknown }[]).filter((c) => 'value' in c && !c.disabled).map((c) => JSON.stringify(c.value));
      const given = kind === 'select' ? [value] : (value as unknown[]);
      for (const v of given) if (!offered.includes(JSON.stringify(v))) throw new Error(`${q.key}: ${JSON.stringify(v)} is not offered (${offered.join(', ')})`);
    }
    return value;
  };
  const { InterruptedError: CliInterrupted } = await import('../../src/errors.js');
  return {
    ...real,
    createPrompter: (ctx: Context, options: { command: 'start' | 'resume' }): Prompter => {
      real.requireTerminal(ctx, options.command);
      script.incident = undefined;
      return {
        select: (q) => answer('select', { ...q, kind: 'select' } as Question) as never,
        input: (q) => answer('input', { ...q, kind: 'input' } as Question) as never,
        confirm: (q) => answer('confirm', { ...q, kind: 'confirm' } as Question) as never,
        checkbox: (q) => answer('checkbox', { ...q, kind: 'checkbox' } as Question) as never,
        resumable: (id) => {
          script.incident = id;
        },
        giveWay: () => {
          const open = script.open;
          if (!open) return false;
          script.open = undefined;
          if (open.typed !== undefined) {
            open.resolve(open.typed);
            return false;
          }
          script.gaveWay++;
          open.reject(new real.PromptGaveWay());
          return true;
        },
      };
    },
  };
});

const T0 = Date.parse('2026-03-16T09:31:00+08:00'); // a Monday, a trading morning
const MIN = 60_000;

interface Run {
  ctx: Context;
  output: string[];
  errors: string[];
  clock: { now: number };
}

function setup(lang: Lang = 'en', db = join(tempDir(), 'audit.db')): Run {
  const output: string[] = [];
  const errors: string[] = [];
  const clock = { now: T0 };
  const ctx: Context = {
    lang,
    messages: messages(lang),
    color: false,
    db,
    playbooksDir: PLAYBOOKS,
    templatesDir: TEMPLATES,
    timezone: 'Asia/Shanghai',
    firm: { name: 'Test Securities', hotline: '95500' },
    json: false,
    out: (text) => output.push(text),
    err: (text) => errors.push(text),
    now: () => clock.now,
    env: {},
    cwd: process.cwd(),
    queued: new Set(),
    stdinIsTTY: true,
    stdoutIsTTY: true,
  };
  return { ctx, output, errors, clock };
}

/** The fault's own times (SPEC §4.2), answered "now" (Enter) unless a script names them. */
const FAULT_TIMES = new Set(['startedAt', 'discoveredAt']);

/** Answers by question key, in order; every answer moves the clock on by 20 seconds. */
function answers(r: Run, list: [string, unknown][]): Handler {
  return (q) => {
    if (FAULT_TIMES.has(q.key) && list[0]?.[0] !== q.key) return '';
    const next = list.shift();
    if (!next) throw new Error(`no scripted answer left for ${q.key} (${q.message})`);
    if (next[0] !== q.key) throw new Error(`expected question ${next[0]}, was asked ${q.key} (${q.message})`);
    r.clock.now += 20_000;
    return typeof next[1] === 'function' ? (next[1] as () => unknown)() : next[1];
  };
}

/** The opening questions left after FLAGS: the tier decision and the variables FLAGS does not give. */
const OPENING: [string, unknown][] = [
  ['tier.decision', 'accept'],
  ['var.cause', ''],
  ['var.measures', ''],
  ['var.compensation', ''],
  ['var.channels', ''],
];

const everyone = (q: Question) => (q as CheckboxQuestion<unknown>).choices.filter((c) => 'value' in c).map((c) => (c as { value: unknown }).value);

async function load(r: Run, id: string): Promise<IncidentState> {
  const service = await incidents(r.ctx, true);
  try {
    return await service.load(id);
  } finally {
    await service.store.close();
  }
}

/** What an error says to an English-speaking user. */
const said = (error: unknown) => messages('en').error(error);
const openedId = (r: Run) => /INC-\d{8}-\d{3}/.exec(r.output.join('\n'))?.[0] ?? '';
const keys = () => script.asked.map((q) => q.key);

const FLAGS = {
  type: 'trading-outage',
  title: 'Trade confirmations delayed',
  indicator: ['eventLevel=2', 'propagation=1', 'durationTrend=1'],
  metric: ['affectedClients=20000'],
  impact: 'partial',
  var: ['systems=the mobile app', 'eta=by 11:30'],
};

beforeEach(() => {
  script.asked.length = 0;
  script.handler = undefined;
  script.open = undefined;
  script.gaveWay = 0;
});

describe('start: the opening questions', () => {
  it('asks only what the flags did not give', async () => {
    const r = setup();
    script.handler = answers(r, [
      ['indicator.propagation', 'metrics'],
      ['metric.reposts', '300'],
      ['metric.views', ''],
      ['indicator.durationTrend', 'unknown'],
      ['tier.decision', 'accept'],
      ['var.systems', 'the mobile app'],
      ['var.eta', ''],
      ['var.cause', ''],
      ['var.measures', ''],
      ['var.compensation', ''],
      ['var.channels', 'telephone orders'],
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'pause'],
    ]) as never;
    const code = await run(r.ctx, [], { type: 'trading-outage', title: 'Login failures', indicator: ['eventLevel=2'], metric: ['affectedClients=20000'], impact: 'partial' });
    expect(code).toBe(0);
    expect(keys()).not.toContain('type');
    expect(keys()).not.toContain('title');
    expect(keys()).not.toContain('indicator.eventLevel');
    expect(keys()).not.toContain('indicator.impactScope'); // covered by the affectedClients metric
    expect(keys()).not.toContain('impact');
    const state = await load(r, openedId(r));
    expect(state.opened.title).toBe('Login failures');
    expect(state.inputs.metrics).toEqual({ affectedClients: 20000, reposts: 300 });
    expect(state.opened.vars).toEqual({ systems: 'the mobile app', channels: 'telephone orders' });
    expect(statusJson(state, r.clock.now)).toMatchObject({ tier: 'moderate', direction: 'B', state: 'open' });
    expect(r.output.join('\n')).toContain('sec-incident resume');
  });

  it('asks everything when no flag is given, and shows the grading table before the tier', async () => {
    const r = setup();
    script.handler = answers(r, [
      ['type', 'trading-outage'],
      ['title', 'APP login failures'],
      ['indicator.eventLevel', 3],
      ['indicator.impactScope', 3],
      ['indicator.propagation', 2],
      ['indicator.durationTrend', 2],
      ['impact', 'material'],
      ['tier.decision', 'accept'],
      ['var.systems', 'app'],
      ...(['eta', 'cause', 'measures', 'compensation', 'channels'].map((v) => [`var.${v}`, '']) as [string, unknown][]),
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], {});
    const text = r.output.join('\n');
    expect(text).toMatch(/Score: 10[\s\S]*Tier: severe/);
    expect(statusJson(await load(r, openedId(r)), r.clock.now)).toMatchObject({ tier: 'severe', direction: 'C' });
  });

  it('an override of the tier needs a reason, which is recorded', async () => {
    const r = setup();
    script.handler = answers(r, [
      ['tier.decision', 'override'],
      ['tier.override', 'severe'],
      ['tier.reason', 'a national newspaper called'],
      ...(['cause', 'measures', 'compensation', 'channels'].map((v) => [`var.${v}`, '']) as [string, unknown][]),
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], FLAGS);
    const state = await load(r, openedId(r));
    expect(state.tier).toBe('severe');
    expect(state.gradings[0]).toMatchObject({ override: true, reason: 'a national newspaper called', tier: 'severe' });
    expect(state.gradings[0]!.result.tier).toBe('moderate');
    const reason = script.asked.find((q) => q.key === 'tier.reason')!;
    expect(reason.validate!('  ')).not.toBe(true);
  });
});

describe('start: flags', () => {
  it('a flag that does not hold is refused before any question (exit 2)', async () => {
    const r = setup();
    script.handler = () => {
      throw new Error('asked a question');
    };
    const unknownVar = await run(r.ctx, [], { ...FLAGS, var: ['nosuch=1'] }).catch((e: unknown) => e);
    expect(unknownVar).toMatchObject({ exitCode: 2 });
    expect(said(unknownVar)).toContain('unknown variable "nosuch"');
    await expect(run(r.ctx, [], { indicator: ['eventLevel=9'] })).rejects.toMatchObject({ exitCode: 2 });
    await expect(run(r.ctx, [], { type: 'no-such-type' })).rejects.toMatchObject({ exitCode: 2 });
    expect(script.asked).toEqual([]);
    expect(existsSync(r.ctx.db)).toBe(false);
  });
});

describe('start: team activation', () => {
  it('lists the teams the tier activates a line each, records who was reached, and shows duties and members on request', async () => {
    const r = setup();
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', [{ team: 'leadership', member: '张三' }, { team: 'it', member: '王五' }]],
      ['action', 'teams'],
      ['teams.reached', [{ team: 'it', member: '赵六' }]],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], FLAGS);
    const opening = r.output.slice(0, r.output.findIndex((o) => o.startsWith('Recorded:'))).join('\n');
    for (const team of ['Emergency leadership group', 'IT emergency group', 'Public-opinion response group', 'Client service group', 'Compliance and regulatory reporting group']) {
      expect(opening).toMatch(new RegExp(`^  ${team} \\([a-z-]+\\) — 2 contact\\(s\\), \\d duty\\(ies\\)$`, 'm'));
    }
    // collapsed at the opening: the duties wait for the teams action; the checklist names everyone
    expect(opening).not.toContain('Approve every external line and statement');
    const offered = script.asked.find((q) => q.key === 'teams.reached')!.choices as { name?: string }[];
    expect(offered.map((c) => c.name)).toContain('张三 — President (lead) · +86 10 0000 0001');
    const text = r.output.join('\n');
    expect(text).toContain('Approve every external line and statement');
    expect(text).toContain('☎ 张三 — President (lead) · +86 10 0000 0001');
    // the second round offers the 8 not yet reached, and says so
    expect(text).toContain('Recorded: 1 of 8 reached.');
    const state = await load(r, openedId(r));
    expect(state.reached.filter((x) => x.reached).map((x) => x.member)).toEqual(['张三', '王五', '赵六']);
  });
});

/** A responder who works through whatever the walk shows, recording the order of the steps. */
function responder(r: Run, shown: string[], idle: unknown[] = [], report?: string): Handler {
  const stated = new Set<string>();
  let closeOffers = 0;
  return (q) => {
    r.clock.now += 20_000;
    const card = [...r.output].reverse().find((o) => /^\[.+\] .+ \(([a-z0-9-]+(#\d+)?)\)$/m.test(o)) ?? '';
    const step = /^\[.+\] .+ \(([a-z0-9-]+(?:#\d+)?)\)$/m.exec(card)?.[1] ?? '';
    switch (q.key) {
      case 'tier.decision':
        return 'accept';
      case 'teams.reached':
        return everyone(q);
      case 'action': {
        if (shown.at(-1) !== step) shown.push(step);
        const offered = (q as SelectQuestion<string>).choices.map((c) => (c as { value: string }).value);
        if (step.includes('#') || card.includes('after recovery')) return 'recover';
        if (offered.includes('statement') && !stated.has(step)) {
          stated.add(step);
          return 'statement';
        }
        return 'done';
      }
      case 'done.note':
        return (q as InputQuestion).validate ? `evidence for ${step}` : '';
      case 'statement.save':
        return false;
      case 'recover.note':
        return 'verified by business';
      case 'startedAt':
      case 'discoveredAt':
      case 'recover.at':
        return '';
      case 'close.confirm':
        return idle.length === 0 || closeOffers++ > 0;
      case 'idle':
        return idle.shift() ?? 'close';
      case 'close.summary':
        return 'service restored, clients informed';
      case 'report.write':
        return report !== undefined;
      case 'report.file':
        return report;
      default:
        throw new Error(`unexpected question ${q.key}`);
    }
  };
}

describe('start: the walk', () => {
  it('walks a moderate trading outage to close, the most urgent step first', async () => {
    const r = setup();
    const shown: string[] = [];
    const report = join(tempDir(), 'report.md');
    script.handler = responder(r, shown, [], report) as never;
    expect(await run(r.ctx, [], { ...FLAGS, var: [...FLAGS.var, 'cause=', 'measures=', 'compensation=', 'channels='] })).toBe(0);
    // by due time (15 min, then the 30-min steps in phase order, then 1 h, 2 h), then after recovery
    expect(shown, JSON.stringify(shown)).toEqual([
      'confirm-grading',
      'activate-teams',
      'notify-leadership',
      'it-diagnosis',
      'reportability',
      'hotline-script',
      'monitoring-sweep',
      'preserve-evidence',
      'self-help-notice',
      'media-qa',
      'holding-statement',
      'monitoring-sweep#2',
      'public-apology',
      'call-backs',
      'stand-down',
      'summary-report',
      'post-incident-review',
      'update-playbook',
    ]);
    const state = await load(r, openedId(r));
    const status = statusJson(state, r.clock.now);
    expect(status.state).toBe('closed');
    expect(status.steps.filter((s) => s.status === 'pending')).toEqual([]);
    expect(status.steps.find((s) => s.id === 'monitoring-sweep#2')?.status).toBe('withdrawn');
    expect(status.steps.filter((s) => s.late)).toEqual([]);
    expect(state.steps.find((s) => s.id === 'notify-leadership')?.note).toBe('evidence for notify-leadership');
    expect(state.statements.map((s) => s.template)).toEqual(['hotline-script', 'holding-statement', 'apology']);
    expect(state.statements[1]!.text).toContain('the mobile app');
    expect(state.reached.filter((x) => x.reached)).toHaveLength(10);
    expect(state.closed?.summary).toBe('service restored, clients informed');
    expect(r.output.join('\n')).toContain(`Report written to ${report}`);
    expect(readFileSync(report, 'utf8')).toContain(openedId(r));
  });

  it('a regrade mid-walk brings in new teams and steps and tightens due times', async () => {
    const r = setup();
    script.handler = answers(r, [
      ['tier.decision', 'accept'],
      ['teams.reached', [{ team: 'opinion', member: '钱七' }]],
      ['action', 'done'],
      ['done.note', ''],
      ['action', 'regrade'],
      ['regrade', 'eventLevel'],
      ['indicator.eventLevel', 2],
      ['regrade', 'propagation'],
      ['indicator.propagation', 'metrics'],
      ['metric.reposts', '150000'],
      ['metric.views', ''],
      ['regrade', 'impactScope'],
      ['indicator.impactScope', 3],
      ['regrade', 'apply'],
      ['tier.decision', 'accept'],
      ['regrade.reason', 'trending on Weibo'],
      ['teams.reached', [{ team: 'leadership', member: '张三' }]],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], { type: 'trading-outage', title: 'Slow logins', impact: 'partial', indicator: ['eventLevel=1', 'impactScope=2', 'propagation=1', 'durationTrend=1'], var: ['systems=app', 'eta=', 'cause=', 'measures=', 'compensation=', 'channels='] });
    const text = r.output.join('\n');
    expect(text).toContain('Tier mild → severe');
    expect(text).toMatch(/New steps \(\d+\):[\s\S]*\(convene-leadership\)[\s\S]*\(trending-watch\)/);
    expect(text).toMatch(/Due times brought forward \(\d+\):[\s\S]*\(activate-teams\) — due in 15 min/);
    expect(text).toMatch(/Teams activated at tier severe \(3\)/);
    const state = await load(r, openedId(r));
    expect(state.tier).toBe('severe');
    expect(state.gradings[1]).toMatchObject({ reason: 'trending on Weibo', previousTier: 'mild' });
    expect(state.inputs.metrics).toEqual({ reposts: 150000 });
    // figures replace the level given earlier for that indicator
    expect(state.gradings[1]!.result.sources.propagation).toBe('reposts');
    const regradeAt = state.gradings[1]!.at;
    expect(state.steps.find((s) => s.id === 'activate-teams')!.dueAt).toBe(regradeAt + 15 * MIN);
    expect(state.steps.find((s) => s.id === 'convene-leadership')).toMatchObject({ status: 'pending', dueAt: regradeAt + 60 * MIN });
    expect(state.reached.filter((x) => x.team === 'leadership').map((x) => [x.member, x.reached])).toEqual([['张三', true], ['李四', false]]);
  });

  it('imports monitoring data mid-walk: the figures first, then the import and its regrade once confirmed', async () => {
    const r = setup();
    const file = join(FIXTURES, 'signals', 'zh-headers.csv');
    script.handler = answers(r, [
      ['indicator.propagation', 'unknown'],
      ['indicator.durationTrend', 'unknown'],
      ['tier.decision', 'accept'],
      ['teams.reached', [{ team: 'opinion', member: '钱七' }]],
      ['action', 'signals'],
      // the export's day ends at 15:00: read it then
      ['signals.file', () => ((r.clock.now = Date.parse('2026-03-16T15:00:00+08:00')), file)],
      ['signals.apply', true],
      ['teams.reached', [{ team: 'leadership', member: '张三' }]],
      ['action', 'pause'],
    ]) as never;
    // eventLevel 2 + impactScope 2 + 1 + 1 = 6: mild
    await run(r.ctx, [], { type: 'trading-outage', title: 'Slow logins', impact: 'partial', indicator: ['eventLevel=2', 'impactScope=2'], var: ['systems=app', 'eta=', 'cause=', 'measures=', 'compensation=', 'channels='] });
    const text = r.output.join('\n');
    // views 138 000 → propagation 3; rising → durationTrend 3: 2 + 2 + 3 + 3 = 10
    expect(text).toContain('Grading: mild → severe (score 6 → 10)');
    expect(text).toMatch(/^ {2}微博 +[·▁▂▃▄▅▆▇█]+ +5$/m);
    expect(script.asked.find((q) => q.key === 'signals.apply')!.message).toBe('Record the import and regrade (mild → severe)?');
    const state = await load(r, openedId(r));
    expect(state.tier).toBe('severe');
    expect(state.signals.map((s) => [s.file, s.used, s.applied])).toEqual([['zh-headers.csv', 10, { reposts: 6000, views: 138000, hours: 5.3, trend: 'rising' }]]);
    expect(state.gradings[1]!.reason).toMatch(/^monitoring export zh-headers\.csv \(sha256 [0-9a-f]{12}…\)$/);
  });

  it('skips with a reason, notes a step, jumps, and refuses nothing the engine allows', async () => {
    const r = setup();
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'skip'],
      ['skip.reason', 'graded at opening'],
      ['action', 'note'],
      ['step.note', 'bridge open on 8001'],
      ['action', 'jump'],
      ['jump', 'holding-statement'],
      ['action', 'statement'],
      ['statement.save', true],
      ['statement.file', join(tempDir(), 'holding.md')],
      ['action', 'status'],
      // the card is still the one jumped to: Done completes the holding statement
      ['action', 'done'],
      ['done.note', ''],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], FLAGS);
    const state = await load(r, openedId(r));
    expect(state.steps.find((s) => s.id === 'holding-statement')!.status).toBe('done');
    expect(state.steps.find((s) => s.id === 'activate-teams')!.status).toBe('pending');
    expect(state.statements).toHaveLength(1); // shown once, not rendered again at Done
    expect(state.steps.find((s) => s.id === 'confirm-grading')).toMatchObject({ status: 'skipped', reason: 'graded at opening' });
    expect(state.steps.find((s) => s.id === 'activate-teams')!.notes.map((n) => n.text)).toEqual(['bridge open on 8001']);
    const statement = state.statements[0]!;
    expect(statement).toMatchObject({ step: 'holding-statement', template: 'holding-statement', lang: 'en' });
    expect(existsSync(statement.file!)).toBe(true);
    expect(statSync(statement.file!).mode & 0o777).toBe(0o600); // like the report: not for every reader
    expect(readFileSync(statement.file!, 'utf8')).toContain('some clients have experienced problems using the mobile app');
    expect(r.output.join('\n')).toMatch(/^Media\n(  .*\n)*  holding-statement +Publish the holding statement +/m);
  });

  it('a statement saved over a 0644 file is 0600, and escapes and bidi in the facts are saved visible (issue 17, finding 7/12)', async () => {
    const r = setup();
    const target = join(tempDir(), 'holding.md');
    writeFileSync(target, 'old draft\n', { mode: 0o644 });
    chmodSync(target, 0o644);
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'jump'],
      ['jump', 'holding-statement'],
      ['action', 'statement'],
      ['statement.save', true],
      ['statement.file', target],
      ['statement.file.overwrite', true],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], { ...FLAGS, var: ['systems=the app \x1b]0;pwned\x07\x1b[8mhidden \u202Eexe.pdf', 'eta=by 11:30'] });
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const saved = readFileSync(target, 'utf8');
    expect(saved).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]/);
    expect(saved).toContain('the app \u241b]0;pwned\u2407\u241b[8mhidden ⟨U+202E⟩exe.pdf');
  });

  it('a statement path that cannot be written is said at the prompt and asked again, never an internal error', async () => {
    const r = setup();
    const good = join(tempDir(), 'holding.md');
    let refused: (true | string)[] = [];
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'jump'],
      ['jump', 'holding-statement'],
      ['action', 'statement'],
      ['statement.save', true],
      [
        'statement.file',
        () => {
          const validate = script.asked[script.asked.length - 1]!.validate!;
          refused = ['no-such-dir/x.md', tempDir(), ''].map((path) => validate(path));
          return good;
        },
      ],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], FLAGS);
    expect(refused[0]).toMatch(/there is no folder .*no-such-dir: give a path in an existing folder/);
    expect(refused[1]).toMatch(/is a folder: give a file name/);
    expect(refused[2]).not.toBe(true);
    expect(readFileSync(good, 'utf8')).toContain('some clients have experienced problems');
  });

  it('an action the engine refuses is reported, and the walk follows the log', async () => {
    const r = setup();
    // meanwhile someone closes the incident from a script: the walk's `done` is refused
    const closeFromScript = async () => {
      const service = await incidents(r.ctx);
      // a forced close that a second person has granted (SPEC §9): it happens at once
      await service.act(openedId(r), (s) => closeIncident(s, { force: true, reason: 'closed from the desk' }, r.clock.now, 'desk', true));
      await service.store.close();
      return '';
    };
    script.handler = answers(r, [...OPENING, ['teams.reached', []],
      ['teams.noneReached', true], ['action', 'done'], ['done.note', closeFromScript]]) as never;
    expect(await run(r.ctx, [], FLAGS)).toBe(0);
    expect(r.errors.join('\n')).toMatch(/INC-\d{8}-\d{3} is closed/);
    const state = await load(r, openedId(r));
    expect(state.closed).toMatchObject({ forced: true, reason: 'closed from the desk' });
    expect(state.steps.find((s) => s.id === 'confirm-grading')!.status).toBe('pending');
  });
});

describe('start: a database that cannot take the incident', () => {
  it('is refused before the first question, not after the last', async () => {
    for (const db of ['/etc/passwd/audit.db', '/proc/no-such/audit.db']) {
      const r = setup('en', db);
      const asked: string[] = [];
      script.handler = ((q: Question) => (asked.push(q.key), undefined)) as never;
      expect(said(await run(r.ctx, [], FLAGS).catch((e: unknown) => e))).toMatch(/cannot open the database/);
      expect(asked).toEqual([]);
    }
  });
});

describe('start: facts learnt later', () => {
  it('a statement card offers to update the facts; the statement shown next uses them', async () => {
    const r = setup();
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'jump'],
      ['jump', 'holding-statement'],
      ['action', 'facts'],
      ['facts.systems', 'the mobile app'],
      ['facts.eta', 'by 11:30'],
      ['facts.cause', 'a faulty configuration change'],
      ['facts.measures', ''],
      ['facts.compensation', ''],
      ['facts.channels', 'telephone orders'],
      ['action', 'statement'],
      ['statement.save', false],
      ['action', 'pause'],
    ]) as never;
    expect(await run(r.ctx, [], FLAGS)).toBe(0);
    const state = await load(r, openedId(r));
    expect(state.vars).toMatchObject({ cause: 'a faulty configuration change', channels: 'telephone orders' });
    expect(state.statements[0]!.text).toContain('the following cause: a faulty configuration change');
    expect(r.output.join('\n')).toContain('facts recorded');
  });
});

describe('start: who was reached', () => {
  it('an untouched list is not taken as "nobody reached" without asking; saying no asks again', async () => {
    const r = setup();
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', false],
      ['teams.reached', [{ team: 'it', member: '王五' }]],
      ['action', 'pause'],
    ]) as never;
    expect(await run(r.ctx, [], FLAGS)).toBe(0);
    const state = await load(r, openedId(r));
    expect(state.reached.filter((x) => x.reached).map((x) => x.member)).toEqual(['王五']);
    expect(state.reached.filter((x) => !x.reached).length).toBeGreaterThan(0);
  });
});

describe('start: a card gone stale', () => {
  it('Done on a repeating step someone completed meanwhile is refused; the next round is not touched', async () => {
    const r = setup();
    const elsewhere = async () => {
      const service = await incidents(r.ctx);
      await service.act(openedId(r), (s) => recordStep(s, 'monitoring-sweep', 'done', { note: 'swept from the desk' }, r.clock.now, 'qianqi'));
      await service.store.close();
      return 'swept';
    };
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'jump'],
      ['jump', 'monitoring-sweep'],
      ['action', 'done'],
      ['done.note', elsewhere],
      ['action', 'pause'],
    ]) as never;
    expect(await run(r.ctx, [], FLAGS)).toBe(0);
    expect(r.errors.join('\n')).toMatch(/step "monitoring-sweep" is already done/);
    const state = await load(r, openedId(r));
    expect(state.steps.find((s) => s.id === 'monitoring-sweep')).toMatchObject({ status: 'done', actor: 'qianqi' });
    expect(state.steps.find((s) => s.id === 'monitoring-sweep#2')).toMatchObject({ status: 'pending' });
    // the note typed for the refused Done is kept on the step, not thrown away
    expect(r.errors.join('\n')).toContain('Your note is kept on the step.');
    expect(state.steps.find((s) => s.id === 'monitoring-sweep')!.notes.map((n) => n.text)).toContain('swept');
    // what the desk recorded meanwhile is shown once, above the next card, with the owning team;
    // the walk's own note is not
    const output = r.output.join('\n');
    // on SQLite who wrote it is the OS user's claim
    expect(output.match(/^[\d-]* ?\d\d:\d\d qianqi \(Public-opinion response group\): done: monitoring-sweep — swept from the desk — recorded by \S+ \(claimed, not verified\)$/gm)).toHaveLength(1);
    expect(output).not.toMatch(/^[\d-]* ?\d\d:\d\d \S+ \([^)]*\): .*: swept$/m);
  });
});

/** Another responder, on a connection of their own, completes the step the walk shows (or the one after). */
function desk(r: Run, taken: { step?: string }, which = 0): () => Promise<void> {
  return async () => {
    const service = await incidents(r.ctx);
    try {
      const state = await service.load(openedId(r));
      const step = agenda(state, r.clock.now)[which]!;
      taken.step = step.id;
      await service.act(state.id, (s) => recordStep(s, step.id, 'done', { note: 'done from the desk' }, r.clock.now, 'lisi'));
    } finally {
      await service.store.close();
    }
  };
}

const deskLine = (step: string) => new RegExp(`^[\\d-]* ?\\d\\d:\\d\\d lisi \\([^)]+\\): done: ${step.replace('#', '\\#')} — done from the desk( —.*)?$`, 'gm');

/** Runs the walk while another responder works (SPEC §6, issue 13 "Working together"). */
async function whileOpen(r: Run): Promise<void> {
  const taken: { step?: string } = {};
  script.handler = answers(r, [...OPENING, ['teams.reached', []], ['teams.noneReached', true], ['action', waitWhile(desk(r, taken))], ['action', 'pause']]) as never;
  expect(await run(r.ctx, [], FLAGS)).toBe(0);
  // the fixture's teams are the bundled example members: the readiness warning is theirs (issue 16)
  expect(r.errors.filter((e) => !e.includes('teams.yaml lists the example members'))).toEqual([]);
  expect(script.gaveWay).toBe(1);
  const output = r.output.join('\n');
  expect(output.match(deskLine(taken.step!))).toHaveLength(1);
  // the card came again, under the line, and it is not the one the desk did
  const after = output.slice(output.search(deskLine(taken.step!)));
  expect(after).toMatch(/^\[[^\]]+\] .+ \([\w#-]+\)$/m);
  expect(after).not.toMatch(new RegExp(`^\\[[^\\]]+\\] .+ \\(${taken.step}\\)$`, 'm'));
  expect(keys().filter((k) => k === 'action')).toHaveLength(2);
  const state = await load(r, openedId(r));
  expect(state.steps.find((s) => s.id === taken.step)).toMatchObject({ status: 'done', actor: 'lisi' });
}

describe('start: what others record while a prompt is open', () => {
  it('SQLite (polled): the open menu gives way, the line is shown, the next card follows', async () => {
    await whileOpen(setup());
  });

  it('a note being typed is kept: the prompt stays, the line comes after it is answered', async () => {
    const r = setup();
    const taken: { step?: string } = {};
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'done'],
      ['done.note', waitWhile(desk(r, taken, 1), 'my own words')],
      ['action', 'pause'],
    ]) as never;
    expect(await run(r.ctx, [], FLAGS)).toBe(0);
    expect(script.gaveWay).toBe(0);
    expect(r.errors.filter((e) => !e.includes('teams.yaml lists the example members'))).toEqual([]);
    const output = r.output.join('\n');
    expect(output.match(deskLine(taken.step!))).toHaveLength(1);
    const state = await load(r, openedId(r));
    const mine = state.steps.filter((s) => s.note === 'my own words');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'done' });
    expect(mine[0]!.actor).not.toBe('lisi');
  });

  it('the card done meanwhile while its note was typed: refused, naming who did it, the note kept', async () => {
    const r = setup();
    const taken: { step?: string } = {};
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'done'],
      ['done.note', waitWhile(desk(r, taken), 'my own words')],
      ['action', 'pause'],
    ]) as never;
    expect(await run(r.ctx, [], FLAGS)).toBe(0);
    expect(r.errors.join('\n')).toMatch(new RegExp(`step "${taken.step}" is already done: lisi at [\\d-]* ?\\d\\d:\\d\\d`));
    const state = await load(r, openedId(r));
    const step = state.steps.find((s) => s.id === taken.step)!;
    expect(step).toMatchObject({ status: 'done', actor: 'lisi' });
    expect(step.notes.map((n) => n.text)).toContain('my own words');
    const store = await openIncidentStore(r.ctx.db, { env: {} });
    const done = (await store.rows(state.id)).filter((row) => row.type === 'step.completed' && JSON.parse(row.payload).step === taken.step);
    await store.close();
    expect(done).toHaveLength(1);
  });
});

describe('start: the regulatory lane (SPEC §4.1, §4.2)', () => {
  it('asks when the fault began, asks a decision step\'s outcome in its own words, and undoes my last completion', async () => {
    const r = setup();
    r.ctx.playbooksDir = join(FIXTURES, 'regulatory', 'playbooks');
    r.ctx.templatesDir = join(FIXTURES, 'regulatory', 'templates');
    let offered: unknown[] = [];
    script.handler = answers(r, [
      ['tier.decision', 'accept'],
      ['startedAt', '09:10'],
      ['discoveredAt', ''],
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'jump'],
      ['jump', 'reportability'],
      ['action', 'done'],
      ['outcome.reportable', (() => 'yes') as unknown],
      ['done.note', 'the bureau was phoned'],
      ['action', (() => {
        offered = (script.asked.at(-1)!.choices as { value: string; name: string }[]).map((c) => c.value);
        return 'undo';
      }) as unknown],
      ['undo.reason', 'wrong outcome chosen'],
      ['action', 'pause'],
    ]) as never;
    const code = await run(r.ctx, [], { type: 'outage', title: 'Orders stuck', indicator: ['eventLevel=3', 'impactScope=1', 'propagation=1', 'durationTrend=1'], impact: 'partial', var: ['systems=APP'] });
    expect(code).toBe(0);
    const outcome = script.asked.find((q) => q.key === 'outcome.reportable')!;
    expect(outcome.choices).toEqual([
      { value: 'yes', name: 'Reportable' },
      { value: 'unsure', name: 'Not yet clear: report as a precaution' },
      { value: 'no', name: 'Not reportable' },
    ]);
    expect(offered).toContain('undo');
    const state = await load(r, openedId(r));
    expect(state.startedAt).toBe(Date.parse('2026-03-16T09:10:00+08:00'));
    expect(state.decisions).toEqual({ reportable: 'yes' });
    expect(state.steps.find((s) => s.id === 'reportability')).toMatchObject({ status: 'pending' });
    expect(state.reopened).toEqual([expect.objectContaining({ step: 'reportability', reason: 'wrong outcome chosen' })]);
    expect(r.output.join('\n')).toContain('Basis: Test rule, art. 1');
  });
});

describe('start: nothing pending', () => {
  it('when the close is declined, the walk stays open for notes and status until closed', async () => {
    const r = setup();
    const base = responder(r, [], ['status', 'note']);
    script.handler = ((q: Question) => (q.key === 'incident.note' ? 'press enquiries answered' : base(q))) as never;
    expect(await run(r.ctx, [], { ...FLAGS, var: [...FLAGS.var, 'cause=', 'measures=', 'compensation=', 'channels='] })).toBe(0);
    expect(keys().filter((k) => ['close.confirm', 'idle'].includes(k))).toEqual(['close.confirm', 'idle', 'idle', 'idle', 'close.confirm']);
    const state = await load(r, openedId(r));
    expect(state.notes.map((n) => n.text)).toContain('press enquiries answered');
    expect(state.closedAt).not.toBeNull();
    expect(r.output.join('\n')).toContain('Every applicable step is done, skipped or withdrawn.');
  });
});

describe('interruption and resume', () => {
  it('Ctrl-C loses nothing already confirmed, says how to resume, and resume continues where it stands', async () => {
    const r = setup();
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', [{ team: 'it', member: '王五' }]],
      ['action', 'done'],
      ['done.note', 'tier confirmed with IT'],
      ['action', 'note'],
      ['step.note', 'bridge open'],
      ['action', INTERRUPT],
    ]) as never;
    const error = await run(r.ctx, [], FLAGS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as CliError).exitCode).toBe(130);
    const id = openedId(r);
    expect(said(error)).toContain(`sec-incident resume ${id}`);
    const before = await load(r, id);
    expect(before.steps.find((s) => s.id === 'confirm-grading')).toMatchObject({ status: 'done', note: 'tier confirmed with IT' });

    script.asked.length = 0;
    r.output.length = 0;
    script.handler = answers(r, [['action', 'pause']]) as never;
    expect(await resume(r.ctx, [id], {})).toBe(0);
    expect(keys()).toEqual(['action']); // the teams were answered for: not asked again
    expect(r.output.join('\n')).toMatch(/\[Emergency organisation\] Activate the response teams \(activate-teams\)[\s\S]*bridge open/);
    const after = await load(r, id);
    expect(after.events).toBe(before.events);
  });

  it('Ctrl-C before the incident opens records nothing', async () => {
    const r = setup();
    script.handler = answers(r, [['indicator.eventLevel', 2], ['indicator.impactScope', INTERRUPT]]) as never;
    const error = await run(r.ctx, [], { type: 'trading-outage', title: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(said(error)).toContain('nothing was recorded');
    expect(existsSync(r.ctx.db)).toBe(false);
  });

  it('resume refuses an unknown id (exit 2) and a closed incident (exit 1)', async () => {
    const r = setup();
    await expect(resume(r.ctx, ['INC-20260316-009'], {})).rejects.toBeInstanceOf(InputError);
    script.handler = responder(r, []) as never;
    await run(r.ctx, [], { ...FLAGS, var: [...FLAGS.var, 'cause=', 'measures=', 'compensation=', 'channels='] });
    await expect(resume(r.ctx, [openedId(r)], {})).rejects.toBeInstanceOf(WorkError);
  });

  it('without a terminal, start and resume refuse at once (exit 2), before asking anything', async () => {
    const r = setup();
    r.ctx.stdinIsTTY = false;
    script.handler = () => {
      throw new Error('asked a question without a terminal');
    };
    await expect(run(r.ctx, [], FLAGS)).rejects.toMatchObject({ exitCode: 2 });
    await expect(resume(r.ctx, ['INC-20260316-001'], {})).rejects.toMatchObject({ exitCode: 2 });
    expect(existsSync(r.ctx.db)).toBe(false);
  });
});

describe('language', () => {
  it('walks in Chinese, playbook text included', async () => {
    const r = setup('zh');
    script.handler = answers(r, [
      ...OPENING,
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'pause'],
    ]) as never;
    await run(r.ctx, [], FLAGS);
    const text = r.output.join('\n');
    expect(text).toContain('[事件分级] 确认舆情分级与处置方向 (confirm-grading)');
    expect(text).toContain('核实受影响的系统或渠道、故障起始时间和受影响客户数');
    expect(text).toMatch(/^  应急领导小组（leadership）— 联系人 2 名，职责 \d 项$/m);
    expect(JSON.stringify(script.asked.find((q) => q.key === 'teams.reached')!.choices)).toContain('总经理（组长）');
    expect(text).toContain('如中途中断，可运行以下命令继续：\n  sec-incident resume');
    expect(script.asked.find((q) => q.key === 'action')!.message).toBe('下一步？');
  });
});

describe('start on a shared PostgreSQL store', () => {
  const pgs = pgSchemas('start');

  it('LISTEN/NOTIFY: the open menu gives way to what another connection records', async () => {
    const schema = pgs.schema();
    await initSchema(parsePgTarget(pgUrl({ schema }), {}), 'responders');
    await whileOpen(setup('en', pgUrl({ schema })));
  });

  it('the server drops the connection while the responder types: the walk goes on, the action recorded once', async () => {
    const schema = pgs.schema();
    await initSchema(parsePgTarget(pgUrl({ schema }), {}), 'responders');
    const r = setup('en', pgUrl({ schema }));
    const cut = async () => {
      // as a restart does to every session: the walk's connection is gone when Done is recorded
      await ownerQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%"${schema}"%`]);
      await new Promise((done) => setTimeout(done, 300));
      return 'done while the server restarted';
    };
    script.handler = answers(r, [...OPENING, ['teams.reached', []], ['teams.noneReached', true], ['action', 'done'], ['done.note', cut], ['action', 'pause']]) as never;
    expect(await run(r.ctx, [], FLAGS)).toBe(0);
    // the connection came back before Done needed it: nothing to say (but that the fixture's teams are examples)
    expect(r.errors.filter((e) => !e.includes('teams.yaml lists the example members'))).toEqual([]);
    const state = await load(r, openedId(r));
    const store = await openIncidentStore(r.ctx.db, { env: {} });
    const rows = await store.rows(state.id);
    const completions = rows.filter((row) => row.type === 'step.completed' && row.payload.includes('done while the server restarted'));
    expect(completions).toHaveLength(1);
    expect(state.steps.find((s) => s.id === JSON.parse(completions[0]!.payload).step)).toMatchObject({ status: 'done' });
    expect(await store.verify(state.id, undefined)).toMatchObject({ ok: true });
    await store.close();
  });
});

describe('the walk signs off (SPEC §9)', () => {
  it('a forced close asked from a script awaits a second person: their walk asks first, and granting it closes the incident', async () => {
    const r = setup();
    const library = join(FIXTURES, 'approvals');
    Object.assign(r.ctx, { playbooksDir: join(library, 'playbooks'), templatesDir: join(library, 'templates') });
    const { run: open } = await import('../../src/commands/open.js');
    await open({ ...r.ctx, json: true }, [], { type: 'outage', title: 'Orders stuck', var: ['systems=the mobile app'] } as never);
    const id = (JSON.parse(r.output.join('')) as { id: string }).id;
    const service = await incidents(r.ctx);
    await service.act(id, (s) => closeIncident(s, { force: true, reason: 'exercise over' }, r.clock.now, '钱七'));
    await service.store.close();
    expect((await load(r, id)).closedAt).toBeNull();

    r.output.length = 0;
    script.handler = answers(r, [
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['request.R1', 'grant'],
    ]) as never;
    expect(await resume(r.ctx, [id], { actor: '孙八' })).toBe(0);
    expect(r.output.join('\n')).toMatch(/R1 \(forced close, by 钱七\) awaits a second person/);
    const state = await load(r, id);
    expect(state.closed).toMatchObject({ forced: true, reason: 'exercise over' });
    expect(state.requests[0]).toMatchObject({ status: 'granted', decided: { member: '孙八', claimed: true } });
  });


  it('a draft written in $EDITOR awaits approval on the card; another member\'s walk approves it; the author\'s walk then does the step', async () => {
    const r = setup();
    const library = join(FIXTURES, 'approvals');
    Object.assign(r.ctx, { playbooksDir: join(library, 'playbooks'), templatesDir: join(library, 'templates') });
    // the editor: a script that adds a line to the rendered text, as an author would
    const tools = tempDir();
    const editor = join(tools, 'editor.sh');
    writeFileSync(editor, `#!/bin/sh\nstat -c %a "$1" > ${join(tools, 'mode')}\nprintf "We will say more at 11:00.\\n" >> "$1"\n`, { mode: 0o755 });
    r.ctx.env = { EDITOR: editor };
    const { run: open } = await import('../../src/commands/open.js');
    await open({ ...r.ctx, json: true }, [], { type: 'outage', title: 'Orders stuck', var: ['systems=the mobile app'] } as never);
    const id = (JSON.parse(r.output.join('')) as { id: string }).id;

    r.output.length = 0;
    script.handler = answers(r, [
      ['teams.reached', []],
      ['teams.noneReached', true],
      ['action', 'done'], // confirm-grading, due first
      ['done.note', ''],
      ['action', 'draft'], // holding-statement: $EDITOR, and the same card again
      ['action', 'pause'],
    ]) as never;
    expect(await resume(r.ctx, [id], { actor: '张三' })).toBe(0);
    expect(r.output.join('\n')).toMatch(/Awaiting approval: Emergency leadership group \(draft 1, by 张三 \d\d:\d\d\)/);
    expect(readFileSync(join(tools, 'mode'), 'utf8').trim()).toBe('600'); // what is said to clients is private until published
    const drafted = (await load(r, id)).drafts;
    expect(drafted).toHaveLength(1);
    expect(drafted[0]!.text).toMatch(/the mobile app has been failing[\s\S]*We will say more at 11:00/);
    // the author's own walk offers no approval of their draft
    const offered = script.asked.filter((q) => q.key === 'action').at(-1)!.choices as { value: string }[];
    expect(offered.map((c) => c.value)).not.toContain('approve');

    r.output.length = 0;
    script.handler = answers(r, [
      // leadership came in with the draft: this walk asks who was reached
      ['teams.reached', [{ team: 'leadership', member: '李四' }]],
      ['action', 'approve'],
      ['action', 'pause'],
    ]) as never;
    expect(await resume(r.ctx, [id], { actor: '李四' })).toBe(0);
    expect(r.output.join('\n')).toContain('Awaiting your approval: holding-statement');
    expect(r.output.join('\n')).toMatch(/Approved by 李四 \(draft 1, by 张三/);

    script.handler = answers(r, [
      ['action', 'done'],
      ['done.note', ''],
      ['close.confirm', false],
      ['idle', 'pause'],
    ]) as never;
    expect(await resume(r.ctx, [id], { actor: '张三' })).toBe(0);
    const state = await load(r, id);
    expect(state.steps.find((s) => s.id === 'holding-statement')!.status).toBe('done');
    expect(state.statements.at(-1)).toMatchObject({ step: 'holding-statement', draft: 1, sha256: drafted[0]!.sha256 });
    expect(state.signoffs).toEqual([expect.objectContaining({ member: '李四', claimed: true })]);
  });
});

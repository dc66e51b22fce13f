// The outbox in the log: queued in the action's transaction, claimed by one sender at a time,
// never sent again once acknowledged; reminders raised once. Real store, real HTTP to 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { draftStatement } from '../../src/engine/signoff.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decide, recover, regrade } from '../../src/engine/decide.js';
import { deliverAsYouGo } from '../../src/notify/flush.js';
import type { Context } from '../../src/context.js';
import { claim, deliverOutbox } from '../../src/notify/deliver.js';
import { foldOutbox, planNotices, planReminders, type QueuedPayload } from '../../src/notify/outbox.js';
import { teamsFileSchema } from '../../src/playbook/schema.js';
import { Incidents } from '../../src/app/incidents.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { HOUR, MIN, NO_HOLIDAYS, inputs, playbook, request } from '../support/engine.js';
import { Robots } from '../support/robots.js';

const dir = mkdtempSync(join(tmpdir(), 'notify-outbox-'));
let robots: Robots;
let n = 0;
beforeAll(async () => {
  robots = await Robots.start();
});
afterAll(async () => {
  await robots.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  robots.arrivals.length = 0;
});

const env = () => ({ WECOM_URL: robots.url('wecom'), FS_URL: robots.url('feishu'), FS_SECRET: robots.options.feishuSecret, HOOK_URL: robots.url('webhook') });

const TEAMS = teamsFileSchema.parse({
  teams: [
    {
      id: 'opinion',
      name: { zh: '舆情组', en: 'Opinion' },
      duties: [{ zh: '监测舆情', en: 'Watch the coverage' }],
      activate: ['mild', 'moderate', 'severe', 'critical'],
      channels: [
        { type: 'wecom', url: { env: 'WECOM_URL' } },
        { type: 'feishu', url: { env: 'FS_URL' }, secret: { env: 'FS_SECRET' } },
      ],
    },
    { id: 'leadership', name: 'Leadership', activate: ['severe', 'critical'], channels: [{ type: 'webhook', url: { env: 'HOOK_URL' }, drill: true }] },
  ],
}).teams;

const PB = playbook([
  { id: 'decide-reportable', decision: { id: 'reportable', options: [{ id: 'yes', text: 'Reportable' }, { id: 'no', text: 'Not reportable' }] } },
  { id: 'phone-report', when: { reportable: ['yes'] }, due: '30m' },
  { id: 'holding-statement', due: '30m' },
  { id: 'brief-leadership', owner: 'leadership', tiers: ['severe', 'critical'], due: '15m' },
]);

function service(file: string): Incidents {
  return new Incidents(SqliteStore.open(file), NO_HOLIDAYS.calendar, planNotices);
}

async function openAt(svc: Incidents, at: number, mode: 'real' | 'drill' = 'real', tier = 'moderate') {
  return svc.open(request(PB, inputs(tier), { teams: TEAMS, mode }), at, 'tester');
}

const queuedOf = async (svc: Incidents, id: string): Promise<QueuedPayload[]> =>
  (await svc.store.events(id)).flatMap((e) => (e.type === 'notification.queued' ? [e.payload] : []));
const types = async (svc: Incidents, id: string) => (await svc.store.events(id)).map((e) => e.type);
const fresh = () => join(dir, `audit-${++n}.db`);

describe('the outbox in the log', () => {
  it('an opening queues one notification per channel of each activated team, in its own transaction', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now());
    const log = (await svc.store.events(state.id));
    const queued = log.filter((e) => e.type === 'notification.queued');
    expect(queued.map((e) => [e.payload.team, e.payload.channel.type, e.payload.kind])).toEqual([
      ['opinion', 'wecom', 'opened'],
      ['opinion', 'feishu', 'opened'],
    ]);
    // the id names the log entry that queued it
    expect(queued.map((e) => e.payload.id)).toEqual(queued.map((e) => `${state.id}/N${e.seq}`));
    // the queued events carry where to look for the robot, never a URL
    expect(JSON.stringify(log)).not.toContain('127.0.0.1');
    expect(svc.queued.has(state.id)).toBe(true);
  });

  it('a regrade tells every activated team old → new and the steps brought forward; a newly activated team its duties', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now());
    await svc.act(state.id, (s, time) => regrade(s, { change: inputs('severe') }, Date.now(), 'tester', time));
    const regraded = (await queuedOf(svc, state.id)).filter((p) => p.kind === 'regraded');
    expect(regraded.map((p) => p.team)).toEqual(['opinion', 'opinion', 'leadership']);
    const leadership = regraded[2]!.notice;
    expect(leadership.title).toMatch(/tier Moderate|tier moderate/i);
    expect(leadership.lines.join('\n')).toContain('brief-leadership');
    expect(leadership.lines).toContain('Your duties:');
  });

  it('a decision made or changed is told once to every activated team, with what it replaced and why', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now());
    await svc.act(state.id, (s, time) => decide(s, { decision: 'reportable', outcome: 'yes', reason: 'over 10 000 clients' }, Date.now(), 'tester', time));
    await svc.act(state.id, (s, time) => decide(s, { decision: 'reportable', outcome: 'no', reason: 'fewer than thought' }, Date.now(), 'tester', time));
    const told = (await queuedOf(svc, state.id)).filter((p) => p.kind === 'decision' && p.channel.type === 'wecom');
    expect(told.map((p) => p.notice.title)).toEqual([expect.stringMatching(/decision reportable: yes$/), expect.stringMatching(/decision reportable: no$/)]);
    expect(told[1]!.notice.lines).toEqual(expect.arrayContaining(['Changed from yes', 'Reason: fewer than thought']));
  });

  it('a draft awaiting approval is told to the approving team, which it activates (SPEC §9)', async () => {
    const svc = service(fresh());
    const pb = playbook([{ id: 'apology', template: 'apology', approval: 'leadership', due: '2h' }]);
    const state = await svc.open(request(pb, inputs('mild'), { teams: TEAMS }), Date.now(), 'tester');
    await svc.act(state.id, (s) => draftStatement(s, 'apology', { text: 'We apologise.', lang: 'en' }, Date.now(), '钱七'));
    const told = (await queuedOf(svc, state.id)).filter((p) => p.kind === 'approval');
    expect(told.map((p) => p.team)).toEqual(['leadership']);
    expect(told[0]!.notice.lines.join('\n')).toContain('钱七');
  });

  it('delivers each once: a second pass finds nothing to send', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now());
    const first = await deliverOutbox(svc, [state.id], { actor: 'watch', env: env(), directory: { teams: TEAMS } });
    expect(first).toMatchObject({ sent: 2, failed: 0, left: 0 });
    const second = await deliverOutbox(svc, [state.id], { actor: 'watch', env: env(), directory: { teams: TEAMS } });
    expect(second).toMatchObject({ sent: 0, failed: 0, left: 0 });
    expect(robots.of('wecom')).toHaveLength(1);
    expect(robots.of('feishu')).toHaveLength(1);
    expect((await types(svc, state.id)).filter((t) => t === 'notification.sent')).toHaveLength(2);
  });

  it('two senders at once on two connections: every notification is claimed and delivered by one', async () => {
    const file = fresh();
    const a = service(file);
    const state = await openAt(a, Date.now(), 'real', 'severe');
    await a.act(state.id, (s, time) => recover(s, undefined, Date.now(), 'tester', time));
    const b = service(file);
    const results = await Promise.all([
      deliverOutbox(a, [state.id], { actor: 'watch-a', env: env(), directory: { teams: TEAMS }, by: 'a' }),
      deliverOutbox(b, [state.id], { actor: 'watch-b', env: env(), directory: { teams: TEAMS }, by: 'b' }),
    ]);
    const queued = (await a.store.events(state.id)).filter((e) => e.type === 'notification.queued').length;
    expect(results[0]!.sent + results[1]!.sent).toBe(queued);
    const ids = robots.arrivals.map((x) => JSON.stringify(x.body).match(/INC-[0-9-]+\/N\d+/)![0]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(queued);
  });

  it('a claim holds other senders off until it lapses', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now());
    const now = Date.now();
    expect(await claim(svc, state.id, { actor: 'a', by: 'a', leaseMs: 60_000, now })).toHaveLength(2);
    expect(await claim(svc, state.id, { actor: 'b', by: 'b', leaseMs: 60_000, now: now + 30_000 })).toHaveLength(0);
    expect(await claim(svc, state.id, { actor: 'b', by: 'b', leaseMs: 60_000, now: now + 61_000 })).toHaveLength(2);
  });

  it('a platform that refuses records notification.failed with its code; "too fast" is tried again later', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now());
    robots.rateLimit('wecom', 1);
    const summary = await deliverOutbox(svc, [state.id], { actor: 'watch', env: env(), directory: { teams: TEAMS }, deadline: Date.now() + 2_000 });
    expect(summary).toMatchObject({ sent: 1, left: 1 });
    const failed = (await svc.store.events(state.id)).find((e) => e.type === 'notification.failed');
    expect(failed?.payload).toMatchObject({ attempt: 1, code: 45009, status: 200, delivered: 0, retryAt: expect.any(String) });
  });

  it('a drill is recorded as suppressed, except on a channel marked drill: true', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now(), 'drill', 'severe');
    const log = (await svc.store.events(state.id));
    expect(log.filter((e) => e.type === 'notification.suppressed').map((e) => e.payload.channel.type)).toEqual(['wecom', 'feishu']);
    const queued = (await queuedOf(svc, state.id));
    expect(queued.map((p) => p.channel.type)).toEqual(['webhook']);
    expect(queued[0]!.notice.title).toMatch(/^\[DRILL\] /);
  });
});

describe('the walk', () => {
  it('sends what an action queued at once, in the background, and settles before the store closes', async () => {
    const svc = service(fresh());
    const ctx = { env: env(), now: Date.now, lang: 'en', playbooksDir: dir } as unknown as Context;
    const sending = deliverAsYouGo(ctx, svc);
    const state = await openAt(svc, Date.now());
    expect(robots.arrivals).toHaveLength(0); // nothing is sent inside the action's transaction
    await new Promise((r) => setImmediate(r));
    await sending.settle();
    expect(robots.of('wecom')).toHaveLength(1);
    expect(robots.of('feishu')).toHaveLength(1);
    expect((await types(svc, state.id)).filter((t) => t === 'notification.sent')).toHaveLength(2);
  });
});

describe('reminders', () => {
  it('a step coming due is reminded once, an overdue one once more, to its owner; none twice', async () => {
    const svc = service(fresh());
    const opened = Date.now() - 25 * MIN;
    const state = await openAt(svc, opened);
    const remind = async (now: number) => {
      const events = await svc.store.events(state.id);
      await svc.act(state.id, (s) => planReminders(s, foldOutbox(events), now, 10 * MIN, 'watch', s.events + 1));
    };
    await remind(Date.now());
    await remind(Date.now() + MIN);
    const raised = async () => (await svc.store.events(state.id)).filter((e) => e.type === 'reminder.raised').map((e) => `${e.payload.kind} ${e.payload.step}`);
    expect(await raised()).toEqual(['due holding-statement']);
    await remind(opened + HOUR);
    await remind(opened + HOUR + MIN);
    expect(await raised()).toEqual(['due holding-statement', 'overdue holding-statement']);
    const reminders = (await queuedOf(svc, state.id)).filter((p) => p.kind === 'due' || p.kind === 'overdue');
    expect(reminders.map((p) => `${p.kind} ${p.team} ${p.channel.type}`)).toEqual(['due opinion wecom', 'due opinion feishu', 'overdue opinion wecom', 'overdue opinion feishu']);
  });

  it('drills raise none', async () => {
    const svc = service(fresh());
    const state = await openAt(svc, Date.now() - 2 * HOUR, 'drill');
    const drafts = planReminders(await svc.load(state.id), foldOutbox(await svc.store.events(state.id)), Date.now(), 10 * MIN, 'watch', 1);
    expect(drafts).toEqual([]);
  });
});

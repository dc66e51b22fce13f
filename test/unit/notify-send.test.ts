import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNotice, type SendableNotice } from '../../src/notify/notice.js';
import type { ChannelAddress } from '../../src/notify/secrets.js';
import { Sender, type SenderOptions } from '../../src/notify/send.js';
import type { Channel } from '../../src/playbook/schema.js';
import { Robots, type Platform } from '../support/robots.js';
import { incident, sendable, team } from '../support/notify.js';

let robots: Robots;
beforeAll(async () => {
  robots = await Robots.start();
});
afterAll(() => robots.close());
beforeEach(() => {
  robots.arrivals.length = 0;
});

const ENV = () => ({
  WECOM_URL: robots.url('wecom'),
  DT_URL: robots.url('dingtalk'),
  DT_SECRET: robots.options.dingtalkSecret,
  FS_URL: robots.url('feishu'),
  FS_SECRET: robots.options.feishuSecret,
  HOOK_URL: robots.url('webhook'),
  CE_URL: robots.url('cloudevents'),
  WRONG: 'not-the-secret',
});

const CHANNELS: Record<Platform, Channel> = {
  wecom: { type: 'wecom', url: { env: 'WECOM_URL' }, drill: false },
  dingtalk: { type: 'dingtalk', url: { env: 'DT_URL' }, secret: { env: 'DT_SECRET' }, drill: false },
  feishu: { type: 'feishu', url: { env: 'FS_URL' }, secret: { env: 'FS_SECRET' }, drill: false },
  webhook: { type: 'webhook', url: { env: 'HOOK_URL' }, drill: false },
  cloudevents: { type: 'cloudevents', url: { env: 'CE_URL' }, drill: false },
};

const address = (platform: Platform, over: Partial<Channel> = {}): ChannelAddress => ({
  team: 'leadership',
  index: 1,
  channel: { ...CHANNELS[platform], ...over } as Channel,
});

const notice = (n = 1, over: Partial<typeof team> = {}): SendableNotice =>
  sendable(buildNotice(`INC-20261128-001/N${n}`, incident(), { ...team, ...over }, { kind: 'opened' }, Date.now()), [{ ...team, ...over }]);

/** A clock that sleeping moves forward: retries and rate limits without waiting for real. */
function fakeTime(options: Partial<SenderOptions> = {}) {
  let clock = Date.now();
  const sleeps: number[] = [];
  const sender = new Sender({
    env: ENV(),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...options,
  });
  return { sender, sleeps, now: () => clock };
}

describe('the sender, against robots that check like the platforms', () => {
  it('delivers to WeCom: the markdown, then the mentions', async () => {
    const result = await fakeTime().sender.deliver({ notice: notice(), address: address('wecom') });
    expect(result).toMatchObject({ outcome: 'sent', attempts: 2, delivered: 2, parts: 2, status: 200, code: 0 });
    expect(robots.of('wecom').map((a) => a.body.msgtype)).toEqual(['markdown', 'text']);
  });

  it('waits out WeCom\'s 45009 a minute at a time, then delivers', async () => {
    robots.rateLimit('wecom', 2);
    const { sender, sleeps } = fakeTime();
    const result = await sender.deliver({ notice: notice(1, { members: [] }), address: address('wecom') });
    expect(result).toMatchObject({ outcome: 'sent', attempts: 3, code: 0 });
    expect(sleeps.filter((ms) => ms >= 60_000)).toHaveLength(2);
    expect(robots.of('wecom')).toHaveLength(1);
  });

  it('signs DingTalk requests so the robot accepts them; a wrong secret gets 310000 and no retry', async () => {
    expect(await fakeTime().sender.deliver({ notice: notice(), address: address('dingtalk') })).toMatchObject({ outcome: 'sent', attempts: 1 });
    expect(robots.of('dingtalk')[0]!.body.at.atMobiles).toEqual(['13800000001']);
    const wrong = await fakeTime().sender.deliver({ notice: notice(), address: address('dingtalk', { secret: { env: 'WRONG' } } as Partial<Channel>) });
    expect(wrong).toMatchObject({ outcome: 'failed', attempts: 1, code: 310000, delivered: 0 });
  });

  it('after DingTalk\'s 130101 stays away ten minutes', async () => {
    robots.rateLimit('dingtalk', 1);
    const { sender, sleeps } = fakeTime();
    expect(await sender.deliver({ notice: notice(), address: address('dingtalk') })).toMatchObject({ outcome: 'sent', attempts: 2 });
    expect(Math.max(...sleeps)).toBeGreaterThanOrEqual(600_000);
  });

  it('signs Feishu bodies so the bot accepts them; a wrong secret gets 19021', async () => {
    expect(await fakeTime().sender.deliver({ notice: notice(), address: address('feishu') })).toMatchObject({ outcome: 'sent', attempts: 2, delivered: 2 });
    expect(robots.of('feishu').map((a) => a.body.msg_type)).toEqual(['interactive', 'text']);
    const wrong = await fakeTime().sender.deliver({ notice: notice(), address: address('feishu', { secret: { env: 'WRONG' } } as Partial<Channel>) });
    expect(wrong).toMatchObject({ outcome: 'failed', code: 19021 });
  });

  it('keeps Feishu within 5 a second and 100 a minute', async () => {
    const sentAt: number[] = [];
    let clock = Date.now();
    const sender = new Sender({
      env: ENV(),
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
      fetch: (async (...args: Parameters<typeof fetch>) => {
        sentAt.push(clock);
        return fetch(...args);
      }) as typeof fetch,
    });
    for (let i = 1; i <= 12; i++) expect((await sender.deliver({ notice: notice(i, { members: [] }), address: address('feishu') })).outcome).toBe('sent');
    expect(sentAt).toHaveLength(12);
    for (const at of sentAt) expect(sentAt.filter((x) => x >= at && x < at + 1000).length).toBeLessThanOrEqual(5);
    expect(sentAt[11]! - sentAt[0]!).toBeGreaterThanOrEqual(2000);
  });

  it('retries a request that timed out; the copy that arrived late carries the same notification id', async () => {
    robots.stall('webhook', 1, 600);
    const result = await new Sender({ env: ENV(), timeoutMs: 150, backoffMs: 1 }).deliver({ notice: notice(9), address: address('webhook') });
    expect(result).toMatchObject({ outcome: 'sent', attempts: 2 });
    await new Promise((r) => setTimeout(r, 700));
    const texts = robots.of('webhook').map((a) => a.body.text as string);
    expect(texts.length).toBe(2);
    for (const text of texts) expect(text).toContain('INC-20261128-001/N9');
  });

  it('waits no longer than the deadline: what is left is retryable, with when to try again', async () => {
    robots.rateLimit('wecom', 1);
    const { sender, now } = fakeTime({ deadline: Date.now() + 5_000 });
    const result = await sender.deliver({ notice: notice(), address: address('wecom') });
    expect(result).toMatchObject({ outcome: 'retryable', delivered: 0, code: 45009 });
    expect(result.retryAt! - now()).toBeGreaterThanOrEqual(59_000);
  });

  it('resumes a split message after the parts already acknowledged, sending none twice', async () => {
    const long = notice(3, { duties: Array.from({ length: 8 }, () => ({ zh: '处'.repeat(600), en: 'x' })), members: [] });
    robots.rateLimit('wecom', 1, 1); // part 1 goes through, part 2 is refused once
    const first = await fakeTime({ attemptsPerRun: 1 }).sender.deliver({ notice: long, address: address('wecom') });
    expect(first).toMatchObject({ outcome: 'retryable', delivered: 1, attempts: 2, code: 45009 });
    expect(first.parts).toBeGreaterThan(1);
    const rest = await fakeTime().sender.deliver({ notice: long, address: address('wecom'), delivered: first.delivered, attempts: first.attempts });
    expect(rest).toMatchObject({ outcome: 'sent', delivered: first.parts, attempts: 1 + first.parts });
    const contents = robots.of('wecom').map((a) => a.body.markdown.content as string);
    expect(contents).toHaveLength(first.parts);
    expect(new Set(contents).size).toBe(first.parts);
  });

  it('honours a webhook\'s 429 Retry-After, and posts CloudEvents as application/cloudevents+json', async () => {
    robots.rateLimit('webhook', 1);
    const { sender, sleeps } = fakeTime();
    expect(await sender.deliver({ notice: notice(), address: address('webhook') })).toMatchObject({ outcome: 'sent', attempts: 2 });
    expect(sleeps).toContain(1000);
    expect(await sender.deliver({ notice: notice(), address: address('cloudevents') })).toMatchObject({ outcome: 'sent', status: 202 });
    expect(robots.of('cloudevents')[0]!.contentType).toBe('application/cloudevents+json; charset=utf-8');
    expect(robots.of('cloudevents')[0]!.body.type).toBe('cn.sec-incident.opened');
  });

  it('a result never holds the URL or the secret, even when the config is wrong', async () => {
    const results = [
      await fakeTime().sender.deliver({ notice: notice(), address: address('dingtalk', { secret: { env: 'WRONG' } } as Partial<Channel>) }),
      await new Sender({ env: { DT_URL: robots.url('dingtalk') } }).deliver({ notice: notice(), address: address('dingtalk') }),
    ];
    expect(results[1]).toMatchObject({ outcome: 'failed', code: 'config' });
    const text = JSON.stringify(results);
    for (const secret of [robots.options.dingtalkToken, robots.options.dingtalkSecret, 'not-the-secret', String(robots.port)]) expect(text).not.toContain(secret);
  });
});

import { describe, expect, it } from 'vitest';
import { buildNotice, type NoticeIncident } from '../../src/notify/notice.js';
import { cloudEvent, dingtalkSign, encodeNotice, feishuSign, signPart, splitByBytes, WECOM_MARKDOWN_BYTES } from '../../src/notify/wire.js';
import { classify } from '../../src/notify/outcome.js';
import { incident, sendable, team } from '../support/notify.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const AT = Date.parse('2026-11-28T09:00:00+08:00');
const opened = (over: Partial<NoticeIncident> = {}) => sendable(buildNotice('INC-20261128-001/N1', incident(over), team, { kind: 'opened' }, AT));

describe('splitByBytes', () => {
  it('keeps every piece within the limit and splits at line boundaries', () => {
    const text = Array.from({ length: 300 }, (_, i) => `第 ${i} 行：交易系统登录失败`).join('\n');
    const pieces = splitByBytes(text, 1000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(bytes(p)).toBeLessThanOrEqual(1000);
    expect(pieces.join('\n')).toBe(text);
  });

  it('cuts a line longer than the limit between characters, never inside one', () => {
    const line = '证券'.repeat(1000) + '😀'.repeat(100); // 3-byte and 4-byte characters
    const pieces = splitByBytes(line, 100);
    for (const p of pieces) {
      expect(bytes(p)).toBeLessThanOrEqual(100);
      expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p); // no U+FFFD from a broken sequence
      expect(p).not.toMatch(/[\ud800-\udbff]$/); // no lone high surrogate at the cut
    }
    expect(pieces.join('')).toBe(line);
  });
});

describe('WeCom', () => {
  it('sends markdown, and the mentions on a separate text message with mentioned_mobile_list', () => {
    const parts = encodeNotice(opened(), 'wecom');
    expect(parts.map((p) => p.body.msgtype)).toEqual(['markdown', 'text']);
    const md = (parts[0]!.body.markdown as { content: string }).content;
    expect(md).toContain('INC-20261128-001');
    expect(md).toContain('严重');
    expect(md).toContain('决定是否启动应急预案');
    expect(md).toContain('通知编号 INC-20261128-001/N1');
    expect(parts[1]!.body.text).toEqual({ content: expect.stringContaining('张三'), mentioned_mobile_list: ['13800000001'] });
  });

  it('splits a message over 4096 bytes into parts that each fit and each carry the id', () => {
    const long = { ...team, duties: Array.from({ length: 8 }, () => ({ zh: '处'.repeat(600), en: 'x' })) };
    const notice = sendable(buildNotice('INC-20261128-001/N2', incident(), long, { kind: 'opened' }, AT), [long]);
    const parts = encodeNotice(notice, 'wecom').filter((p) => p.body.msgtype === 'markdown');
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, p] of parts.entries()) {
      const content = (p.body.markdown as { content: string }).content;
      expect(bytes(content)).toBeLessThanOrEqual(WECOM_MARKDOWN_BYTES);
      expect(content).toContain('INC-20261128-001/N2');
      expect(content).toContain(`第 ${i + 1}/${parts.length} 条`);
    }
  });
});

describe('DingTalk', () => {
  it('sends markdown with title and text, and names the mentioned mobiles in at.atMobiles and in the text', () => {
    const [part] = encodeNotice(opened(), 'dingtalk');
    expect(part!.body.msgtype).toBe('markdown');
    const md = part!.body.markdown as { title: string; text: string };
    expect(md.title).toContain('INC-20261128-001');
    expect(md.text).toContain('@13800000001');
    expect(md.text.split('  \n  ')[1]).toBe('**手机APP登录失败**'); // the documented line break
    expect(part!.body.at).toEqual({ atMobiles: ['13800000001'], isAtAll: false });
  });

  it('signs as the platform documents: Base64 HMAC-SHA256(secret, ms + "\\n" + secret), URL-encoded', () => {
    // known answer computed independently with Python's hmac/base64/urllib.parse.quote_plus
    expect(encodeURIComponent(dingtalkSign('SECtest-secret', 1700000000000))).toBe('LC7hxZ4wslL%2BP7j7gu1hoQ%2BwzByekL%2ByWgiUMekZs0g%3D');
    const signed = signPart(encodeNotice(opened(), 'dingtalk')[0]!, 'dingtalk', { url: 'https://oapi.example/robot/send?access_token=T', secret: 'SECtest-secret' }, 1700000000000);
    expect(signed.url).toBe('https://oapi.example/robot/send?access_token=T&timestamp=1700000000000&sign=LC7hxZ4wslL%2BP7j7gu1hoQ%2BwzByekL%2ByWgiUMekZs0g%3D');
    expect(signed.body).not.toContain('SECtest-secret');
  });
});

describe('Feishu', () => {
  it('sends an interactive card and a text message with <at user_id> from the members\' feishu ids', () => {
    const parts = encodeNotice(opened(), 'feishu');
    expect(parts.map((p) => p.body.msg_type)).toEqual(['interactive', 'text']);
    const card = parts[0]!.body.card as any;
    expect(card.header.title.content).toContain('INC-20261128-001');
    expect(card.elements[0].text.tag).toBe('lark_md');
    expect(card.elements[1].elements[0].content).toBe('通知编号 INC-20261128-001/N1');
    expect((parts[1]!.body.content as { text: string }).text).toContain('<at user_id="ou_zhangsan">张三</at>');
  });

  it('signs in the body: timestamp in seconds, Base64 HMAC-SHA256 keyed with ts + "\\n" + secret over nothing', () => {
    expect(feishuSign('feishu-test', 1700000000)).toBe('hQptTKufF9VEXGKgMqeaw6Z/8e4+nbSLsDw6vrVyyrI=');
    const signed = signPart(encodeNotice(opened(), 'feishu')[0]!, 'feishu', { url: 'https://open.example/hook/x', secret: 'feishu-test' }, 1700000000999);
    const body = JSON.parse(signed.body);
    expect(body.timestamp).toBe('1700000000');
    expect(body.sign).toBe('hQptTKufF9VEXGKgMqeaw6Z/8e4+nbSLsDw6vrVyyrI=');
    expect(signed.url).toBe('https://open.example/hook/x');
  });
});

describe('webhook and CloudEvents', () => {
  it('a webhook gets Slack-compatible {"text"} without markdown emphasis', () => {
    const [part] = encodeNotice(opened({ lang: 'en' }), 'webhook');
    expect(Object.keys(part!.body)).toEqual(['text']);
    expect(part!.body.text).toContain('INC-20261128-001 [severe] response started');
    expect(part!.body.text).not.toContain('**');
  });

  it('a CloudEvent has the 1.0 attributes, type cn.sec-incident.<event>, and the facts in data', () => {
    const event = cloudEvent(opened());
    expect(event).toMatchObject({
      specversion: '1.0',
      id: 'INC-20261128-001/N1',
      source: 'sec-incident',
      type: 'cn.sec-incident.opened',
      time: '2026-11-28T01:00:00.000Z',
      datacontenttype: 'application/json',
      data: { incident: 'INC-20261128-001', tier: 'severe', direction: 'B', team: 'leadership', kind: 'opened' },
    });
    expect(encodeNotice(opened(), 'cloudevents')[0]!.contentType).toBe('application/cloudevents+json');
  });
});

describe('what an answer means', () => {
  const cases: [string, Parameters<typeof classify>, ReturnType<typeof classify>['kind'], number | string | undefined][] = [
    ['WeCom ok', ['wecom', 200, '{"errcode":0,"errmsg":"ok"}'], 'sent', 0],
    ['WeCom 45009 rate limit', ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}'], 'retry', 45009],
    ['WeCom 93000 bad URL', ['wecom', 200, '{"errcode":93000}'], 'failed', 93000],
    ['DingTalk 130101 too fast', ['dingtalk', 200, '{"errcode":130101}'], 'retry', 130101],
    ['DingTalk 310000 refused', ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}'], 'failed', 310000],
    ['DingTalk -1 busy', ['dingtalk', 200, '{"errcode":-1}'], 'retry', -1],
    ['Feishu ok', ['feishu', 200, '{"code":0,"msg":"success","data":{}}'], 'sent', 0],
    ['Feishu 19021 bad signature', ['feishu', 200, '{"code":19021,"msg":"sign match fail"}'], 'failed', 19021],
    ['Feishu 11232 rate limited', ['feishu', 200, '{"code":11232}'], 'retry', 11232],
    ['Feishu 9499 on a 400', ['feishu', 400, '{"code":9499,"msg":"Bad Request"}'], 'failed', 9499],
    ['a robot on a 502', ['wecom', 502, 'bad gateway'], 'retry', undefined],
    ['a webhook 204', ['webhook', 204, ''], 'sent', undefined],
    ['a webhook 404', ['webhook', 404, ''], 'failed', undefined],
    ['CloudEvents 429', ['cloudevents', 429, ''], 'retry', undefined],
  ];
  for (const [name, args, kind, code] of cases) {
    it(name, () => {
      const outcome = classify(...args);
      expect(outcome.kind).toBe(kind);
      expect('code' in outcome ? outcome.code : undefined).toBe(code);
    });
  }

  it('waits as long as each platform asks after "too fast"', () => {
    const wait = (args: Parameters<typeof classify>) => (classify(...args) as { waitMs: number }).waitMs;
    expect(wait(['wecom', 200, '{"errcode":45009}'])).toBe(60_000);
    expect(wait(['dingtalk', 200, '{"errcode":130101}'])).toBe(600_000);
    expect(wait(['webhook', 429, '', 7_000])).toBe(7_000);
  });
});

import { describe, expect, it } from 'vitest';
import { buildNotice, plainText, type NoticeEvent } from '../../src/notify/notice.js';
import { lookUpMentions } from '../../src/notify/mentions.js';
import { message } from '../../src/errors.js';
import { incident, team } from '../support/notify.js';

const AT = Date.parse('2026-11-28T09:00:00+08:00');
const MIN = 60_000;
const step = { zh: '发布首次情况说明', en: 'Publish the holding statement' };

const cases: [string, NoticeEvent, RegExp, RegExp][] = [
  ['opened', { kind: 'opened' }, /INC-20261128-001【严重】启动应急响应：应急领导小组已启动/, /INC-20261128-001 \[severe\] response started: Emergency leadership group activated/],
  [
    'regraded',
    { kind: 'regraded', from: { tier: 'moderate', direction: 'B' }, to: { tier: 'severe', direction: 'C' }, steps: [{ id: 'holding-statement', title: step, dueAt: AT + 30 * MIN }], activated: false },
    /分级变更：中度 → 严重/,
    /tier moderate → severe/,
  ],
  ['decision', { kind: 'decision', decision: 'reportable', option: 'yes', previous: 'unsure', reason: '影响客户超过一万' }, /决定 reportable：yes/, /decision reportable: yes/],
  ['due', { kind: 'due', step: 'holding-statement', title: step, dueAt: AT + 10 * MIN }, /10 分钟后到期：发布首次情况说明/, /due in 10 min: Publish the holding statement/],
  ['overdue', { kind: 'overdue', step: 'holding-statement', title: step, dueAt: AT - 75 * MIN }, /已超时 1 小时 15 分钟：发布首次情况说明/, /OVERDUE by 1 h 15 min: Publish the holding statement/],
  ['approval', { kind: 'approval', step: 'holding-statement', title: step, author: 'wangwu' }, /声明稿待审批：发布首次情况说明/, /statement awaiting approval: Publish the holding statement/],
  ['recovered', { kind: 'recovered', recoveredAt: AT }, /服务已恢复/, /service restored/],
  ['closed', { kind: 'closed', forced: false, summary: '已恢复，已报告', pending: 0 }, /事件已结束/, /closed/],
];

describe('notices, one per occasion SPEC §9 lists', () => {
  for (const [kind, event, zh, en] of cases) {
    it(`${kind}: in the incident's language, with the incident id, what to do and the notification id`, () => {
      const inZh = buildNotice('INC-20261128-001/N7', incident(), team, event, AT);
      const inEn = buildNotice('INC-20261128-001/N7', incident({ lang: 'en' }), team, event, AT);
      expect(inZh.kind).toBe(kind);
      expect(inZh.title).toMatch(zh);
      expect(inEn.title).toMatch(en);
      expect(inZh.lines.join('\n')).toMatch(/请：.*`sec-incident /);
      expect(inEn.lines.join('\n')).toMatch(/To do: .*`sec-incident /);
      expect(inZh.footer).toBe('通知编号 INC-20261128-001/N7');
      expect(inEn.footer).toBe('Notification INC-20261128-001/N7');
    });
  }

  it('a drill says 【演练】 / [DRILL] first', () => {
    expect(buildNotice('DRL-1/N1', incident({ mode: 'drill' }), team, { kind: 'opened' }, AT).title).toMatch(/^【演练】/);
    expect(buildNotice('DRL-1/N1', incident({ mode: 'drill', lang: 'en' }), team, { kind: 'opened' }, AT).title).toMatch(/^\[DRILL\] /);
    expect(buildNotice('INC-1/N1', incident(), team, { kind: 'opened' }, AT).title).not.toMatch(/演练|DRILL/);
  });

  it('mentions the team\'s members by name alone, on activation and reminders only: the outbox holds no mobile or Feishu id', () => {
    const mentioned = (event: NoticeEvent) => buildNotice('N', incident(), team, event, AT).mentions;
    expect(mentioned({ kind: 'opened' })).toEqual([{ name: '张三' }, { name: '李四' }]);
    expect(mentioned({ kind: 'overdue', step: 's', title: step, dueAt: AT - MIN })).toEqual([{ name: '张三' }, { name: '李四' }]);
    expect(mentioned({ kind: 'recovered', recoveredAt: AT })).toEqual([]);
    const kept = JSON.stringify(buildNotice('N', incident(), team, { kind: 'opened' }, AT));
    for (const contact of ['13800000001', 'ou_zhangsan', '+86 10 0000 0002']) expect(kept).not.toContain(contact);
  });

  it('lists the steps a regrade brought forward, with their due times in the firm\'s zone', () => {
    const n = buildNotice('N', incident(), team, { kind: 'regraded', from: { tier: 'moderate', direction: 'B' }, to: { tier: 'severe', direction: 'B' }, steps: [{ id: 'h', title: step, dueAt: AT + 30 * MIN }], activated: true }, AT);
    expect(n.lines).toContain('- 发布首次情况说明——截止 2026-11-28 09:30');
    expect(n.lines).toContain('本组职责：'); // activated by this change: told its duties
  });

  it('what people typed cannot carry a mention or a tag into the group', () => {
    expect(plainText('<@all> <at user_id="all">x</at>\nsecond line')).toBe('‹@all› ‹at user_id="all"›x‹/at› second line');
    const n = buildNotice('N', incident({ title: '<at user_id="all">所有人</at>' }), team, { kind: 'opened' }, AT);
    expect(n.lines.join('\n')).not.toContain('<at');
  });
});

describe('whom a notice @mentions is looked up in teams.yaml as it is when sent (issue 17, item 13)', () => {
  const notice = buildNotice('N', incident(), team, { kind: 'opened' }, AT);
  const now = (members: typeof team.members) => ({ teams: [{ ...team, members }] });

  it('by team and name: the mobile and Feishu id teams.yaml gives now', () => {
    const { notice: sent, unmentioned } = lookUpMentions(notice, 'wecom', now([{ name: '张三', mobile: '13900000009', feishu: 'ou_new' }, { name: '李四' }]));
    expect(sent.mentions).toEqual([
      { name: '张三', mobile: '13900000009', feishu: 'ou_new' },
      { name: '李四', mobile: undefined, feishu: undefined },
    ]);
    expect(unmentioned).toEqual([]);
  });

  it('a member no longer listed, or a team gone, is left out of the @mentions and named', () => {
    expect(lookUpMentions(notice, 'dingtalk', now([{ name: '张三', mobile: '13800000001' }])).unmentioned).toEqual(['李四']);
    const gone = lookUpMentions(notice, 'feishu', { teams: [{ ...team, id: 'other' }] });
    expect(gone.notice.mentions).toEqual([]);
    expect(gone.unmentioned).toEqual(['张三', '李四']);
  });

  it('an outbox from before, whose mentions carry the mobile of then: only the name is read', () => {
    const old = { ...notice, mentions: [{ name: '张三', mobile: '13800000001', feishu: 'ou_zhangsan' }] };
    expect(lookUpMentions(old, 'wecom', now([{ name: '张三', mobile: '13900000009' }])).notice.mentions).toEqual([{ name: '张三', mobile: '13900000009', feishu: undefined }]);
    expect(lookUpMentions(old, 'wecom', now([])).notice.mentions).toEqual([]);
  });

  it('teams.yaml unreadable: sent without @mentions, every name said', () => {
    const r = lookUpMentions(notice, 'wecom', { problem: message('text.verbatim', { text: 'bad yaml' }) });
    expect(r.notice.mentions).toEqual([]);
    expect(r.unmentioned).toEqual(['张三', '李四']);
  });

  it('platforms that cannot mention look nothing up and miss no one', () => {
    for (const type of ['webhook', 'cloudevents'] as const) expect(lookUpMentions(notice, type, { teams: [] })).toMatchObject({ notice: { mentions: [] }, unmentioned: [] });
  });
});

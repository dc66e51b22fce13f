import { describe, expect, it } from 'vitest';
import { buildNotice, plainText, type NoticeEvent } from '../../src/notify/notice.js';
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

  it('mentions the team\'s members who can be reached on a robot, on activation and reminders only', () => {
    const mentioned = (event: NoticeEvent) => buildNotice('N', incident(), team, event, AT).mentions.map((m) => m.name);
    expect(mentioned({ kind: 'opened' })).toEqual(['张三']);
    expect(mentioned({ kind: 'overdue', step: 's', title: step, dueAt: AT - MIN })).toEqual(['张三']);
    expect(mentioned({ kind: 'recovered', recoveredAt: AT })).toEqual([]);
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

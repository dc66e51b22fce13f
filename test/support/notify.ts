// An incident and a team for the notification tests.
import { lookUpMentions } from '../../src/notify/mentions.js';
import type { Notice, NoticeIncident, SendableNotice } from '../../src/notify/notice.js';
import type { Team } from '../../src/playbook/schema.js';

export const incident = (over: Partial<NoticeIncident> = {}): NoticeIncident => ({
  id: 'INC-20261128-001',
  title: '手机APP登录失败',
  tier: 'severe',
  direction: 'B',
  mode: 'real',
  lang: 'zh',
  timezone: 'Asia/Shanghai',
  ...over,
});

export const team: Team = {
  id: 'leadership',
  name: { zh: '应急领导小组', en: 'Emergency leadership group' },
  duties: [{ zh: '决定是否启动应急预案', en: 'Decide whether to trigger the plan' }],
  activate: ['severe', 'critical'],
  members: [
    { name: '张三', mobile: '13800000001', feishu: 'ou_zhangsan' },
    { name: '李四', phone: '+86 10 0000 0002' },
  ],
};

/** A notice as the sender has it: its mentions looked up in `teams` (by default the team above). */
export const sendable = (notice: Notice, teams: Team[] = [team]): SendableNotice => lookUpMentions(notice, 'wecom', { teams }).notice;

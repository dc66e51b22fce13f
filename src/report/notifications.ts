// Who was notified of what, when (SPEC §8 item 5, §9): the outbox as the report shows it.
import type { Outbox } from '../notify/outbox.js';
import type { Team } from '../playbook/schema.js';
import type { Messages } from '../i18n/messages.js';

export interface ReportNotification {
  id: string;
  queuedAt: number;
  team: string;
  teamName: string;
  /** `wecom #1`: the platform and the channel's place in the team's list, never its URL. */
  channel: string;
  title: string;
  outcome: 'sent' | 'failed' | 'waiting' | 'suppressed';
  /** When it was acknowledged (sent), else null. */
  sentAt: number | null;
  attempts: number;
  code?: number | string;
  /** Sent without @mentioning these: no longer in teams.yaml when it went (issue 17, item 13). */
  unmentioned?: string[];
}

export function notificationsSection(m: Messages, outbox: Outbox, teams: readonly Team[]): ReportNotification[] {
  const { teamName } = m;
  const rows: ReportNotification[] = [];
  for (const e of outbox.entries.values()) {
    const outcome = e.status === 'sent' ? 'sent' : e.status === 'failed' && e.retryAt === undefined ? 'failed' : 'waiting';
    rows.push({
      id: e.queued.id,
      queuedAt: e.queuedAt,
      team: e.queued.team,
      teamName: teamName(teams, e.queued.team),
      channel: `${e.queued.channel.type} #${e.queued.channel.index}`,
      title: e.queued.notice.title,
      outcome,
      sentAt: e.sentAt ?? null,
      attempts: e.attempts,
      ...(e.code !== undefined && outcome !== 'sent' ? { code: e.code } : {}),
      ...(e.unmentioned ? { unmentioned: e.unmentioned } : {}),
    });
  }
  for (const s of outbox.suppressed) {
    rows.push({
      id: s.id,
      queuedAt: s.at,
      team: s.team,
      teamName: teamName(teams, s.team),
      channel: `${s.channel.type} #${s.channel.index}`,
      title: s.title,
      outcome: 'suppressed',
      sentAt: null,
      attempts: 0,
    });
  }
  return rows.sort((a, b) => a.queuedAt - b.queuedAt || a.id.localeCompare(b.id, 'en', { numeric: true }));
}

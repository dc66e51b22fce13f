// What the teams are told, in the incident's language: short, with the incident id, the tier, what
// to do and the notification's own id. Pure: time and the incident come in as values.
import type { PinnedMember, PinnedTeam } from '../engine/events.js';
import type { HandlingDirection, Text, Tier } from '../playbook/schema.js';
import { formatShort } from '../time/zone.js';
import { messages, type Lang } from '../i18n/messages.js';

export const NOTICE_KINDS = ['opened', 'regraded', 'decision', 'due', 'overdue', 'approval', 'recovered', 'closed'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeIncident {
  id: string;
  title: string;
  tier: Tier;
  direction: HandlingDirection;
  mode: 'real' | 'drill';
  lang: Lang;
  timezone: string;
}

export interface NoticeStep {
  id: string;
  title: Text;
  dueAt: number | null;
}

/** The occasion of a notice: one per kind SPEC §9 lists. */
export type NoticeEvent =
  | { kind: 'opened' }
  | {
      kind: 'regraded';
      from: { tier: Tier; direction: HandlingDirection };
      to: { tier: Tier; direction: HandlingDirection };
      /** Pending steps whose due time came forward, and steps that newly apply. */
      steps: NoticeStep[];
      /** The receiving team is activated by this change: it is told its duties too. */
      activated: boolean;
    }
  | { kind: 'decision'; decision: string; option: string; previous?: string; reason?: string }
  | { kind: 'due' | 'overdue'; step: string; title: Text; dueAt: number }
  | { kind: 'approval'; step: string; title: Text; author: string }
  | { kind: 'recovered'; recoveredAt: number }
  | { kind: 'closed'; forced: boolean; summary?: string; reason?: string; pending: number };

/**
 * Whom a notice @mentions, by name: the outbox is part of the log, which keeps no phone numbers
 * (issue 17, item 13). Outboxes from before also hold the mobile and Feishu id: never read.
 */
export interface Mention {
  name: string;
}

/**
 * A mention as a platform needs it: the member's mobile and Feishu id, from teams.yaml as it is
 * when sent (both keys present, even when undefined, so only a lookup makes one: mentions.ts).
 */
export interface Reachable extends Mention {
  mobile: string | undefined;
  feishu: string | undefined;
}

/** A message before any platform's format: what the outbox records and the encoders render. */
export interface Notice {
  id: string;
  kind: NoticeKind;
  incident: string;
  team: string;
  drill: boolean;
  lang: Lang;
  /** One line; the drill marker first. */
  title: string;
  /** Markdown lines, using only what every platform renders: **bold**, `code`, "- " bullets. */
  lines: string[];
  /** The notification id, so a message that arrives twice can be recognised (SPEC §9). */
  footer: string;
  mentions: Mention[];
  /** For CloudEvents consumers: the facts, not the sentences. */
  data: Record<string, unknown>;
  at: number;
}

/** A notice as it is sent: its mentions looked up in the current teams.yaml (mentions.ts). */
export type SendableNotice = Omit<Notice, 'mentions'> & { mentions: Reachable[] };

const MAX_LISTED = 8;

/**
 * Text people typed, made safe for a chat message: one line, bounded, and with no angle brackets,
 * so a title cannot carry a mention (`<@all>`, `<at user_id="all">`) or a tag into the group.
 */
export function plainText(value: string, max = 200): string {
  const oneLine = value.replace(/\s+/g, ' ').trim().replaceAll('<', '‹').replaceAll('>', '›');
  const chars = [...oneLine];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : oneLine;
}

export function spanLabel(ms: number, lang: Lang): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60000));
  if (minutes < 60) return messages(lang).t('notify.span.min', { n: minutes });
  if (minutes < 1440) return messages(lang).t('notify.span.h', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return messages(lang).t('notify.span.d', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
}

// every member as pinned at the opening, by name: how to reach them is looked up when it is sent
function mentionsOf(team: { members: readonly PinnedMember[] }): Mention[] {
  return team.members.map((m) => ({ name: m.name }));
}

function listed<T>(items: readonly T[], render: (item: T) => string, lang: Lang): string[] {
  const shown = items.slice(0, MAX_LISTED).map((item) => `- ${render(item)}`);
  return items.length > MAX_LISTED ? [...shown, `- ${messages(lang).t('notify.more', { count: items.length - MAX_LISTED })}`] : shown;
}

/** Builds the notice for one team about one occasion. */
export function buildNotice(
  id: string,
  incident: NoticeIncident,
  team: Pick<PinnedTeam, 'id' | 'name' | 'duties' | 'members'>,
  event: NoticeEvent,
  at: number,
): Notice {
  const lang = incident.lang;
  const tr = messages(lang).t;
  const tier = (x: Tier) => tr(`tier.${x}`);
  const when = (ms: number | null) => (ms === null ? '—' : formatShort(ms, incident.timezone));
  const base = { drill: incident.mode === 'drill' ? tr('notify.drill') : '', id: incident.id };
  const teamName = messages(lang).text(team.name);
  const duties = () => [tr('notify.duties'), ...listed(team.duties, (d) => messages(lang).text(d), lang)];
  const todo = (what: string) => tr('notify.todo', { what });
  const heading = `**${plainText(incident.title)}**`;
  let title: string;
  let lines: string[];
  let mentions: Mention[] = [];
  const data: Record<string, unknown> = {};

  switch (event.kind) {
    case 'opened':
      title = tr('notify.opened.title', { ...base, tier: tier(incident.tier), team: teamName });
      lines = [heading, tr('notify.tierLine', { tier: tier(incident.tier), direction: tr(`direction.${incident.direction}`) }), ...duties()];
      lines.push(todo(tr('notify.opened.todo', { id: incident.id })));
      mentions = mentionsOf(team);
      break;
    case 'regraded': {
      const { from, to } = event;
      title =
        from.tier === to.tier
          ? tr('notify.regraded.sameTier', { ...base, from: from.direction, to: to.direction })
          : tr('notify.regraded.title', { ...base, from: tier(from.tier), to: tier(to.tier) });
      lines = [heading];
      if (from.direction !== to.direction && from.tier !== to.tier) lines.push(tr('notify.regraded.direction', { from: from.direction, to: to.direction }));
      if (event.steps.length > 0) {
        lines.push(tr('notify.regraded.steps'));
        lines.push(...listed(event.steps, (s) => tr('notify.regraded.step', { title: messages(lang).text(s.title), due: when(s.dueAt) }), lang));
      }
      if (event.activated) lines.push(...duties());
      lines.push(todo(tr('notify.regraded.todo', { id: incident.id })));
      if (event.activated) mentions = mentionsOf(team);
      Object.assign(data, { from, to, steps: event.steps.map((s) => ({ id: s.id, dueAt: isoOrNull(s.dueAt) })), activated: event.activated });
      break;
    }
    case 'decision':
      title = tr('notify.decision.title', { ...base, decision: event.decision, option: event.option });
      lines = [heading];
      if (event.previous) lines.push(tr('notify.decision.changed', { previous: event.previous }));
      if (event.reason) lines.push(tr('notify.decision.reason', { reason: plainText(event.reason, 500) }));
      lines.push(todo(tr('notify.decision.todo', { id: incident.id })));
      Object.assign(data, { decision: event.decision, option: event.option, previous: event.previous ?? null });
      break;
    case 'due':
    case 'overdue': {
      const step = messages(lang).text(event.title);
      const span = spanLabel(event.dueAt - at, lang);
      title = tr(`notify.${event.kind}.title`, { ...base, span, step });
      lines = [heading, tr(`notify.${event.kind}.line`, { due: when(event.dueAt), team: teamName })];
      lines.push(todo(tr('notify.due.todo', { id: incident.id, step: event.step })));
      mentions = mentionsOf(team);
      Object.assign(data, { step: event.step, dueAt: new Date(event.dueAt).toISOString() });
      break;
    }
    case 'approval':
      title = tr('notify.approval.title', { ...base, step: messages(lang).text(event.title) });
      lines = [heading, tr('notify.approval.line', { author: plainText(event.author, 80), team: teamName })];
      lines.push(todo(tr('notify.approval.todo', { id: incident.id, step: event.step })));
      mentions = mentionsOf(team);
      Object.assign(data, { step: event.step, author: event.author });
      break;
    case 'recovered':
      title = tr('notify.recovered.title', base);
      lines = [heading, tr('notify.recovered.line', { at: when(event.recoveredAt) }), todo(tr('notify.recovered.todo', { id: incident.id }))];
      data.recoveredAt = new Date(event.recoveredAt).toISOString();
      break;
    case 'closed':
      title = tr('notify.closed.title', base);
      lines = [heading];
      if (event.forced) lines.push(tr('notify.closed.forced', { count: event.pending, reason: plainText(event.reason ?? '', 500) }));
      else if (event.summary) lines.push(tr('notify.closed.summary', { summary: plainText(event.summary, 500) }));
      lines.push(todo(tr('notify.closed.todo', { id: incident.id })));
      Object.assign(data, { forced: event.forced });
      break;
  }

  return {
    id,
    kind: event.kind,
    incident: incident.id,
    team: team.id,
    drill: incident.mode === 'drill',
    lang,
    title,
    lines,
    footer: tr('notify.id', { id }),
    mentions,
    data: { incident: incident.id, title: incident.title, tier: incident.tier, direction: incident.direction, mode: incident.mode, team: team.id, ...data },
    at,
  };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

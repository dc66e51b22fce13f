import type { Team, Tier } from '../playbook/schema.js';
import type { EventDraft } from '../engine/events.js';
import type { RequestDetail } from '../engine/approvals.js';
import { namesOf } from '../notify/outbox.js';
import type { Messages } from '../i18n/messages.js';

/** One line saying what an event recorded, in the language of `m`; teams by name when `teams` knows them. */
export function describeEvent(m: Messages, event: EventDraft, teams?: readonly Team[]): string {
  const { t, teamName } = m;
  switch (event.type) {
    case 'incident.opened': {
      const p = event.payload;
      return t('ev.opened', { title: p.title, type: p.type, playbook: p.playbook.id, version: p.playbook.version });
    }
    case 'incident.graded': {
      const p = event.payload;
      const base = t('ev.graded', { score: p.result.score, tier: t(`tier.${p.tier}`), direction: p.result.direction });
      return p.override
        ? `${base}; ${t('ev.gradedOverride', { tier: t(`tier.${p.tier}`), computed: t(`tier.${p.result.tier}`), reason: p.reason ?? '' })}`
        : p.reason
          ? `${base}: ${p.reason}`
          : base;
    }
    case 'team.activated':
      return event.payload.approval
        ? t('ev.activatedForApproval', { team: teamName(teams, event.payload.team), step: event.payload.step ?? '' })
        : event.payload.step
        ? t('ev.activatedFor', { team: teamName(teams, event.payload.team), step: event.payload.step })
        : t('ev.activated', { team: teamName(teams, event.payload.team) });
    case 'team.reached':
      return t('ev.reached', {
        member: event.payload.member,
        team: teamName(teams, event.payload.team),
        reached: t(event.payload.reached ? 'ev.reachedYes' : 'ev.reachedNo'),
      }) + (event.payload.note ? ` — ${event.payload.note}` : '');
    case 'step.completed':
      return (
        t('ev.completed', { step: event.payload.step }) +
        (event.payload.outcome !== undefined ? ` ${t('ev.outcome', { outcome: event.payload.outcome })}` : '') +
        (event.payload.note ? ` — ${event.payload.note}` : '')
      );
    case 'decision.made': {
      const p = event.payload;
      const base = p.previous === null || p.previous === p.outcome
        ? t('ev.decided', { decision: p.decision, outcome: p.outcome })
        : t('ev.decisionChanged', { decision: p.decision, outcome: p.outcome, previous: p.previous });
      return base + (p.reason ? ` — ${p.reason}` : '');
    }
    case 'step.reopened':
      return t('ev.reopened', { step: event.payload.step, reason: event.payload.reason });
    case 'step.skipped':
      return t('ev.skipped', { step: event.payload.step, reason: event.payload.reason });
    case 'step.withdrawn':
      return t('ev.withdrawn', { step: event.payload.step, cause: t(`ev.cause.${event.payload.cause}`) });
    case 'note.added':
      return (event.payload.step ? `[${event.payload.step}] ` : '') + t('ev.note', { text: event.payload.text });
    case 'statement.rendered':
      return t('ev.statement', { template: event.payload.template, lang: event.payload.lang });
    case 'vars.updated':
      return t('ev.vars', { vars: Object.entries(event.payload.vars).map(([k, v]) => `${k} = ${v || '—'}`).join('; ') });
    case 'signals.imported': {
      const p = event.payload;
      return t('ev.signals', { file: p.file, sha: p.sha256.slice(0, 12), used: p.used, ignored: p.ignored, reposts: p.metrics.reposts, views: p.metrics.views, trend: t(`value.${p.metrics.trend}`) });
    }
    case 'incident.recovered':
      return (
        t('ev.recovered') +
        (event.payload.recoveredAt ? ` ${t('ev.recoveredAt', { at: event.payload.recoveredAt })}` : '') +
        (event.payload.note ? ` — ${event.payload.note}` : '')
      );
    case 'notification.queued':
    case 'notification.suppressed': {
      const p = event.payload;
      const params = { id: p.id, team: teamName(teams, p.team), type: p.channel.type, index: p.channel.index };
      return event.type === 'notification.queued'
        ? t('ev.notification.queued', { ...params, title: event.payload.notice.title })
        : t('ev.notification.suppressed', params);
    }
    case 'notification.claimed':
      return t('ev.notification.claimed', { count: event.payload.ids.length, by: event.payload.by, until: event.payload.until });
    case 'notification.sent': {
      const base = t('ev.notification.sent', { id: event.payload.id, attempt: event.payload.attempt });
      const unmentioned = namesOf(event.payload.unmentioned);
      return unmentioned.length ? `${base}; ${t('ev.notification.unmentioned', { names: unmentioned.join(', ') })}` : base;
    }
    case 'notification.failed': {
      const p = event.payload;
      const base = t('ev.notification.failed', { id: p.id, attempt: p.attempt, code: String(p.code ?? p.status ?? '—') });
      return p.retryAt ? `${base}, ${t('ev.notification.retry', { at: p.retryAt })}` : base;
    }
    case 'reminder.raised':
      return t(`ev.reminder.${event.payload.kind}`, { step: event.payload.step, due: event.payload.dueAt });
    case 'statement.drafted':
      return t('ev.drafted', { step: event.payload.step, draft: event.payload.draft, sha: event.payload.sha256.slice(0, 12) });
    case 'statement.approved': {
      const p = event.payload;
      return t('ev.approved', { step: p.step, draft: p.draft, member: p.member, team: teamName(teams, p.team) }) + signoffMark(m, p);
    }
    case 'statement.rejected': {
      const p = event.payload;
      return t('ev.rejected', { step: p.step, draft: p.draft, member: p.member, reason: p.reason }) + signoffMark(m, p);
    }
    case 'approval.requested': {
      const p = event.payload;
      return t('ev.requested', { request: p.request, kind: t(`approval.kind.${p.kind}`), detail: requestDetail(m, p.detail) });
    }
    case 'approval.granted':
      return t('ev.granted', { request: event.payload.request, member: event.payload.member }) + signoffMark(m, event.payload);
    case 'approval.refused':
      return t('ev.refused', { request: event.payload.request, member: event.payload.member, reason: event.payload.reason }) + signoffMark(m, event.payload);
    case 'incident.closed':
      return event.payload.forced
        ? t('ev.closedForced', { count: event.payload.pending.length, reason: event.payload.reason ?? '' })
        : t('ev.closed') + (event.payload.summary ? ` — ${event.payload.summary}` : '');
    case 'clock.skew':
      return t('ev.clockSkew', { clock: event.payload.clock, last: event.payload.last });
    case 'db.imported':
      return t('ev.imported', { source: event.payload.source, events: event.payload.events, head: event.payload.head.slice(0, 12) });
  }
}


/**
 * The first seq whose recorded_by the store vouches for: on a store that checks it (PostgreSQL),
 * the events after the last `db.imported` (the copied ones were written elsewhere), the marker
 * included; on one that cannot (SQLite), none.
 */
export function verifiedFrom(events: Iterable<{ seq: number; type: string }>, storeVerifies: boolean): number {
  if (!storeVerifies) return Infinity;
  let from = 1;
  for (const e of events) if (e.type === 'db.imported') from = e.seq;
  return from;
}

/** Who wrote an event, said beside its actor when they differ (SPEC §6): verified, or only claimed. */
export function recorderNote(m: Messages, event: { seq: number; actor: string; recordedBy?: string }, from: number): string | undefined {
  const { t } = m;
  if (!event.recordedBy || event.recordedBy === event.actor) return undefined;
  return t(event.seq >= from ? 'rec.verified' : 'rec.claimed', { by: event.recordedBy });
}

/**
 * describeEvent for an event as stored, which may have been altered outside the tool: a payload
 * that is not JSON any more, or a type that does not exist, is shown as it is stored.
 */
export function describeStored(m: Messages, event: EventDraft, teams?: readonly Team[]): string {
  const { t } = m;
  const payload: unknown = event.payload;
  const raw = () => t('log.undescribable', { payload: typeof payload === 'string' ? payload : (JSON.stringify(payload) ?? '') });
  if (typeof payload !== 'object' || payload === null) return raw();
  try {
    const text = describeEvent(m, event, teams) as string | undefined;
    return typeof text === 'string' ? text : raw();
  } catch {
    return raw();
  }
}

/** "(claimed, not verified by the store)" or "(drill)" after a signature that is not verified. */
export function signoffMark(m: Messages, p: { claimed?: boolean; drill?: boolean }): string {
  return p.drill ? ` (${m.t('approval.drill')})` : p.claimed ? ` (${m.t('approval.claimed')})` : '';
}

/** What a request would change, in a few words: the steps it abandons or withdraws, the tiers. */
export function requestDetail(m: Messages, d: RequestDetail): string {
  if (d.action === 'close') return `${d.pending.join(', ')} — ${d.reason}`;
  const withdraws = d.withdraws.length ? ` − ${d.withdraws.join(', ')}` : '';
  if (d.action === 'decide') return `${d.decision}: ${d.previous ?? '—'} → ${d.outcome}${withdraws}${d.reason ? ` — ${d.reason}` : ''}`;
  const reason = d.override?.reason ?? d.reason;
  return `${m.t(`tier.${d.from as Tier}`)} → ${m.t(`tier.${d.to as Tier}`)}${withdraws}${reason ? ` — ${reason}` : ''}`;
}

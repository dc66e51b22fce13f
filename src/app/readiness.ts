// Is this set-up ready for a real incident? The firm's name and hotline go into every statement,
// and teams.yaml's members are who the walk offers to call: the bundled examples are nobody.
import type { Context } from '../context.js';
import type { Firm } from '../playbook/schema.js';
import type { Team } from '../playbook/schema.js';

/** The bundled teams.yaml's placeholder numbers: "+86 10 0000 0001" … (playbooks/teams.yaml). */
const PLACEHOLDER_PHONE = /^\+?\s*86[\s-]*10[\s-]*0000[\s-]*\d{4}$/;

export interface ExampleMember {
  team: number;
  member: number;
  name: string;
}

export function exampleMembers(teams: readonly Team[]): ExampleMember[] {
  return teams.flatMap((team, i) =>
    (team.members ?? []).flatMap((m, j) => (m.phone && PLACEHOLDER_PHONE.test(m.phone.trim()) ? [{ team: i, member: j, name: m.name }] : [])),
  );
}

export type ReadinessGap = 'firm.name' | 'firm.hotline' | 'teams';

/** What is still missing for a real incident, in a fixed order; empty when ready. */
export function readinessGaps(firm: Firm, teams: readonly Team[]): ReadinessGap[] {
  return [
    ...(firm.name?.trim() ? [] : ['firm.name' as const]),
    ...(firm.hotline?.trim() ? [] : ['firm.hotline' as const]),
    ...(exampleMembers(teams).length > 0 ? ['teams' as const] : []),
  ];
}

/** A real incident opened on a set-up that is not ready: said once, briefly, before anything else. */
export function warnIfNotReady(ctx: Context, teams: readonly Team[]): void {
  const gaps = readinessGaps(ctx.firm, teams);
  if (gaps.length === 0) return;
  const { t, lang } = ctx.messages;
  ctx.err(t('ready.warning', { gaps: gaps.map((g) => t(`ready.gap.${g}`)).join(lang === 'zh' ? '；' : '; ') }));
}

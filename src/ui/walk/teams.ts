// Team activation: who the tier calls in, what they do, how to reach them, and who was reached.
import { teamReached } from '../../engine/decide.js';
import type { IncidentState } from '../../engine/fold.js';
import type { PinnedTeam } from '../../engine/events.js';
import type { Team } from '../../playbook/schema.js';
import { currentTeams } from '../../app/library.js';
import { formatShort } from '../../time/zone.js';
import { painter } from '../style.js';
import { fitToWidth } from '../table.js';
import { confirmQuestion, reachedQuestion, type Contact } from './questions.js';
import { record, type Walk } from './session.js';
import type { Messages } from '../../i18n/messages.js';

/** teams.yaml as it is now: where the walk finds the phones the log does not keep (issue 17, item 13). */
export type CurrentTeams = ReturnType<typeof currentTeams>;

export function activatedTeams(state: IncidentState): PinnedTeam[] {
  const ids = new Set(state.teams.map((x) => x.team));
  return state.opened.teams.filter((team) => ids.has(team.id));
}

/** Activated teams nobody has answered for yet: shown on activation, and again on resume. */
export function unsettledTeams(state: IncidentState): PinnedTeam[] {
  const answered = new Set(state.reached.map((r) => r.team));
  return activatedTeams(state).filter((team) => !answered.has(team.id));
}

// a team without listed members is reached as a whole, under its own name; the members are the
// ones pinned at the opening, their phones those teams.yaml gives now (the log keeps none)
function contactsOf(m: Messages, team: PinnedTeam, current: CurrentTeams): { name: string; detail: string }[] {
  const { t, text } = m;
  if (team.members.length === 0) return [{ name: text(team.name), detail: t('walk.noMembers') }];
  const listed: Team['members'] | undefined = 'teams' in current ? current.teams.find((x) => x.id === team.id)?.members : undefined;
  return team.members.map((member) => {
    const now = listed?.find((x) => x.name === member.name);
    const reach = now ? now.phone : listed ? t('walk.memberGone') : undefined;
    return { name: member.name, detail: [text(member.role), reach].filter(Boolean).join(' · ') };
  });
}

export function renderTeams(m: Messages, state: IncidentState, teams: PinnedTeam[], color: boolean, current: CurrentTeams): string {
  const { t, text } = m;
  const c = painter(color);
  const tz = state.opened.timezone;
  const lines: string[] = [];
  for (const team of teams) {
    lines.push('', `${c.bold(text(team.name))} ${c.dim(`(${team.id})`)}`);
    for (const duty of team.duties) lines.push(`  • ${text(duty)}`);
    for (const contact of contactsOf(m, team, current)) {
      const reached = state.reached.filter((r) => r.team === team.id && r.member === contact.name).at(-1);
      const mark = reached?.reached ? c.green(t('walk.reachedAt', { at: formatShort(reached.at, tz) })) : reached ? c.yellow(t('walk.notReached')) : '';
      lines.push(`  ☎ ${contact.name}${contact.detail ? ` — ${contact.detail}` : ''}${mark ? `  ${mark}` : ''}`);
    }
  }
  return lines.join('\n');
}

/**
 * Asks who was reached among `teams` and records one event per contact. On first activation the
 * contacts left unticked are recorded as not reached; later only new confirmations are recorded.
 */
export async function confirmReached(w: Walk, state: IncidentState, teams: PinnedTeam[], firstTime: boolean): Promise<IncidentState> {
  const { t, text } = w.ctx.messages;
  const current = currentTeams(w.ctx);
  const reachedBefore = new Set(state.reached.filter((r) => r.reached).map((r) => `${r.team}\n${r.member}`));
  const groups = teams
    .map((team) => ({
      team: team.id,
      teamName: text(team.name),
      members: contactsOf(w.ctx.messages, team, current).filter((m) => !reachedBefore.has(`${team.id}\n${m.name}`)),
    }))
    .filter((g) => g.members.length > 0);
  if (groups.length === 0) {
    w.ctx.out(t('walk.allReached'));
    return state;
  }
  const contacts = groups.reduce((n, g) => n + g.members.length, 0);
  let picked = await w.ask.checkbox(reachedQuestion(w.ctx.messages, groups));
  // Enter on an untouched list would record everyone as not reached: ask before writing that
  while (picked.length === 0 && firstTime && !(await w.ask.confirm(confirmQuestion('teams.noneReached', t('ask.noneReached', { count: contacts }), false)))) {
    picked = await w.ask.checkbox(reachedQuestion(w.ctx.messages, groups));
  }
  const key = (c: Contact) => `${c.team}\n${c.member}`;
  const ticked = new Set(picked.map(key));
  const events = groups.flatMap((g) =>
    g.members
      .map((m) => ({ team: g.team, member: m.name, reached: ticked.has(key({ team: g.team, member: m.name })) }))
      .filter((r) => r.reached || firstTime),
  );
  if (events.length === 0) return state;
  const after = await record(w, (s, at, actor) => events.flatMap((r) => teamReached(s, r, at, actor)));
  w.ctx.out(t('walk.reachedRecorded', { reached: events.filter((e) => e.reached).length, total: contacts }));
  return after;
}

/** One line a team, with how many contacts and duties: the full list is the `teams` action's. */
export function renderTeamsCollapsed(m: Messages, teams: PinnedTeam[], color: boolean): string {
  const { t, text } = m;
  const c = painter(color);
  const lines = teams.map(
    (team) => `  ${t('walk.teamLine', { name: c.bold(text(team.name)), id: team.id, members: team.members.length, duties: team.duties.length })}`,
  );
  return [...lines, c.dim(t('walk.teamsExpand'))].join('\n');
}

/**
 * Shows newly activated teams and asks who was reached. Collapsed to a line a team, so that the
 * new id and the resume hint above stay on a 24-line screen (issue 16); the checklist names everyone.
 */
export async function activate(w: Walk, state: IncidentState): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const teams = unsettledTeams(state);
  if (teams.length === 0) return state;
  w.ctx.out(`\n${t('walk.teamsIntro', { tier: t(`tier.${state.tier}`), count: teams.length })}`);
  w.ctx.out(fitToWidth(renderTeamsCollapsed(w.ctx.messages, teams, w.ctx.color), w.ctx.columns));
  return confirmReached(w, state, teams, true);
}

/** The walk's "teams and contacts" action: every activated team, and whoever is still to reach. */
export async function reviewTeams(w: Walk, state: IncidentState): Promise<IncidentState> {
  const teams = activatedTeams(state);
  w.ctx.out(renderTeams(w.ctx.messages, state, teams, w.ctx.color, currentTeams(w.ctx)));
  return confirmReached(w, state, teams, false);
}

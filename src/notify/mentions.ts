// Whom a notice @mentions is kept by name (the log holds no phone numbers, issue 17 item 13); how
// to reach them is read from teams.yaml as it is when the notice is sent, so a changed mobile is
// used and a member who left is not called. Pure: the teams come in as a value.
import type { Message } from '../errors.js';
import type { ChannelType, Team } from '../playbook/schema.js';
import type { Notice, Reachable, SendableNotice } from './notice.js';

/** teams.yaml as the sender found it: its teams, or why it could not be read. */
export type Directory = { teams: readonly Team[] } | { problem: Message };

/** The platforms whose messages can @mention someone (SPEC §9). */
const MENTIONING: ReadonlySet<ChannelType> = new Set(['wecom', 'dingtalk', 'feishu']);

export interface LookedUp {
  notice: SendableNotice;
  /** Names the notice would @mention that teams.yaml no longer lists under its team (or could not be read). */
  unmentioned: string[];
}

/**
 * The notice with its mentions' contacts from the current teams.yaml, by team and name. A member
 * not found there is left out of the @mentions, and named in `unmentioned`; the message still goes.
 */
export function lookUpMentions(notice: Notice, type: ChannelType, directory: Directory): LookedUp {
  if (!MENTIONING.has(type) || notice.mentions.length === 0) return { notice: { ...notice, mentions: [] }, unmentioned: [] };
  const members = 'teams' in directory ? directory.teams.find((t) => t.id === notice.team)?.members : undefined;
  const mentions: Reachable[] = [];
  const unmentioned: string[] = [];
  // only the name is read: an outbox from before also holds the mobile it had then
  for (const { name } of notice.mentions) {
    const member = members?.find((m) => m.name === name);
    if (member) mentions.push({ name, mobile: member.mobile, feishu: member.feishu });
    else unmentioned.push(name);
  }
  return { notice: { ...notice, mentions }, unmentioned };
}

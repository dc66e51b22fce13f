// Opening the library a command works from: grading, teams and one playbook, validated — and the
// one place an OpenRequest is put together, for open, start and drill alike.
import { join } from 'node:path';
import type { Context } from '../context.js';
import type { OpenRequest } from '../engine/decide.js';
import { CliError, InputError, type Message } from '../errors.js';
import { cached, readText } from '../playbook/cache.js';
import { loadGrading, loadPlaybook, loadTeams, type LoadedPlaybook } from '../playbook/library.js';
import type { GradingConfig, Team } from '../playbook/schema.js';
import { lockDrift } from '../playbook/lock.js';
import { playbookTemplateProblems } from '../playbook/validate.js';
import { localDate, toLocal } from '../time/zone.js';

export interface Library {
  grading: GradingConfig;
  teams: Team[];
  playbook: LoadedPlaybook;
}

/** The grading, teams and one playbook, validated — from the cache when the files are unchanged. */
export function loadLibrary(ctx: Context, type: string): Library {
  const dir = ctx.playbooksDir;
  const gradingText = readText(join(dir, 'grading.yaml'));
  const teamsText = readText(join(dir, 'teams.yaml'));
  const file = join(dir, `${type}.yaml`);
  const playbookText = /^[a-z0-9][a-z0-9-]*$/.test(type) ? readText(file) : undefined;
  const key = (kind: string, ...texts: (string | undefined)[]) =>
    texts.every((x) => x !== undefined) ? { kind, texts: texts as string[] } : undefined;
  const grading = cached(ctx.env, key('grading', gradingText), () => loadGrading(dir));
  const teams = cached(ctx.env, key('teams', teamsText), () => loadTeams(dir));
  // a playbook's owners are checked against teams.yaml: both texts make its key
  const playbook = cached(ctx.env, key('playbook', file, playbookText, teamsText), () => loadPlaybook(dir, type, teams));
  // a statement that could not render is bad input now, not a surprise mid-incident
  const problems = playbookTemplateProblems(dir, ctx.templatesDir, playbook.definition, localDate(toLocal(ctx.now(), ctx.timezone)));
  if (problems.length > 0) throw new InputError('pb.templatesBroken', { type, count: problems.length }, problems);
  return { grading, teams, playbook };
}

/**
 * teams.yaml as it is now, for what the log does not keep: members' phones, mobiles and Feishu ids
 * (issue 17, item 13). Why not, when it cannot be read: a notification still goes, unmentioned.
 */
export function currentTeams(ctx: Context): { teams: Team[] } | { problem: Message } {
  const dir = ctx.playbooksDir;
  try {
    const text = readText(join(dir, 'teams.yaml'));
    return { teams: cached(ctx.env, text === undefined ? undefined : { kind: 'teams', texts: [text] }, () => loadTeams(dir)) };
  } catch (error) {
    if (error instanceof CliError) return { problem: error.said };
    throw error;
  }
}

export function assembleRequest(
  ctx: Context,
  lib: Library,
  fields: Pick<OpenRequest, 'title' | 'mode' | 'vars' | 'inputs'> & Partial<Pick<OpenRequest, 'override' | 'drill' | 'startedAt' | 'discoveredAt'>>,
): OpenRequest {
  return {
    type: lib.playbook.definition.id,
    playbook: lib.playbook,
    grading: lib.grading,
    teams: lib.teams,
    timezone: ctx.timezone,
    lang: ctx.lang,
    firm: ctx.firm,
    approvals: ctx.approvals,
    ...fields,
  };
}

/** A reviewed library (playbooks/lock.yaml) whose files changed since: said before the incident opens. */
export function warnUnlocked(ctx: Context): void {
  const drift = lockDrift(ctx.playbooksDir, ctx.templatesDir);
  if (drift && drift.length > 0) ctx.err(ctx.messages.t('lock.warn', { files: drift.join(', ') }));
}

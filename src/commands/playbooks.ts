import { approvalNeeds } from '../engine/approvals.js';
import { defaultActor } from '../config.js';
import { InputError } from '../errors.js';
import { LOCK_FILE, lockDrift, writeLock } from '../playbook/lock.js';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { loadPlaybook, loadTeams, playbookIds } from '../playbook/library.js';
import { TIERS, type StepDefinition } from '../playbook/schema.js';
import { validateLibrary } from '../playbook/validate.js';
import { parseFile } from '../playbook/library.js';
import { teamsFileSchema } from '../playbook/schema.js';
import { locate } from '../playbook/yaml.js';
import { exampleMembers } from '../app/readiness.js';
import { message, type Message, type Problem } from '../errors.js';
import { join } from 'node:path';
import { localDate, toLocal } from '../time/zone.js';
import type { Messages } from '../i18n/messages.js';
import { renderTable, wrap } from '../ui/table.js';

export async function list(ctx: Context): Promise<number> {
  const { t, text } = ctx.messages;
  const ids = playbookIds(ctx.playbooksDir); // first: a missing folder is named as such, not as a missing teams.yaml
  const teams = loadTeams(ctx.playbooksDir);
  const playbooks = ids.map((id) => loadPlaybook(ctx.playbooksDir, id, teams).definition);
  if (ctx.json) {
    printJson(
      ctx,
      playbooks.map((p) => ({ id: p.id, version: p.version, name: p.name, steps: p.steps.length, reviewed: p.reviewed ?? null })),
    );
    return 0;
  }
  ctx.out(
    renderTable(
      ctx.messages,
      [t('pb.list.id'), t('pb.list.name'), t('pb.list.version'), t('pb.list.steps'), t('pb.list.reviewed')],
      playbooks.map((p) => [p.id, text(p.name), String(p.version), String(p.steps.length), p.reviewed ?? '—']),
      { width: ctx.columns, wrap: [1] },
    ),
  );
  return 0;
}

export function dueLabel(m: Messages, step: StepDefinition): string {
  const { t } = m;
  const parts: string[] = [];
  if (typeof step.due === 'string') parts.push(step.due);
  else if (step.due) parts.push(TIERS.filter((tier) => step.due && tier in (step.due as object)).map((tier) => `${t(`tier.${tier}`)} ${(step.due as Record<string, string>)[tier]}`).join(', '));
  if (step.from === 'recovered') parts.push(t('pb.show.fromRecovery'));
  if (step.from === 'discovered') parts.push(t('pb.show.fromDiscovery'));
  if (step.repeat) parts.push(t('pb.show.repeat', { d: step.repeat }) + (step.until ? ` ${t('pb.show.until', { until: step.until })}` : ''));
  return parts.join(' · ') || '—';
}

export async function show(ctx: Context, [type]: string[]): Promise<number> {
  const { t, text, teamName } = ctx.messages;
  playbookIds(ctx.playbooksDir); // a missing folder is named as such, not as a missing teams.yaml
  const teams = loadTeams(ctx.playbooksDir);
  const { definition: p, sha256 } = loadPlaybook(ctx.playbooksDir, type!, teams);
  if (ctx.json) {
    printJson(ctx, { ...p, sha256 });
    return 0;
  }
  const width = ctx.columns;
  const fitted = (block: string) => (width ? block.split('\n').flatMap((line) => (line.trim() ? wrap(line, width) : [''])) : [block]);
  const lines = [...fitted(`${text(p.name)} (${p.id} v${p.version})`), ...fitted(text(p.description)), ''];
  lines.push(
    renderTable(
      ctx.messages,
      [t('pb.show.step'), t('pb.list.name'), t('pb.show.owner'), t('pb.show.tiers'), t('pb.show.directions'), t('pb.show.due')],
      p.steps.map((s) => [
        s.id,
        `${t(`phase.${s.phase}`)} · ${text(s.title)}`,
        teamName(teams, s.owner),
        s.tiers ? s.tiers.map((tier) => t(`tier.${tier}`)).join('/') : t('pb.show.all'),
        s.directions ? s.directions.join('/') : t('pb.show.all'),
        dueLabel(ctx.messages, s),
      ]),
      { width: ctx.columns, wrap: [1, 2, 5] },
    ),
  );
  // conditions, decisions and the rule each duty follows (SPEC §4.1): under the table, one per step
  const about = p.steps.flatMap((s) => {
    const parts = [
      ...Object.entries(s.when ?? {}).map(([k, v]) => (typeof v === 'number' ? `${k} ≥ ${v}` : `${k} ∈ {${([] as string[]).concat(v).join(', ')}}`)),
      ...(s.decision ? [t('pb.show.decides', { id: s.decision.id, options: s.decision.options.map((o) => o.id).join(' / ') })] : []),
      ...(s.basis ? [t('pb.show.basis', { basis: text(s.basis) })] : []),
      ...(s.approval ? [t('pb.show.approval', { teams: approvalNeeds(s.approval).map((n) => (n.count > 1 ? `${n.team} ×${n.count}` : n.team)).join(' + ') })] : []),
    ];
    return parts.length ? fitted(`  ${s.id}: ${parts.join(' · ')}`) : [];
  });
  if (about.length) lines.push('', t('pb.show.conditions'), ...about);
  ctx.out(lines.join('\n'));
  return 0;
}

export async function lock(ctx: Context, _args: string[], opts: { reviewer?: string }): Promise<number> {
  const { t } = ctx.messages;
  const reviewer = (opts.reviewer ?? '').trim() || defaultActor(ctx.env);
  // only a library that validates is locked: a lock vouches for what was reviewed
  const today = localDate(toLocal(ctx.now(), ctx.timezone));
  const { problems } = validateLibrary(ctx.playbooksDir, ctx.templatesDir, today);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new InputError('lock.invalid', {}, errors);
  const written = writeLock(ctx.playbooksDir, ctx.templatesDir, reviewer, ctx.now());
  ctx.err(t('lock.written', { count: Object.keys(written.files).length, file: join(ctx.playbooksDir, LOCK_FILE), reviewer }));
  return 0;
}

export async function validate(ctx: Context, _args: string[] = [], opts: { locked?: boolean } = {}): Promise<number> {
  const { t } = ctx.messages;
  const today = localDate(toLocal(ctx.now(), ctx.timezone));
  const report = validateLibrary(ctx.playbooksDir, ctx.templatesDir, today);
  const { files } = report;
  const problems = [...report.problems, ...readinessProblems(ctx)];
  if (opts.locked) {
    const drift = lockDrift(ctx.playbooksDir, ctx.templatesDir);
    const lockFile = join(ctx.playbooksDir, LOCK_FILE);
    if (drift === undefined) problems.push({ file: lockFile, line: 1, col: 1, severity: 'error', message: message('lock.missing') });
    else for (const key of drift) problems.push({ file: lockFile, line: 1, col: 1, severity: 'error', message: message('lock.differs', { file: key }) });
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  if (ctx.json) {
    printJson(ctx, { ok: errors === 0, files: files.length, errors, warnings, problems: problems.map((p) => ({ ...p, message: ctx.messages.say(p.message) })) });
  } else {
    for (const p of problems) ctx.err(ctx.messages.problem(p));
    const summary =
      errors > 0
        ? t('validate.failed', { count: files.length, errors, warnings })
        : warnings > 0
          ? t('validate.okWarnings', { count: files.length, warnings })
          : t('validate.ok', { count: files.length });
    (errors > 0 ? ctx.err : ctx.out)(summary);
  }
  return errors > 0 ? 2 : 0;
}

/** Not ready for a real incident (SPEC §10): the firm unset, or the example members still listed. */
function readinessProblems(ctx: Context): Problem[] {
  const config = ctx.configFile ?? join(ctx.cwd, 'sec-incident.yaml');
  const at = (said: Message): Problem => ({ file: config, line: 1, col: 1, severity: 'warning', message: said });
  const problems: Problem[] = [];
  if (!ctx.firm.name?.trim()) problems.push(at(message('ready.firmName')));
  if (!ctx.firm.hotline?.trim()) problems.push(at(message('ready.hotline')));
  const teams = parseFile(join(ctx.playbooksDir, 'teams.yaml'), teamsFileSchema);
  // an unreadable teams.yaml is already an error of its own
  const examples = teams.ok ? exampleMembers(teams.value.teams) : [];
  if (teams.ok && examples.length > 0) {
    const first = examples[0]!;
    const where = locate(teams.source, ['teams', first.team, 'members', first.member, 'phone']);
    problems.push({ ...where, severity: 'warning', message: message('ready.example', { count: examples.length }) });
  }
  return problems;
}

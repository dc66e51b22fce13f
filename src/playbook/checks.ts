// Cross-field rules that a schema cannot express. Pure: they take parsed values and positions.
import { basename } from 'node:path';
import { message, verbatim, type Message, type Problem } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import { INDICATORS, TIERS, type GradingConfig, type Playbook, type Team } from './schema.js';
import { locate, type YamlSource } from './yaml.js';

const at = (source: YamlSource, path: PropertyKey[], said: Message, severity: Problem['severity'] = 'error'): Problem => ({
  ...locate(source, path),
  severity,
  message: said,
});

export function checkGrading(config: GradingConfig, source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const b = config.bands;
  if (!(b.mild <= b.moderate && b.moderate <= b.severe && b.severe <= b.critical)) {
    problems.push(at(source, ['bands'], message('pb.bandsOrder')));
  }
  for (const [name, metric] of Object.entries(config.metrics)) {
    if ('thresholds' in metric) {
      const [l2, l3, l4] = metric.thresholds;
      if (!(l2 <= l3 && l3 <= l4)) problems.push(at(source, ['metrics', name, 'thresholds'], message('pb.thresholdsOrder', { metric: name })));
    }
  }
  if (config.trend && !(config.trend.falling < config.trend.rising)) problems.push(at(source, ['trend'], message('pb.trendOrder')));
  return problems;
}

export function checkTeams(teams: Team[], source: YamlSource): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  teams.forEach((team, i) => {
    if (seen.has(team.id)) problems.push(at(source, ['teams', i, 'id'], message('pb.duplicateTeam', { id: team.id })));
    seen.add(team.id);
  });
  return problems;
}

export function checkPlaybook(playbook: Playbook, source: YamlSource, teams: Team[]): Problem[] {
  const problems: Problem[] = [];
  const name = basename(source.file, '.yaml');
  if (playbook.id !== name) problems.push(at(source, ['id'], message('pb.idMismatch', { id: playbook.id, name })));

  const firstLine = new Map<string, number>();
  playbook.steps.forEach((step, i) => {
    const here = at(source, ['steps', i, 'id'], verbatim(''));
    const first = firstLine.get(step.id);
    if (first !== undefined) problems.push({ ...here, message: message('pb.duplicateStep', { id: step.id, line: first }) });
    else firstLine.set(step.id, here.line);
  });

  const teamIds = teams.map((team) => team.id);
  playbook.steps.forEach((step, i) => {
    if (!teamIds.includes(step.owner)) {
      problems.push(at(source, ['steps', i, 'owner'], message('pb.unknownTeam', { step: step.id, team: step.owner, known: teamIds.join(', ') })));
    }
    if (step.repeat && parseDuration(step.repeat)?.amount === 0) {
      problems.push(at(source, ['steps', i, 'repeat'], message('pb.repeatZero', { step: step.id })));
    }
    if (step.repeat && step.from === 'recovered') {
      problems.push(at(source, ['steps', i, 'repeat'], message('pb.repeatRecovered', { step: step.id })));
    }
    if (step.due && typeof step.due === 'object') {
      const applies = step.tiers ?? TIERS;
      for (const tier of Object.keys(step.due)) {
        if (!applies.includes(tier as (typeof TIERS)[number])) {
          problems.push(at(source, ['steps', i, 'due', tier], message('pb.dueTierUnused', { step: step.id, tier }), 'warning'));
        }
      }
    }
  });

  problems.push(...checkConditions(playbook, source, teamIds));

  const vars = new Set<string>();
  playbook.vars.forEach((v, i) => {
    if (vars.has(v.id)) problems.push(at(source, ['vars', i, 'id'], message('pb.duplicateVar', { id: v.id })));
    vars.add(v.id);
  });
  return problems;
}

/**
 * `when`, `decision`, `until` and `approval` (SPEC §4.1, §9): every reference names something the
 * playbook or teams.yaml has, and no decision step waits for its own outcome.
 */
function checkConditions(playbook: Playbook, source: YamlSource, teamIds: string[]): Problem[] {
  const problems: Problem[] = [];
  const decisions = new Map<string, { step: string; options: string[] }>();
  playbook.steps.forEach((step, i) => {
    const d = step.decision;
    if (!d) return;
    if ((INDICATORS as readonly string[]).includes(d.id)) problems.push(at(source, ['steps', i, 'decision', 'id'], message('pb.decisionIsIndicator', { step: step.id, id: d.id })));
    const first = decisions.get(d.id);
    if (first) problems.push(at(source, ['steps', i, 'decision', 'id'], message('pb.duplicateDecision', { id: d.id, step: first.step })));
    else decisions.set(d.id, { step: step.id, options: d.options.map((o) => o.id) });
    const seen = new Set<string>();
    d.options.forEach((o, j) => {
      if (seen.has(o.id)) problems.push(at(source, ['steps', i, 'decision', 'options', j, 'id'], message('pb.duplicateOption', { step: step.id, option: o.id })));
      seen.add(o.id);
    });
  });
  const stepIds = new Set(playbook.steps.map((s) => s.id));
  playbook.steps.forEach((step, i) => {
    for (const [key, value] of Object.entries(step.when ?? {})) {
      const path = ['steps', i, 'when', key];
      if ((INDICATORS as readonly string[]).includes(key)) {
        if (typeof value !== 'number') problems.push(at(source, path, message('pb.whenLevel', { step: step.id, indicator: key })));
        continue;
      }
      const decision = decisions.get(key);
      if (!decision) {
        problems.push(at(source, path, message('pb.whenUnknown', { step: step.id, key, known: [...INDICATORS, ...decisions.keys()].join(', ') })));
        continue;
      }
      if (typeof value === 'number') {
        problems.push(at(source, path, message('pb.whenOption', { step: step.id, decision: key, option: String(value), known: decision.options.join(', ') })));
        continue;
      }
      for (const option of Array.isArray(value) ? value : [value]) {
        if (!decision.options.includes(option)) {
          problems.push(at(source, path, message('pb.whenOption', { step: step.id, decision: key, option, known: decision.options.join(', ') })));
        }
      }
      if (step.decision?.id === key) problems.push(at(source, path, message('pb.whenOwnDecision', { step: step.id, decision: key })));
    }
    if (step.until !== undefined) {
      const path = ['steps', i, 'until'];
      if (!step.repeat) problems.push(at(source, path, message('pb.untilNoRepeat', { step: step.id })));
      else if (step.until !== 'recovered' && step.until !== 'closed' && (!stepIds.has(step.until) || step.until === step.id)) {
        problems.push(at(source, path, message('pb.untilUnknown', { step: step.id, until: step.until })));
      }
    }
    const approval = step.approval;
    if (approval !== undefined) {
      const teams = typeof approval === 'string' ? [approval] : Array.isArray(approval) ? approval : [approval.team];
      for (const team of teams) {
        if (!teamIds.includes(team)) problems.push(at(source, ['steps', i, 'approval'], message('pb.unknownTeam', { step: step.id, team, known: teamIds.join(', ') })));
      }
    }
  });
  return problems;
}

/** A review date more than 365 days before today is a warning (SPEC §4). */
export function checkReviewed(playbook: Playbook, source: YamlSource, today: string): Problem[] {
  if (!playbook.reviewed) return [];
  const age = (Date.parse(today) - Date.parse(playbook.reviewed)) / 86_400_000;
  return age > 365 ? [at(source, ['reviewed'], message('pb.reviewOld', { date: playbook.reviewed }), 'warning')] : [];
}

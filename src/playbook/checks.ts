// Cross-field rules that a schema cannot express. Pure: they take parsed values and positions.
import { basename } from 'node:path';
import type { Problem } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import { t } from '../ui/i18n.js';
import { TIERS, type GradingConfig, type Playbook, type Team } from './schema.js';
import { locate, type YamlSource } from './yaml.js';

const at = (source: YamlSource, path: PropertyKey[], message: string, severity: Problem['severity'] = 'error'): Problem => ({
  ...locate(source, path),
  severity,
  message,
});

export function checkGrading(config: GradingConfig, source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const b = config.bands;
  if (!(b.mild <= b.moderate && b.moderate <= b.severe && b.severe <= b.critical)) {
    problems.push(at(source, ['bands'], t('pb.bandsOrder')));
  }
  for (const [name, metric] of Object.entries(config.metrics)) {
    if ('thresholds' in metric) {
      const [l2, l3, l4] = metric.thresholds;
      if (!(l2 <= l3 && l3 <= l4)) problems.push(at(source, ['metrics', name, 'thresholds'], t('pb.thresholdsOrder', { metric: name })));
    }
  }
  return problems;
}

export function checkTeams(teams: Team[], source: YamlSource): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  teams.forEach((team, i) => {
    if (seen.has(team.id)) problems.push(at(source, ['teams', i, 'id'], t('pb.duplicateTeam', { id: team.id })));
    seen.add(team.id);
  });
  return problems;
}

export function checkPlaybook(playbook: Playbook, source: YamlSource, teams: Team[]): Problem[] {
  const problems: Problem[] = [];
  const name = basename(source.file, '.yaml');
  if (playbook.id !== name) problems.push(at(source, ['id'], t('pb.idMismatch', { id: playbook.id, name })));

  const firstLine = new Map<string, number>();
  playbook.steps.forEach((step, i) => {
    const here = at(source, ['steps', i, 'id'], '');
    const first = firstLine.get(step.id);
    if (first !== undefined) problems.push({ ...here, message: t('pb.duplicateStep', { id: step.id, line: first }) });
    else firstLine.set(step.id, here.line);
  });

  const teamIds = teams.map((team) => team.id);
  playbook.steps.forEach((step, i) => {
    if (!teamIds.includes(step.owner)) {
      problems.push(at(source, ['steps', i, 'owner'], t('pb.unknownTeam', { step: step.id, team: step.owner, known: teamIds.join(', ') })));
    }
    if (step.repeat && parseDuration(step.repeat)?.amount === 0) {
      problems.push(at(source, ['steps', i, 'repeat'], t('pb.repeatZero', { step: step.id })));
    }
    if (step.repeat && step.from === 'recovered') {
      problems.push(at(source, ['steps', i, 'repeat'], t('pb.repeatRecovered', { step: step.id })));
    }
    if (step.due && typeof step.due === 'object') {
      const applies = step.tiers ?? TIERS;
      for (const tier of Object.keys(step.due)) {
        if (!applies.includes(tier as (typeof TIERS)[number])) {
          problems.push(at(source, ['steps', i, 'due', tier], t('pb.dueTierUnused', { step: step.id, tier }), 'warning'));
        }
      }
    }
  });

  const vars = new Set<string>();
  playbook.vars.forEach((v, i) => {
    if (vars.has(v.id)) problems.push(at(source, ['vars', i, 'id'], t('pb.duplicateVar', { id: v.id })));
    vars.add(v.id);
  });
  return problems;
}

/** A review date more than 365 days before today is a warning (SPEC §4). */
export function checkReviewed(playbook: Playbook, source: YamlSource, today: string): Problem[] {
  if (!playbook.reviewed) return [];
  const age = (Date.parse(today) - Date.parse(playbook.reviewed)) / 86_400_000;
  return age > 365 ? [at(source, ['reviewed'], t('pb.reviewOld', { date: playbook.reviewed }), 'warning')] : [];
}

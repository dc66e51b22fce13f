// What an event did to the steps, told to the responder: steps that appeared, due times that were
// set or brought forward, steps withdrawn. A comparison of two folded states, nothing decided here.
import type { IncidentState, StepInstance } from '../../engine/fold.js';
import { painter, paintTier } from '../style.js';
import { stepLine } from './card.js';
import type { Messages } from '../../i18n/messages.js';

export function describeChanges(m: Messages, before: IncidentState, after: IncidentState, now: number, color: boolean): string {
  const { t } = m;
  const c = painter(color);
  const was = new Map(before.steps.map((s) => [s.id, s]));
  const appeared: StepInstance[] = [];
  const nowDue: StepInstance[] = [];
  const tightened: StepInstance[] = [];
  const withdrawn: StepInstance[] = [];
  for (const s of after.steps) {
    const old = was.get(s.id);
    if (s.status === 'pending' && old?.status !== 'pending') appeared.push(s);
    else if (s.status === 'pending' && old?.dueAt === null && s.dueAt !== null) nowDue.push(s);
    else if (s.status === 'pending' && old?.dueAt != null && s.dueAt !== null && s.dueAt < old.dueAt) tightened.push(s);
    else if (s.status === 'withdrawn' && old?.status === 'pending') withdrawn.push(s);
  }
  const lines: string[] = [];
  if (before.tier !== after.tier || before.direction !== after.direction) {
    lines.push(
      t('walk.tierChange', {
        from: paintTier(c, before.tier, t(`tier.${before.tier}`)),
        to: paintTier(c, after.tier, c.bold(t(`tier.${after.tier}`))),
        fromDirection: before.direction,
        direction: after.direction,
      }),
    );
  }
  const section = (key: 'walk.newSteps' | 'walk.nowDue' | 'walk.tightened' | 'walk.withdrawnSteps', steps: StepInstance[]) => {
    if (steps.length === 0) return;
    lines.push(t(key, { count: steps.length }));
    for (const s of steps) lines.push(`  • ${stepLine(m, after, s, now, color)}`);
  };
  section('walk.newSteps', appeared);
  section('walk.nowDue', nowDue);
  section('walk.tightened', tightened);
  section('walk.withdrawnSteps', withdrawn);
  if (lines.length === 0) lines.push(t('walk.noChanges'));
  return lines.join('\n');
}

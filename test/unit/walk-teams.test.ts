// The walk's "teams and contacts" (issue 17, item 13): the members are those pinned at the opening,
// their phones those teams.yaml gives now — the log keeps none.
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/i18n/messages.js';
import { teamsFileSchema } from '../../src/playbook/schema.js';
import { activatedTeams, renderTeams } from '../../src/ui/walk/teams.js';
import { Harness, inputs, playbook } from '../support/engine.js';

const teams = (phone: string, members = [{ name: '钱七', role: 'Head of PR', phone }, { name: '孙八', role: 'Spokesperson', phone: '+86 21 5555 0002' }]) =>
  teamsFileSchema.parse({ teams: [{ id: 'opinion', name: 'Opinion', activate: ['mild', 'moderate', 'severe', 'critical'], members }] }).teams;

describe('the walk shows phones from the current teams.yaml', () => {
  const h = new Harness(playbook([{ id: 'watch' }]), inputs('mild'), undefined, { teams: teams('+86 21 5555 0001') });
  const m = messages('en');

  it('the opening pinned the members without their phones', () => {
    expect(JSON.stringify(h.events[0]!.payload)).not.toMatch(/5555/);
    expect(h.state.opened.teams[0]!.members).toEqual([
      { name: '钱七', role: 'Head of PR' },
      { name: '孙八', role: 'Spokesperson' },
    ]);
  });

  it('a phone changed since the opening: the new one is shown', () => {
    const shown = renderTeams(m, h.state, activatedTeams(h.state), false, { teams: teams('+86 21 5555 0099') });
    expect(shown).toContain('钱七 — Head of PR · +86 21 5555 0099');
    expect(shown).toContain('孙八 — Spokesperson · +86 21 5555 0002');
    expect(shown).not.toContain('5555 0001');
  });

  it('a member no longer in teams.yaml is shown without a phone, and said so', () => {
    const shown = renderTeams(m, h.state, activatedTeams(h.state), false, { teams: teams('', [{ name: '孙八', role: 'Spokesperson', phone: '+86 21 5555 0002' }]) });
    expect(shown).toContain('钱七 — Head of PR · no longer in teams.yaml');
  });
});

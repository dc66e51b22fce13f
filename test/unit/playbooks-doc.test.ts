// docs/playbooks.md and docs/playbooks.zh.md are generated (`npm run docs`); they must match the
// bundled playbooks, so a reviewer reading them reads what the engine will do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook, loadTeams, playbookIds } from '../../src/playbook/library.js';
import { OVERVIEW_FILES, renderOverview } from '../../src/report/playbooks-overview.js';
import { BUNDLED_PLAYBOOKS as PLAYBOOKS, ROOT } from '../helpers.js';

const teams = loadTeams(PLAYBOOKS);
const playbooks = playbookIds(PLAYBOOKS).map((id) => loadPlaybook(PLAYBOOKS, id, teams).definition);

describe('the generated playbook overview', () => {
  it.each(Object.entries(OVERVIEW_FILES))('%s: %s is up to date (run `npm run docs` if not)', (lang, file) => {
    const committed = readFileSync(join(ROOT, file), 'utf8');
    expect(committed === renderOverview(playbooks, teams, lang as 'zh' | 'en'), `${file} is stale: run npm run docs`).toBe(true);
  });

  it('lists every step of every playbook with its owner, due time, conditions and basis', () => {
    const text = renderOverview(playbooks, teams, 'en');
    for (const pb of playbooks) {
      expect(text).toContain(`\`${pb.id}\``);
      for (const s of pb.steps) expect(text).toContain(`\`${s.id}\``);
    }
    const row = text.split('\n').find((l) => l.includes('`reportability`'))!;
    expect(row).toContain('Compliance and regulatory reporting group');
    expect(row).toContain('30m from discovery');
    expect(row).toContain('decision `reportable`');
    expect(row).toContain('CSRC Announcement [2021] No. 12');
    const phone = text.split('\n').find((l) => l.includes('`phone-report`'))!;
    expect(phone).toContain('reportable ∈ {yes, unsure}');
    expect(text).toMatch(/- \*\*mild · A\*\*: confirm-grading, .*phone-report\*/);
  });

  it('a change to a playbook makes the committed file stale', () => {
    const changed = playbooks.map((pb) => (pb.id === 'rumor' ? { ...pb, steps: pb.steps.map((s) => (s.id === 'reportability' ? { ...s, due: '45m' } : s)) } : pb));
    expect(renderOverview(changed, teams, 'en')).not.toBe(readFileSync(join(ROOT, OVERVIEW_FILES.en), 'utf8'));
  });
});

// npm run docs: writes docs/playbooks.md (English) and docs/playbooks.zh.md (Chinese) from the
// bundled playbooks, through the built renderer (dist/). test/unit/playbooks-doc.test.ts fails
// when the committed files differ from what this would write.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadPlaybook, loadTeams, playbookIds } from '../dist/playbook/library.js';
import { OVERVIEW_FILES, renderOverview } from '../dist/report/playbooks-overview.js';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'playbooks');
const teams = loadTeams(dir);
const playbooks = playbookIds(dir).map((id) => loadPlaybook(dir, id, teams).definition);
for (const [lang, file] of Object.entries(OVERVIEW_FILES)) {
  writeFileSync(join(root, file), renderOverview(playbooks, teams, lang));
  console.log(`wrote ${file}`);
}

// Issue 17, finding 13: a playbook cut at a line boundary is still valid YAML; the lock of the
// reviewed files catches it — validate --locked fails, open warns.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, PLAYBOOKS, TEMPLATES, tempDir } from '../helpers.js';

let dir: string;
let playbooks: string;
let templates: string;
const run = (args: string[]) => cli([...args, '--db', join(dir, 'audit.db')], { env: { SEC_INCIDENT_PLAYBOOKS: playbooks, SEC_INCIDENT_TEMPLATES: templates } });

beforeEach(() => {
  dir = tempDir();
  playbooks = join(dir, 'playbooks');
  templates = join(dir, 'templates');
  cpSync(PLAYBOOKS, playbooks, { recursive: true });
  cpSync(TEMPLATES, templates, { recursive: true });
});

describe('playbooks lock (finding 13)', () => {
  it('a reviewed library validates --locked; a playbook truncated to 37 % (still valid YAML) fails it, and open warns', () => {
    const lock = run(['playbooks', 'lock', '--reviewer', 'Wang Li']);
    expect(lock.code).toBe(0);
    const written = readFileSync(join(playbooks, 'lock.yaml'), 'utf8');
    expect(written).toContain('reviewer: Wang Li');
    expect(written).toMatch(/playbooks\/trading-outage\.yaml: [0-9a-f]{64}/);
    expect(run(['playbooks', 'validate', '--locked']).code).toBe(0);

    const file = join(playbooks, 'trading-outage.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    // cut at the last line boundary before 37 % where the rest is still a valid playbook
    let cut = Math.floor(lines.length * 0.37);
    for (; cut > 0; cut--) {
      writeFileSync(file, `${lines.slice(0, cut).join('\n')}\n`);
      if (run(['playbooks', 'validate']).code === 0) break;
    }
    expect(cut).toBeGreaterThan(0);
    const locked = run(['playbooks', 'validate', '--locked']);
    expect(locked.code).toBe(2);
    expect(locked.stderr).toMatch(/playbooks\/trading-outage\.yaml differs from its reviewed version/);
    const open = run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial']);
    expect(open.stderr).toMatch(/differ from their reviewed versions in lock\.yaml: playbooks\/trading-outage\.yaml/);
  });

  it('validate --locked without a lock fails and says how to make one', () => {
    const r = run(['playbooks', 'validate', '--locked']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no lock\.yaml/);
  });
});

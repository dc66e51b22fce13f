// Commands that load playbooks reuse validated files, but a changed file is always checked again.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, PLAYBOOKS, tempDir } from '../helpers.js';
import { cli } from '../in-process.js';

describe('validated playbooks are cached, never stale', () => {
  it('a playbook broken after a successful open is refused with its position', () => {
    const dir = tempDir();
    const playbooks = join(dir, 'playbooks');
    cpSync(PLAYBOOKS, playbooks, { recursive: true });
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    const run = (...args: string[]) => cli([...args, '--db', join(dir, 'a.db'), '--playbooks', playbooks], { env });
    expect(json(run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--json')).direction).toBe('B');
    expect(json(run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--json')).direction).toBe('B');
    const file = join(playbooks, 'trading-outage.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('owner: opinion', 'owner: marketing'));
    const r = run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trading-outage\.yaml:\d+:\d+: step "[a-z-]+": owner "marketing" is not a team/);
    // a team removed from teams.yaml invalidates the playbook's entry too
    writeFileSync(file, readFileSync(file, 'utf8').replace('owner: marketing', 'owner: opinion'));
    expect(run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--json').code).toBe(0);
    const teams = join(playbooks, 'teams.yaml');
    writeFileSync(teams, readFileSync(teams, 'utf8').replace('id: opinion', 'id: public-opinion'));
    const again = run('open', '--type', 'trading-outage', '--var', 'systems=APP', '--json');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('owner "opinion" is not a team');
  });

  it('grade follows an edited grading.yaml', () => {
    const dir = tempDir();
    const playbooks = join(dir, 'playbooks');
    cpSync(PLAYBOOKS, playbooks, { recursive: true });
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    const grade = () => json(cli(['grade', '--json', '--indicator', 'eventLevel=3', '--playbooks', playbooks], { env }));
    expect(grade().tier).toBe('mild');
    const file = join(playbooks, 'grading.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/moderate: 7/, 'moderate: 6'));
    expect(grade().tier).toBe('moderate');
  });
});

// Configuration precedence (SPEC §4): flags > environment > sec-incident.yaml > defaults.
// Runs the BUILT CLI: `npm run build` first.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, PLAYBOOKS, tempDir, expectUsageError } from '../helpers.js';
import { cli as runCli } from '../in-process.js';

// `grade` keeps validated grading files in $XDG_CACHE_HOME/sec-incident: never the developer's own
const cacheHome = tempDir();
// the folders come from the configuration under test, not from the tests' default library
const cli: typeof runCli = (args, options = {}) =>
  runCli(args, { ...options, env: { XDG_CACHE_HOME: cacheHome, SEC_INCIDENT_PLAYBOOKS: undefined, SEC_INCIDENT_TEMPLATES: undefined, ...options.env } });

describe('configuration precedence', () => {
  const cwd = tempDir();
  // three copies of the bundled playbooks, told apart by the weight of eventLevel
  const library = (name: string, weight: number) => {
    const dir = join(cwd, name);
    cpSync(PLAYBOOKS, dir, { recursive: true });
    const file = join(dir, 'grading.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(eventLevel:\n(?:.*\n)*?\s+weight: )1/, `$1${weight}`));
    return dir;
  };
  library('from-file', 2);
  const fromEnv = library('from-env', 3);
  const fromFlag = library('from-flag', 4);
  writeFileSync(join(cwd, 'sec-incident.yaml'), 'firm:\n  name: 测试证券\nlang: zh\nplaybooks: ./from-file\n');
  // eventLevel=2, the rest 1: score = 2 × weight + 3
  const score = (args: string[] = [], env: Record<string, string> = {}) =>
    json(cli([...args, 'grade', '--json', '--indicator', 'eventLevel=2'], { cwd, env })).score;

  it('the defaults: bundled playbooks, score 5', () => {
    expect(json(cli(['grade', '--json', '--indicator', 'eventLevel=2'])).score).toBe(5);
  });

  it('sec-incident.yaml in the working folder sets the playbooks folder and the language', () => {
    expect(score()).toBe(7);
    expect(cli(['grade'], { cwd }).stdout).toContain('综合分值');
  });

  it('SEC_INCIDENT_PLAYBOOKS beats the file', () => {
    expect(score([], { SEC_INCIDENT_PLAYBOOKS: fromEnv })).toBe(9);
  });

  it('--playbooks beats SEC_INCIDENT_PLAYBOOKS', () => {
    expect(score(['--playbooks', fromFlag], { SEC_INCIDENT_PLAYBOOKS: fromEnv })).toBe(11);
  });

  it('--lang beats the file; the file beats LANG', () => {
    expect(cli(['--lang', 'en', 'grade'], { cwd }).stdout).toContain('Score');
    expect(cli(['grade'], { cwd, env: { LANG: 'en_US.UTF-8' } }).stdout).toContain('综合分值');
  });

  it('--config and SEC_INCIDENT_CONFIG name another file', () => {
    const other = join(cwd, 'other.yaml');
    writeFileSync(other, `playbooks: ${fromFlag}\nlang: en\n`);
    expect(json(cli(['--config', other, 'grade', '--json', '--indicator', 'eventLevel=2'], { cwd })).score).toBe(11);
    expect(json(cli(['grade', '--json', '--indicator', 'eventLevel=2'], { cwd, env: { SEC_INCIDENT_CONFIG: other } })).score).toBe(11);
  });

  it('an invalid configuration file is exit 2 with file:line:col', () => {
    const dir = join(cwd, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sec-incident.yaml'), 'firm:\n  name: 测试证券\n  fax: "010"\nlang: en\n');
    const r = cli(['grade'], { cwd: dir });
    expectUsageError(r, `${join(dir, 'sec-incident.yaml')}:3:3: unknown key "fax" in firm`);
    writeFileSync(join(dir, 'sec-incident.yaml'), 'lang: fr\n');
    expectUsageError(cli(['grade'], { cwd: dir }), `${join(dir, 'sec-incident.yaml')}:1:7: lang must be one of: zh, en`);
    writeFileSync(join(dir, 'sec-incident.yaml'), 'firm: {name: "x"\n');
    expectUsageError(cli(['grade'], { cwd: dir }), new RegExp(`sec-incident\\.yaml:\\d+:\\d+: YAML syntax error`));
    writeFileSync(join(dir, 'sec-incident.yaml'), 'lang: en\ntimezone: Mars/Olympus_Mons\n');
    expectUsageError(cli(['grade'], { cwd: dir }), `${join(dir, 'sec-incident.yaml')}:2:11: unknown time zone "Mars/Olympus_Mons"`);
  });

  it('a --config file that does not exist is exit 2', () => {
    expectUsageError(cli(['--config', 'nope.yaml', 'grade'], { cwd }), /configuration file not found: .*nope\.yaml/);
  });
});

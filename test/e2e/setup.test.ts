// Setting up a firm (SPEC §10): init writes the file, config reports each setting's source, and
// the readiness warnings of start/open and validate appear and disappear as the set-up is completed.
// Runs the BUILT CLI: `npm run build` first.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli as runCli, expectUsageError, json, tempDir } from '../helpers.js';

const cacheHome = tempDir();
// the folders come from the configuration under test, not from the tests' default library
const cli: typeof runCli = (args, options = {}) =>
  runCli(args, { ...options, env: { XDG_CACHE_HOME: cacheHome, SEC_INCIDENT_PLAYBOOKS: undefined, SEC_INCIDENT_TEMPLATES: undefined, ...options.env } });

describe('init and config', () => {
  it('init with flags writes a config that config reports with its sources', () => {
    const cwd = tempDir();
    const r = cli(['init', '--firm-name', '示例证券', '--hotline', '95000', '--lang', 'zh', '--timezone', 'Asia/Shanghai', '--db', './audit.db', '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const file = join(cwd, 'sec-incident.yaml');
    expect(readFileSync(file, 'utf8')).toMatch(/firm:\n  name: 示例证券\n  hotline: "95000"\nlang: zh\ntimezone: Asia\/Shanghai\ndb: \.\/audit\.db\n/);
    const c = json(cli(['config', '--json'], { cwd, env: { SEC_INCIDENT_TIMEZONE: 'Europe/London' } }));
    expect(c.configFile).toBe(file);
    expect(c.settings['firm.name']).toEqual({ value: '示例证券', from: 'file', file });
    expect(c.settings.db).toEqual({ value: join(cwd, 'audit.db'), from: 'file', file });
    expect(c.settings.timezone).toEqual({ value: 'Europe/London', from: 'env', name: 'SEC_INCIDENT_TIMEZONE' });
    expect(c.settings['firm.website']).toEqual({ value: null, from: 'default' });
    expect(json(cli(['--lang', 'en', 'config', '--json'], { cwd })).settings.lang).toEqual({ value: 'en', from: 'flag', name: '--lang' });
    // the human form names the same sources, in the file's language
    const text = cli(['config'], { cwd }).stdout;
    expect(text).toMatch(new RegExp(`firm\\.name +示例证券 +\\(文件 ${file.replace(/[.]/g, '\\.')}\\)`));
    expect(text).toMatch(/timezone +Asia\/Shanghai +\(文件 /);
  });

  it('refuses to overwrite without --force, and a database URL with a password', () => {
    const cwd = tempDir();
    expect(cli(['init', '--yes'], { cwd }).code).toBe(0);
    expectUsageError(cli(['init', '--yes', '--firm-name', 'x'], { cwd }), /sec-incident\.yaml exists: not overwritten \(use --force/);
    expect(cli(['init', '--yes', '--force', '--firm-name', 'Second'], { cwd }).code).toBe(0);
    expect(readFileSync(join(cwd, 'sec-incident.yaml'), 'utf8')).toContain('name: Second');
    const r = cli(['init', '--yes', '--force', '--db', 'postgres://ops:s3cret@127.0.0.1/incidents'], { cwd });
    expectUsageError(r, /~\/\.pgpass or PGPASSWORD/);
    expect(r.stderr).not.toContain('s3cret');
    expect(readFileSync(join(cwd, 'sec-incident.yaml'), 'utf8')).toContain('name: Second');
  });

  it('--playbooks-dir copies the bundled library and points the config at it', () => {
    const cwd = tempDir();
    expect(cli(['init', '--yes', '--playbooks-dir', 'library'], { cwd }).code).toBe(0);
    expect(existsSync(join(cwd, 'library', 'playbooks', 'teams.yaml'))).toBe(true);
    expect(existsSync(join(cwd, 'library', 'templates', 'holding-statement.zh.md'))).toBe(true);
    const c = json(cli(['config', '--json'], { cwd }));
    expect(c.settings.playbooks.value).toBe(join(cwd, 'library', 'playbooks'));
    expect(c.settings.templates.value).toBe(join(cwd, 'library', 'templates'));
  });

  it('the config is found in the current folder, then in $XDG_CONFIG_HOME/sec-incident/config.yaml', () => {
    const home = tempDir();
    const cwd = tempDir();
    const user = join(home, 'sec-incident', 'config.yaml');
    expect(cli(['init', '--yes', '--config', user, '--firm-name', 'From home'], { cwd }).code).toBe(0);
    const env = { XDG_CONFIG_HOME: home };
    expect(json(cli(['config', '--json'], { cwd, env })).settings['firm.name']).toEqual({ value: 'From home', from: 'file', file: user });
    writeFileSync(join(cwd, 'sec-incident.yaml'), 'firm:\n  name: From the folder\n');
    expect(json(cli(['config', '--json'], { cwd, env })).settings['firm.name'].value).toBe('From the folder');
  });
});

describe('a writing command names a database other than the folder\'s', () => {
  it('once, on stderr, and not when it is the folder\'s own', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'sec-incident.yaml'), 'db: ./team.db\n');
    const open = (env: Record<string, string> = {}, dir = cwd) => cli(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--drill'], { cwd: dir, env });
    expect(open().stderr).not.toMatch(/Recording into/);
    const elsewhere = open({ SEC_INCIDENT_DB: join(cwd, 'private.db') });
    expect(elsewhere.stderr.match(/Recording into/g)).toHaveLength(1);
    expect(elsewhere.stderr).toContain(`Recording into ${join(cwd, 'private.db')} — not the database of this folder's sec-incident.yaml (${join(cwd, 'team.db')})`);
    const other = tempDir();
    expect(open({ SEC_INCIDENT_DB: join(cwd, 'team.db') }, other).stderr).toContain('(no sec-incident.yaml in this folder)');
    // reading says nothing
    expect(cli(['list', '--all'], { cwd: other, env: { SEC_INCIDENT_DB: join(cwd, 'team.db') } }).stderr).toBe('');
  });
});

describe('readiness for a real incident', () => {
  it('warnings appear while the firm or the teams are examples, and disappear as the config is completed', () => {
    const cwd = tempDir();
    const db = join(cwd, 'audit.db');
    const open = (extra: string[] = []) => cli(['--db', db, 'open', '--type', 'trading-outage', '--var', 'systems=APP', ...extra], { cwd });
    const validate = () => cli(['playbooks', 'validate', '--json'], { cwd });
    const warnings = () => json(validate()).problems.filter((p: { severity: string }) => p.severity === 'warning').map((p: { message: string }) => p.message);

    const first = open();
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('Warning: firm.name is unset; firm.hotline is unset; teams.yaml lists the example members.');
    expect(first.stderr.match(/Warning:/g)).toHaveLength(1);
    expect(open(['--drill']).stderr).not.toContain('Warning:');
    expect(warnings()).toEqual([expect.stringContaining('firm.name is not set'), expect.stringContaining('firm.hotline is not set'), expect.stringContaining('are the bundled examples')]);

    expect(cli(['init', '--yes', '--firm-name', '示例证券', '--playbooks-dir', '.'], { cwd }).code).toBe(0);
    expect(open().stderr).toContain('Warning: firm.hotline is unset; teams.yaml lists the example members.');
    const teams = join(cwd, 'playbooks', 'teams.yaml');
    writeFileSync(teams, readFileSync(teams, 'utf8').replace(/\+86 10 0000 (\d{4})/g, '+86 21 6888 $1'));
    expect(cli(['init', '--yes', '--force', '--firm-name', '示例证券', '--hotline', '95000'], { cwd }).code).toBe(0);
    // init without --playbooks-dir leaves the paths out: put them back
    writeFileSync(join(cwd, 'sec-incident.yaml'), `${readFileSync(join(cwd, 'sec-incident.yaml'), 'utf8')}playbooks: ./playbooks\ntemplates: ./templates\n`);
    expect(open().stderr).not.toContain('Warning:');
    expect(warnings()).toEqual([]);
  });
});

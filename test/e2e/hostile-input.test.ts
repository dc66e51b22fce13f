// Issue 17, findings 5, 6, 11 and 12: malformed input is refused with file:line:col, exit 2, no
// stack trace and no hang — not UTF-8, NUL, FIFOs, /dev/zero, oversized files, deep templates,
// absurd offsets, impossible dates, hexadecimal numbers and empty paths.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, hasStackTrace, PLAYBOOKS, TEMPLATES, tempDir, type CliResult } from '../helpers.js';

let dir: string;
let playbooks: string;
let templates: string;
let db: string;

const run = (args: string[], env: Record<string, string> = {}) =>
  cli([...args, '--db', db], { env: { SEC_INCIDENT_PLAYBOOKS: playbooks, SEC_INCIDENT_TEMPLATES: templates, ...env } });

function refused(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stderr).not.toMatch(/internal error/);
}

const DRILL = (start: string, at = '10m') =>
  `drill: test\ntype: trading-outage\nstart: ${start}\nimpact: partial\nvars: {systems: APP}\ntimeline:\n  - {at: ${at}, complete: confirm-grading}\n`;

beforeEach(() => {
  dir = tempDir();
  playbooks = join(dir, 'playbooks');
  templates = join(dir, 'templates');
  cpSync(PLAYBOOKS, playbooks, { recursive: true });
  cpSync(TEMPLATES, templates, { recursive: true });
  db = join(dir, 'audit.db');
});

describe('text that is not UTF-8, or holds NUL (finding 5)', () => {
  it('a GBK playbook is refused at its first non-UTF-8 byte, with a hint', () => {
    const file = join(playbooks, 'trading-outage.yaml');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => /^\s*title:/.test(l));
    // 中文 in GBK: D6 D0 CE C4
    const gbk = Buffer.concat([Buffer.from(lines.slice(0, at).join('\n') + '\n' + lines[at]!.replace(/title:.*/, 'title: "')), Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), Buffer.from('"\n' + lines.slice(at + 1).join('\n'))]);
    writeFileSync(file, gbk);
    const col = lines[at]!.indexOf('title:') + 'title: "'.length + 1;
    for (const args of [['playbooks', 'validate'], ['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial']]) {
      const r = run(args);
      refused(r, new RegExp(`trading-outage\\.yaml:${at + 1}:${col}: not valid UTF-8 — it looks like GBK`));
    }
  });

  it('a --title typed in a GBK terminal (bytes Node decodes to U+FFFD) is refused, nothing stored', () => {
    const gbkTitle = Buffer.from([0xd6, 0xd0, 0xce, 0xc4]).toString('latin1');
    const r = execFileSync(process.execPath, ['-e', `
      const { spawnSync } = require('node:child_process');
      const r = spawnSync(process.execPath, [${JSON.stringify(join(import.meta.dirname, '..', '..', 'bin', 'sec-incident.js'))}, 'open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--db', ${JSON.stringify(join(dir, 'gbk.db'))}, '--title', Buffer.from(${JSON.stringify(gbkTitle)}, 'latin1')], { env: { ...process.env, SEC_INCIDENT_PLAYBOOKS: ${JSON.stringify(playbooks)}, SEC_INCIDENT_TEMPLATES: ${JSON.stringify(templates)} }, encoding: 'utf8' });
      process.stdout.write(JSON.stringify({ code: r.status, stderr: r.stderr }));
    `], { encoding: 'utf8' });
    const result = JSON.parse(r) as { code: number; stderr: string };
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not valid UTF-8/);
    expect(existsSync(join(dir, 'gbk.db'))).toBe(false);
  });

  it('a NUL inside a YAML value is refused with its position', () => {
    const file = join(playbooks, 'grading.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/, '\n# a\u0000b\n'));
    refused(run(['grade', '--impact', 'partial']), /grading\.yaml:2:4: a NUL byte/);
  });

  it('a GBK template and a config cut mid-character are refused', () => {
    writeFileSync(join(templates, 'apology.zh.md'), Buffer.from([0x41, 0x0a, 0xc4, 0xe3, 0xba, 0xc3, 0x0a]));
    refused(run(['playbooks', 'validate']), /apology\.zh\.md:2:1: not valid UTF-8/);
    const config = join(dir, 'sec-incident.yaml');
    writeFileSync(config, Buffer.concat([Buffer.from('firm:\n  name: "'), Buffer.from('中文').subarray(0, 4), Buffer.from('"\n')]));
    refused(run(['list', '--config', config]), /sec-incident\.yaml:2:/);
  });
});

describe('unbounded reads (finding 6)', () => {
  it('a FIFO and a link to /dev/zero are not read: refused at once, not a hang', () => {
    const fifo = join(playbooks, 'teams.yaml');
    execFileSync('rm', [fifo]);
    execFileSync('mkfifo', [fifo]);
    refused(run(['playbooks', 'validate']), /teams\.yaml.*not a regular file/);
    const drill = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', drill);
    refused(run(['drill', drill]), /zero\.yaml.*not a regular file/);
    const config = join(dir, 'config.yaml');
    symlinkSync('/dev/zero', config);
    refused(run(['list', '--config', config]), /config\.yaml.*not a regular file/);
  });

  it('a 2 MB template and a 70 KB config are refused without being read whole', () => {
    writeFileSync(join(templates, 'apology.en.md'), 'x'.repeat(2 * 1024 * 1024));
    refused(run(['playbooks', 'validate']), /apology\.en\.md.*too large/);
    const config = join(dir, 'big.yaml');
    writeFileSync(config, `# ${'x'.repeat(70 * 1024)}\n`);
    refused(run(['list', '--config', config]), /big\.yaml.*too large/);
  });

  it('10 000 nested template sections: a problem at its place, not a stack overflow', () => {
    writeFileSync(join(templates, 'apology.en.md'), '{{#org}}'.repeat(10_000) + 'x' + '{{/org}}'.repeat(10_000));
    refused(run(['playbooks', 'validate']), /apology\.en\.md:1:\d+: template syntax error: sections nested deeper than 32/);
  });

  it('--templates naming a file is a clear error, not ENOTDIR', () => {
    const r = run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--templates', join(templates, 'apology.en.md')]);
    expect(r.stderr).not.toMatch(/internal error|ENOTDIR/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('loose values (findings 11 and 12)', () => {
  it('{at: 99999999999d} and a recover 99999999999d back are scenario errors', () => {
    const drill = join(dir, 'far.yaml');
    writeFileSync(drill, DRILL('2026-03-02T09:30:00+08:00', '99999999999d'));
    refused(run(['drill', drill]), /far\.yaml:\d+:\d+:/);
    writeFileSync(drill, DRILL('2026-03-02T09:30:00+08:00', '400d'));
    refused(run(['drill', drill]), /far\.yaml:\d+:\d+:/);
  });

  it('an impossible date is refused, not rolled over (drill start 2026-02-30, recover --at)', () => {
    const drill = join(dir, 'feb.yaml');
    writeFileSync(drill, DRILL('2026-02-30T09:30:00+08:00'));
    refused(run(['drill', drill]), /feb\.yaml:3:\d+:/);
    const open = run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--started-at', '2026-02-30T09:00+08:00']);
    expect(open.code).toBe(2);
  });

  it('numbers are decimal: --metric reposts=0x10, 1e3 and Infinity are refused', () => {
    for (const value of ['0x10', '1e3', 'Infinity', '0b11']) refused(run(['grade', '--metric', `reposts=${value}`]), /reposts/);
    expect(run(['grade', '--metric', 'reposts=16', '--json']).code).toBe(0);
  });

  it.each([
    ['--db', ['list', '--db', '']],
    ['--out', ['report', 'INC-20260101-001', '--out', '']],
    ['--lang', ['list', '--lang', '']],
  ])('an empty %s is refused, not taken as the default', (flag, args) => {
    refused(cli(args as string[]), new RegExp(`${flag} needs a value`));
  });
});

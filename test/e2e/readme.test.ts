// The README runs as written (issue 16): every ```sh block, in order, in a temporary folder, with
// the built CLI on PATH as `sec-incident`, the bundled playbooks and a temporary database. A
// command may fail only where the README says so with a trailing `# exits N`; a block preceded by
// `<!-- readme-test: skip (why) -->` is not run, nor a command whose comment says it `runs until stopped`. Runs the BUILT CLI: `npm run build` first.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers.js';

export interface ReadmeCommand {
  block: number;
  line: number;
  text: string;
  /** The exit code the README announces with `# exits N`; 0 otherwise. */
  exits: number;
}

/** The commands of the README's shell blocks, a command a logical line (`\` continues it). */
export function readmeCommands(markdown: string): { commands: ReadmeCommand[]; skipped: number } {
  const lines = markdown.split('\n');
  const commands: ReadmeCommand[] = [];
  let block = 0;
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```sh') continue;
    block++;
    const skip = /^<!-- readme-test: skip\b/.test(lines[i - 1] ?? '');
    let pending: { line: number; text: string } | undefined;
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) {
      if (skip) continue;
      const raw = lines[i]!;
      if (!pending && (raw.trim() === '' || raw.trim().startsWith('#'))) continue;
      pending = pending ? { ...pending, text: `${pending.text}\n${raw}` } : { line: i + 1, text: raw };
      if (raw.endsWith('\\')) continue;
      const exits = /#\s*exits\s+(\d+)\b[^\n]*$/.exec(pending.text);
      if (/#\s*runs until stopped\b[^\n]*$/.test(pending.text)) {
        pending = undefined;
        continue;
      }
      commands.push({ block, line: pending.line, text: pending.text, exits: exits ? Number(exits[1]) : 0 });
      pending = undefined;
    }
    if (skip) skipped++;
  }
  return { commands, skipped };
}

describe('the README parser', () => {
  it('joins continued lines, reads the expected exit, and leaves out skipped blocks', () => {
    const md = [
      '```sh',
      'a=$(x \\',
      '   --y)   # a comment',
      '# only a comment',
      'x z   # exits 2: because',
      'watch   # runs until stopped: a board',
      '```',
      '<!-- readme-test: skip (not here) -->',
      '```sh',
      'rm -rf /',
      '```',
    ].join('\n');
    expect(readmeCommands(md)).toEqual({
      commands: [
        { block: 1, line: 2, text: 'a=$(x \\\n   --y)   # a comment', exits: 0 },
        { block: 1, line: 5, text: 'x z   # exits 2: because', exits: 2 },
      ],
      skipped: 1,
    });
  });
});

describe('README.md runs as written', () => {
  it('every shell block, in order: each command exits as the README says', () => {
    const { commands, skipped } = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(commands.length).toBeGreaterThan(20);
    expect(skipped).toBeLessThanOrEqual(3); // the install line, the monitoring export, the sign-off forms
    const dir = tempDir('sec-incident-readme-');
    const bin = join(dir, 'bin');
    const work = join(dir, 'work');
    mkdirSync(bin);
    mkdirSync(work);
    writeFileSync(join(bin, 'sec-incident'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
    chmodSync(join(bin, 'sec-incident'), 0o755);
    // one shell, so variables ($id) carry from command to command; each exit code is reported on fd 3
    const script = commands.map((c, i) => `${c.text}\necho "${i} $?" >&3`).join('\n');
    const r = spawnSync('bash', ['-c', `exec 3>"${join(dir, 'codes')}"\n${script}`], {
      cwd: work,
      encoding: 'utf8',
      timeout: 400_000, // a loaded CI machine: some thirty processes in a row
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, 'config'),
        XDG_CACHE_HOME: join(dir, 'cache'),
        XDG_DATA_HOME: join(dir, 'data'),
        SEC_INCIDENT_DB: join(dir, 'audit.db'),
        NO_COLOR: '1',
        LANG: 'en_US.UTF-8',
      },
    });
    const codes = readFileSync(join(dir, 'codes'), 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number) as [number, number]);
    expect(codes, r.stderr).toHaveLength(commands.length);
    const wrong = codes
      .filter(([i, code]) => code !== commands[i]!.exits)
      .map(([i, code]) => `README.md:${commands[i]!.line}: exit ${code}, expected ${commands[i]!.exits}: ${commands[i]!.text.split('\n')[0]}`);
    expect(wrong, r.stderr).toEqual([]);
    // the scripted incident really closed, and its report was written
    const status = spawnSync(join(bin, 'sec-incident'), ['list', '--all', '--json'], { encoding: 'utf8', env: { ...process.env, SEC_INCIDENT_DB: join(dir, 'audit.db') } });
    const incidents = JSON.parse(status.stdout) as { id: string; state: string }[];
    expect(incidents.some((i) => i.state === 'closed')).toBe(true);
    const closed = incidents.find((i) => i.state === 'closed')!;
    expect(readFileSync(join(work, `${closed.id}-report.md`), 'utf8')).toContain(closed.id);
  }, 420_000);
});

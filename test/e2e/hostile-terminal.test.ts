// Issue 17, finding 7: what input puts on the screen is shown escaped — errors included — colour
// codes in stored text are never obeyed, and the report shows bidi controls by name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { cli, json, tempDir } from '../helpers.js';

let dir: string;
let db: string;
const run = (args: string[], env: Record<string, string> = {}) => cli([...args, '--db', db], { env });
const ESC = '\x1b';

beforeEach(() => {
  dir = tempDir();
  db = join(dir, 'audit.db');
});

describe('terminal safety (finding 7)', () => {
  it.each([
    ['an unknown id', ['status', `${ESC}]0;pwned\x07${ESC}[2J`]],
    ['an unknown metric', ['grade', '--metric', `${ESC}[31mx=1`]],
    ['an unknown option', ['grade', `--bogus${ESC}[2J`]],
    ['an unknown tier', ['grade', '--impact', `${ESC}[8mnone`]],
  ])('%s is echoed with its escapes visible', (_name, args) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).not.toContain('\x07');
    expect(r.stderr).toContain('\u241b');
  });

  it('a note with conceal (\\e[8m) is shown, not hidden, in log on a colour terminal', () => {
    const id = json(run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--json'])).id;
    run(['step', id, 'confirm-grading', 'note', '--note', `hidden ${ESC}[8msecret${ESC}[0m`]);
    const r = run(['log', id], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\u241b[8msecret');
    expect(r.stdout).not.toContain(`${ESC}[8m`);
  });

  it('a title holding conceal and a colour is shown escaped by status, list and vars on a colour terminal, our colours kept', () => {
    const title = `T ${ESC}[8mhidden${ESC}[0m ${ESC}[30;40mblack`;
    const id = json(run(['open', '--type', 'trading-outage', '--var', `systems=APP${ESC}[8m`, '--impact', 'partial', '--title', title, '--json'])).id;
    const colour = { FORCE_COLOR: '1', NO_COLOR: '' };
    for (const args of [['status', id], ['list'], ['vars', id]]) {
      const r = run(args, colour);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/\x1b\[(8|0|30;40)m/);
      expect(r.stdout).toContain('\u241b[8m');
    }
    // the tool's own colour is still colour: the tier is painted in status
    expect(run(['status', id], colour).stdout).toMatch(/\x1b\[94mmild\x1b\[39m/);
  });

  it('U+202E in a title and a note reaches report.md by name, not as a control', () => {
    const id = json(run(['open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--title', 'T\u202Eevil', '--json'])).id;
    run(['step', id, 'confirm-grading', 'note', '--note', 'invoice \u202Egnp.exe']);
    const out = join(dir, 'r.md');
    expect(run(['report', id, '--out', out]).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('⟨U+202E⟩');
  });
});

// Without a terminal, the interactive commands refuse at once instead of waiting for keys forever.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, hasStackTrace, tempDir } from '../helpers.js';

function runWithoutTerminal(args: string[], lang = 'en_US.UTF-8') {
  const dir = tempDir();
  const db = join(dir, 'audit.db');
  const stdin = openSync('/dev/null', 'r');
  const started = Date.now();
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      stdio: [stdin, 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', LANG: lang, SEC_INCIDENT_DB: db },
      encoding: 'utf8',
      timeout: 5_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started, db, timedOut: r.error !== undefined };
  } finally {
    closeSync(stdin);
  }
}

describe('start/resume without a terminal', () => {
  it('start with stdin from /dev/null exits 2 within 2 seconds and points to open/step and drill', () => {
    const r = runWithoutTerminal(['start', '--type', 'trading-outage', '--impact', 'partial']);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(2_000);
    expect(r.stderr).toContain('needs a terminal');
    expect(r.stderr).toContain('sec-incident open');
    expect(r.stderr).toContain('sec-incident step');
    expect(r.stderr).toContain('sec-incident drill');
    expect(r.stdout).toBe('');
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(r.db)).toBe(false);
  });

  it('resume refuses the same way, in Chinese under a Chinese locale', () => {
    const r = runWithoutTerminal(['resume', 'INC-20261127-001'], 'zh_CN.UTF-8');
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(2_000);
    expect(r.stderr).toContain('需要在终端中运行');
    expect(r.stderr).toContain('sec-incident open');
    expect(r.stderr).toContain('sec-incident drill');
  });
});

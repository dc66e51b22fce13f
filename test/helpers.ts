// Shared test helpers: run the built CLI as a subprocess on temporary files.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'sec-incident.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
/**
 * The playbooks and templates the walk, the commands and the report are tested on: a frozen copy
 * of the bundled content as it was when those tests were written, so that rewriting the bundled
 * content (tested on its own, over `BUNDLED_*`) does not rewrite the tests of the machinery.
 */
export const PLAYBOOKS = join(FIXTURES, 'library', 'playbooks');
export const TEMPLATES = join(FIXTURES, 'library', 'templates');
/** What the package ships: the content tests and the example drills use these. */
export const BUNDLED_PLAYBOOKS = join(ROOT, 'playbooks');
export const BUNDLED_TEMPLATES = join(ROOT, 'templates');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The clean environment a test's CLI runs with (no colour, English, the fixture library), plus `extra`. */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
    // never the developer's own ~/.config/sec-incident/config.yaml
    XDG_CONFIG_HOME: join(tmpdir(), 'sec-incident-no-user-config'),
    NO_COLOR: '1',
    LANG: 'en_US.UTF-8',
    SEC_INCIDENT_PLAYBOOKS: PLAYBOOKS,
    SEC_INCIDENT_TEMPLATES: TEMPLATES,
    ...extra,
  };
}

/** As `cli`, without blocking this process: local stand-ins (chat robots) answer from here meanwhile. */
export function cliAsync(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(env) as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Runs `sec-incident …` with a clean environment (no colour, English unless asked). */
export function cli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {}): CliResult {
  const env = cliEnv(options.env);
  const spawnOptions: SpawnSyncOptions = {
    cwd: options.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: 30_000,
  };
  const r = spawnSync(process.execPath, [BIN, ...args], spawnOptions);
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A temporary folder removed after the test file. */
export function tempDir(prefix = 'sec-incident-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Parses stdout as JSON, with the output in the message when it is not. */
export function json<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?/.test(text);
}

/** SPEC §5: bad usage or input is exit 2, a message on stderr, nothing on stdout, no stack trace. */
export function expectUsageError(r: CliResult, message: string | RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(message);
  expect(hasStackTrace(r.stderr)).toBe(false);
}


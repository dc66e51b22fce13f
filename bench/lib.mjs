// Shared helpers for `npm run bench` (bench/run.mjs).
//
// Every bench/*.mjs module that exports an async function named `bench…` is run in sequence by
// run.mjs. Such a function returns an array of records (or one record) of this common shape:
//
//   {
//     name:     string,          // what was measured, e.g. "grade --json"
//     value:    number,          // the measurement (for timings: the median, in `unit`)
//     unit:     string,          // "ms" unless said otherwise ("ops/s", "MB", …)
//     baseline: number | null,   // the same measurement of the reference (e.g. `node -e 0`)
//     ratio:    number | null,   // value / baseline; computed by run.mjs when left out
//     target:   number | null,   // the ratio to meet: ratio ≤ target (or ≥ with better: "higher")
//     better:   "lower" | "higher",  // optional; default "lower"
//     extra:    object,          // optional: anything else worth keeping (runs, samples, notes)
//   }
//
// CLI records also carry `ms` and `baselineMs` (the same numbers as value/baseline).
// `normalize()` fills in what a record left out and computes `met`; run.mjs prints the table
// and writes bench/results.json.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = resolve(ROOT, 'bin', 'sec-incident.js');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A clean environment for the child: no colour, English, no developer config. */
export function benchEnv(extra = {}) {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LANG: 'en_US.UTF-8', ...extra };
}

function runOnce(argv, { env, cwd }) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: env ?? benchEnv(), cwd: cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return ms;
}

/**
 * Wall time of several commands, interleaved run by run so that drift in the machine's load
 * hits them all alike. A command is an argv array, or {argv, env} for its own environment.
 * Returns the samples and median (ms) of each, in order.
 */
export function timeCommands(commands, { runs = 15, warmup = 2, env, cwd } = {}) {
  const specs = commands.map((c) => (Array.isArray(c) ? { argv: c, env } : { argv: c.argv, env: c.env ?? env }));
  for (let i = 0; i < warmup; i++) for (const c of specs) runOnce(c.argv, { env: c.env, cwd });
  const samples = specs.map(() => []);
  for (let i = 0; i < runs; i++) specs.forEach((c, j) => samples[j].push(runOnce(c.argv, { env: c.env, cwd })));
  return samples.map((s) => ({ median: median(s), samples: s }));
}

/** Median wall time in ms of spawning `argv` (argv[0] is the program) `runs` times after warm-ups. */
export function timeCommand(argv, { runs = 15, warmup = 2, env, cwd } = {}) {
  return timeCommands([argv], { runs, warmup, env, cwd })[0].median;
}

/** Fills in unit, ratio and met; accepts CLI records' ms/baselineMs as value/baseline. */
export function normalize(record, suite) {
  const value = record.value ?? record.ms ?? null;
  const baseline = record.baseline ?? record.baselineMs ?? null;
  const ratio = record.ratio ?? (value != null && baseline ? value / baseline : null);
  const target = record.target ?? null;
  const better = record.better ?? 'lower';
  const met = ratio == null || target == null ? null : better === 'higher' ? ratio >= target : ratio <= target;
  return { suite, name: record.name, value, unit: record.unit ?? 'ms', baseline, ratio, target, better, met, extra: record.extra ?? {} };
}

const fmt = (n, digits = 1) => (n == null ? '—' : Number(n).toFixed(digits));

export function formatRow(r) {
  const cmp = r.better === 'higher' ? '≥' : '≤';
  const verdict = r.met == null ? '' : r.met ? 'met' : 'MISSED';
  return [
    r.name.padEnd(34),
    `${fmt(r.value)} ${r.unit}`.padStart(12),
    fmt(r.baseline).padStart(10),
    `${fmt(r.ratio, 2)}×`.padStart(8),
    (r.target == null ? '' : `${cmp} ${r.target}×`).padStart(8),
    verdict.padStart(7),
  ].join('  ');
}

export function formatHeader() {
  return ['what'.padEnd(34), 'value'.padStart(12), 'baseline'.padStart(10), 'ratio'.padStart(8), 'target'.padStart(8), ''.padStart(7)].join('  ');
}

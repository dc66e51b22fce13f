// Start-up cost of the CLI, as a ratio to bare `node -e 0` on the same machine in the same run.
import { benchEnv, BIN, timeCommands } from './lib.mjs';

const node = process.execPath;

export const CLI_CASES = [
  { name: '--help', argv: [node, BIN, '--help'], target: 1.3 },
  {
    name: 'grade --json',
    argv: [node, BIN, 'grade', '--json', '--indicator', 'eventLevel=2', '--metric', 'reposts=15000', '--impact', 'partial'],
    target: 2,
  },
  { name: 'playbooks validate', argv: [node, BIN, 'playbooks', 'validate'], target: 2.5 },
];

// informational: `grade` when its grading cache cannot be used (a cache folder that cannot exist)
const GRADE_COLD = { name: 'grade --json, no cache', argv: CLI_CASES[1].argv, env: benchEnv({ XDG_CACHE_HOME: '/dev/null/cache' }), target: null };

export async function benchCli({ runs = Number(process.env.BENCH_RUNS) || 15, warmup = 2 } = {}) {
  const cases = [...CLI_CASES, GRADE_COLD];
  const commands = [[node, '-e', '0'], ...cases];
  const [baseline, ...timings] = timeCommands(commands, { runs, warmup });
  const baselineMs = baseline.median;
  // the fastest run shows how much of the median is the machine's other load
  const extra = (t) => ({ runs, warmup, minMs: Math.min(...t.samples) });
  return [
    { name: 'node -e 0 (baseline)', ms: baselineMs, value: baselineMs, unit: 'ms', baselineMs, baseline: baselineMs, ratio: 1, target: null, extra: extra(baseline) },
    ...cases.map((c, i) => {
      const ms = timings[i].median;
      return { name: c.name, ms, value: ms, unit: 'ms', baselineMs, baseline: baselineMs, ratio: ms / baselineMs, target: c.target, extra: extra(timings[i]) };
    }),
  ];
}

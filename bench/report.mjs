// `report` on an incident with 100 000 events, against a plain script that only reads and parses
// the same rows: the ratio (target ≤ 3×) and the report process's peak RSS (target ≤ 200 MB).
// Run after `npm run build`: `node bench/report.mjs`, or through `npm run bench`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEnv, BIN, ROOT, timeCommands } from './lib.mjs';

const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const node = process.execPath;

/** A database holding one incident of `events` events, most of them notes. */
async function seed(db, events) {
  const [{ Incidents }, { AuditStore }, lib] = await Promise.all([dist('app/incidents.js'), dist('store/store.js'), dist('playbook/library.js')]);
  const playbooks = join(ROOT, 'playbooks');
  const teams = lib.loadTeams(playbooks);
  const request = {
    type: 'trading-outage',
    title: 'Benchmark: 100 000 events',
    mode: 'real',
    playbook: lib.loadPlaybook(playbooks, 'trading-outage', teams),
    grading: lib.loadGrading(playbooks),
    teams,
    vars: { systems: 'the mobile app' },
    inputs: { indicators: { eventLevel: 2 }, metrics: { affectedClients: 20000, reposts: 15000 }, impact: 'partial' },
    timezone: 'Asia/Shanghai',
    lang: 'en',
    firm: { name: 'Bench Securities' },
  };
  const store = AuditStore.open(db);
  const service = new Incidents(store, lib.loadCalendar(playbooks));
  const t0 = Date.now() - 24 * 3600_000;
  const state = service.open(request, t0, 'bench');
  const batch = 5000;
  for (let done = state.events; done < events; ) {
    const n = Math.min(batch, events - done);
    const drafts = Array.from({ length: n }, (_, i) => ({
      type: 'note.added',
      at: t0 + (done + i) * 500,
      actor: 'monitor',
      payload: { text: `sweep ${done + i}: reposts up | views steady; see <dashboard> #${done + i}` },
    }));
    store.transact(() => store.append(state.id, drafts));
    done += n;
  }
  store.close();
  return state.id;
}

/** Peak RSS (MB) of one run: /usr/bin/time -v when present, else the process's own maxRSS at exit. */
export function peakRss(argv, dir) {
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-v', ...argv], { env: benchEnv(), cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
    if (r.status === 0 && kb) return { mb: Number(kb) / 1024, how: '/usr/bin/time -v' };
  }
  const out = join(dir, 'rss.txt');
  const probe = join(dir, 'rss-probe.mjs');
  writeFileSync(probe, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));\n`);
  const [program, ...rest] = argv;
  const r = spawnSync(program, ['--import', pathToFileURL(probe).href, ...rest], { env: benchEnv(), cwd: ROOT, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  return { mb: Number(readFileSync(out, 'utf8')) / 1024, how: 'process.resourceUsage().maxRSS' };
}

export async function benchReport({ events = Number(process.env.BENCH_REPORT_EVENTS) || 100_000, runs = Number(process.env.BENCH_RUNS) > 0 ? Math.min(Number(process.env.BENCH_RUNS), 5) : 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-bench-report-'));
  try {
    const db = join(dir, 'audit.db');
    const id = await seed(db, events);
    const out = join(dir, 'report.md');
    const baseline = join(dir, 'read-rows.mjs');
    const sqlite = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('better-sqlite3')).href;
    writeFileSync(
      baseline,
      `import Database from ${JSON.stringify(sqlite)};\n` +
        `const db = new Database(process.argv[2], { readonly: true });\n` +
        `let n = 0;\nfor (const row of db.prepare('SELECT * FROM events WHERE incident_id = ? ORDER BY seq').all(process.argv[3])) { JSON.parse(row.payload); n++; }\n` +
        `if (n === 0) process.exit(1);\n`,
    );
    const report = [node, BIN, 'report', id, '--db', db, '--out', out, '--force'];
    const [base, timed] = timeCommands([[node, baseline, db, id], report], { runs, warmup: 1 });
    const rss = peakRss(report, dir);
    const bytes = statSync(out).size;
    return [
      {
        name: `report, ${events} events`,
        value: timed.median,
        unit: 'ms',
        baseline: base.median,
        ratio: timed.median / base.median,
        target: 3,
        extra: { runs, events, reportBytes: bytes, baseline: 'read and JSON.parse the rows with better-sqlite3' },
      },
      {
        name: `report, ${events} events: peak RSS`,
        value: rss.mb,
        unit: 'MB',
        baseline: 200,
        ratio: rss.mb / 200,
        target: 1,
        extra: { measuredWith: rss.how, limitMb: 200 },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const records = await benchReport();
  for (const r of records) console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit} (baseline ${r.baseline.toFixed(1)}, ratio ${r.ratio.toFixed(2)}, target ≤ ${r.target})`);
}

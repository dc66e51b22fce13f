// `watch --once` delivering 1 000 queued notifications (100 incidents × 10 robots) to a local
// webhook robot, against a plain script that posts the same number of bodies to the same robots
// with fetch, ten at a time: the ratio, the throughput, and the watch's peak RSS.
// Run after `npm run build`: `node bench/notify.mjs`, or through `npm run bench`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEnv, BIN, median, ROOT } from './lib.mjs';

const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const ROBOTS = 10;

/** A robot that acknowledges everything and counts the distinct notification ids it saw. */
async function robot() {
  const seen = new Set();
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests += 1;
      const id = /INC-\d{8}-\d+\/N\d+/.exec(body)?.[0];
      if (id) seen.add(id);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    urls: Array.from({ length: ROBOTS }, (_, i) => `${base}/hooks/${i + 1}`),
    seen,
    get requests() {
      return requests;
    },
    reset() {
      seen.clear();
      requests = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** 100 incidents whose opinion team has ten webhook robots: 1 000 notifications queued, none sent. */
async function seed(db, incidents) {
  const [{ Incidents }, { AuditStore }, lib, { planNotices }] = await Promise.all([
    dist('app/incidents.js'),
    dist('store/store.js'),
    dist('playbook/library.js'),
    dist('notify/outbox.js'),
  ]);
  const playbooks = join(ROOT, 'playbooks');
  const teams = lib.loadTeams(playbooks).map((team) =>
    team.id === 'opinion' ? { ...team, channels: Array.from({ length: ROBOTS }, (_, i) => ({ type: 'webhook', url: { env: `HOOK_${i + 1}` }, drill: false })) } : team,
  );
  const request = {
    type: 'trading-outage',
    title: 'Benchmark: notifications',
    mode: 'real',
    playbook: lib.loadPlaybook(playbooks, 'trading-outage', teams),
    grading: lib.loadGrading(playbooks),
    teams,
    vars: { systems: 'the mobile app' },
    inputs: { indicators: { eventLevel: 2 }, metrics: {}, impact: 'partial' },
    timezone: 'Asia/Shanghai',
    lang: 'en',
    firm: {},
  };
  const service = new Incidents(AuditStore.open(db), lib.loadCalendar(playbooks), planNotices);
  for (let i = 0; i < incidents; i++) service.open(request, Date.now(), 'bench');
  service.store.close();
}

/** Wall time (ms) and, under /usr/bin/time -v, peak RSS (MB) of a child; the robots answer meanwhile. */
function timed(argv, env, cwd) {
  const withTime = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-v', ...argv] : argv;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(withTime[0], withTime.slice(1), { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}:\n${stderr}`));
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1];
      resolve({ ms, mb: kb ? Number(kb) / 1024 : null });
    });
  });
}

const PLAIN = `// the floor: the same number of JSON bodies to the same robots, ten lanes at a time
const urls = JSON.parse(process.env.URLS);
const total = Number(process.env.TOTAL);
let next = 0;
await Promise.all(urls.map(async (url) => {
  for (;;) {
    const i = next++;
    if (i >= total) return;
    const body = JSON.stringify({ text: 'INC-20260101-001/N' + i + ' ' + 'x'.repeat(300) });
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await r.text();
  }
}));
`;

export async function benchNotify({ incidents = 100, runs = Number(process.env.BENCH_RUNS) > 0 ? Math.min(Number(process.env.BENCH_RUNS), 5) : 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-bench-notify-'));
  const robots = await robot();
  const total = incidents * ROBOTS;
  try {
    const plain = join(dir, 'plain-post.mjs');
    writeFileSync(plain, PLAIN);
    // no step is reminded ahead: the pass delivers the outbox and nothing else
    writeFileSync(join(dir, 'sec-incident.yaml'), 'notify: {lead: 0m}\n');
    const hooks = Object.fromEntries(robots.urls.map((url, i) => [`HOOK_${i + 1}`, url]));
    const ours = [];
    const base = [];
    const memory = [];
    for (let run = 0; run < runs; run++) {
      const db = join(dir, `run-${run}.db`);
      await seed(db, incidents);
      robots.reset();
      const watch = await timed([process.execPath, BIN, 'watch', '--once', '--db', db], benchEnv(hooks), dir);
      if (robots.seen.size !== total || robots.requests !== total) throw new Error(`watch delivered ${robots.seen.size} distinct of ${total} (${robots.requests} requests)`);
      ours.push(watch.ms);
      if (watch.mb !== null) memory.push(watch.mb);
      robots.reset();
      const floor = await timed([process.execPath, plain], benchEnv({ URLS: JSON.stringify(robots.urls), TOTAL: String(total) }), dir);
      if (robots.requests !== total) throw new Error(`the plain script posted ${robots.requests} of ${total}`);
      base.push(floor.ms);
    }
    const value = median(ours);
    const baseline = median(base);
    return [
      {
        name: `watch --once: ${total} queued notifications (${incidents} incidents × ${ROBOTS} webhook robots)`,
        value,
        baseline,
        target: 4,
        extra: { runs, samples: ours, baselineSamples: base, notificationsPerSecond: Math.round((total / value) * 1000), baselinePerSecond: Math.round((total / baseline) * 1000) },
      },
      {
        name: 'its peak memory (/usr/bin/time -v)',
        value: memory.length ? median(memory) : null,
        unit: 'MB',
        baseline: null,
        target: null,
        extra: { samples: memory, budgetMb: 200 },
      },
    ];
  } finally {
    await robots.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchNotify(), null, 2));

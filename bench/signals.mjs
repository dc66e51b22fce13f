// `signals import --json` of a 1 000 000-row monitoring export (issue 18), against a plain script
// that parses the same file with the same CSV library (csv-parse) and sums two columns: the
// ratio (target ≤ 1.5×) and the import's peak RSS (target ≤ 150 MB).
// Run after `npm run build`: `node bench/signals.mjs`, or through `npm run bench`.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchEnv, BIN, ROOT, timeCommands } from './lib.mjs';
import { peakRss } from './report.mjs';

const node = process.execPath;
const PLATFORMS = ['微博', '微信', '今日头条', '抖音', '雪球', '股吧', '百度贴吧', '新浪财经', '财新网', '知乎'];
const SENTIMENTS = ['负面', '中性', '正面', ''];

/** A monitoring export of `rows` mentions over the 48 hours before `end`, as platforms write it. */
async function writeExport(file, rows, end) {
  const out = createWriteStream(file);
  const write = (text) => (out.write(text) ? undefined : new Promise((r) => out.once('drain', r)));
  await write('发布时间,来源,标题,链接,作者,转发数,评论数,点赞数,阅读数,情感倾向\n');
  let seed = 42;
  const next = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const start = end - 48 * 3600_000;
  const pad = (n) => String(n).padStart(2, '0');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const d = new Date(start + Math.floor((i * 48 * 3600_000) / rows) + 8 * 3600_000);
    const time = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    chunk += `${time},${PLATFORMS[next(PLATFORMS.length)]},某证券APP登录失败 第${i}条,https://example.com/p/${i},用户${next(100000)},${next(500)},${next(50)},${next(200)},${next(20000)},${SENTIMENTS[next(4)]}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

/** User + system CPU seconds of one run (/usr/bin/time -v), or null where it is not installed. */
function cpuSeconds(argv) {
  if (!existsSync('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-v', ...argv], { env: benchEnv(), cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1];
  const system = /System time \(seconds\): ([\d.]+)/.exec(r.stderr)?.[1];
  return r.status === 0 && user && system ? Number(user) + Number(system) : null;
}

export async function benchSignals({ rows = Number(process.env.BENCH_SIGNALS_ROWS) || 1_000_000, runs = Number(process.env.BENCH_RUNS) > 0 ? Math.min(Number(process.env.BENCH_RUNS), 5) : 3 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-bench-signals-'));
  try {
    const db = join(dir, 'audit.db');
    const env = benchEnv();
    const opened = spawnSync(node, [BIN, 'open', '--type', 'trading-outage', '--var', 'systems=APP', '--impact', 'partial', '--db', db, '--json'], { env, encoding: 'utf8' });
    if (opened.status !== 0) throw new Error(opened.stderr);
    const id = JSON.parse(opened.stdout).id;
    const file = join(dir, 'mentions.csv');
    await writeExport(file, rows, Date.now() - 60_000);
    const baseline = join(dir, 'sum-columns.mjs');
    const csvParse = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('csv-parse')).href.replace(/dist\/cjs\/index\.cjs$/, 'lib/index.js');
    writeFileSync(
      baseline,
      `import { createReadStream } from 'node:fs';\nimport { parse } from ${JSON.stringify(csvParse)};\n` +
        `let reposts = 0, views = 0, n = 0;\n` +
        `for await (const r of createReadStream(process.argv[2]).pipe(parse({ from_line: 2 }))) { reposts += Number(r[5]); views += Number(r[8]); n++; }\n` +
        `if (n === 0) process.exit(1);\nconsole.log(JSON.stringify({ n, reposts, views }));\n`,
    );
    const command = [node, BIN, 'signals', 'import', id, file, '--since', '3d', '--json', '--db', db];
    const check = spawnSync(command[0], command.slice(1), { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (check.status !== 0) throw new Error(check.stderr);
    const used = JSON.parse(check.stdout).used;
    if (used !== rows) throw new Error(`imported ${used} of ${rows} rows`);
    const [base, timed] = timeCommands([[node, baseline, file], command], { runs, warmup: 1, env });
    const rss = peakRss(command, dir);
    const baseRss = peakRss([node, baseline, file], dir);
    // CPU seconds (user + system) of one run each: steadier than wall time on a shared machine
    const cpu = cpuSeconds(command);
    const baseCpu = cpuSeconds([node, baseline, file]);
    return [
      {
        name: `signals import, ${rows} rows`,
        value: timed.median,
        unit: 'ms',
        baseline: base.median,
        ratio: timed.median / base.median,
        target: 1.5,
        extra: {
          runs,
          rows,
          bytes: statSync(file).size,
          baseline: 'csv-parse stream of the same file, summing two columns',
          samplesMs: timed.samples.map(Math.round),
          baselineSamplesMs: base.samples.map(Math.round),
          fastestRatio: Math.min(...timed.samples) / Math.min(...base.samples),
          ...(cpu && baseCpu ? { cpuSeconds: cpu, baselineCpuSeconds: baseCpu, cpuRatio: cpu / baseCpu } : {}),
        },
      },
      {
        name: `signals import, ${rows} rows: peak RSS`,
        value: rss.mb,
        unit: 'MB',
        baseline: 150,
        ratio: rss.mb / 150,
        target: 1,
        extra: { measuredWith: rss.how, limitMb: 150, baselineScriptMb: baseRss.mb },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const records = await benchSignals();
  for (const r of records) console.log(`${r.name}: ${r.value.toFixed(1)} ${r.unit} (baseline ${r.baseline.toFixed(1)}, ratio ${r.ratio.toFixed(2)}, target ≤ ${r.target})`);
}

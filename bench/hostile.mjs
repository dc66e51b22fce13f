// Issue 17: drill time against its length (goal: 10 000 events in a drill under 2 s, linear), and
// what `verify --anchors` costs over a plain `verify`. Figures in BENCHMARKS.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, benchEnv, timeCommands } from './lib.mjs';

/** A drill of `notes` timeline notes (one event each), four a minute. */
function notesDrill(file, notes) {
  let text = 'drill: long\ntype: trading-outage\nstart: 2026-03-02T09:30:00+08:00\nimpact: partial\nvars: {systems: APP}\ntimeline:\n';
  for (let i = 0; i < notes; i++) text += `  - {at: ${1 + Math.floor(i / 4)}m, note: "n${i}"}\n`;
  writeFileSync(file, text);
}

/** A drill that runs `span` with a diligent responder: the repeating steps' occurrences pile up. */
function repeatsDrill(file, span) {
  writeFileSync(file, `drill: long\ntype: trading-outage\nstart: 2026-03-02T09:30:00+08:00\nimpact: partial\nvars: {systems: APP}\ntimeline:\n  - {at: ${span}, note: "end"}\n`);
}

export async function benchHostile() {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-bench-'));
  try {
    const env = benchEnv();
    const files = { n1k: join(dir, 'n1k.yaml'), n10k: join(dir, 'n10k.yaml'), r20: join(dir, 'r20.yaml'), r40: join(dir, 'r40.yaml') };
    notesDrill(files.n1k, 1000);
    notesDrill(files.n10k, 10000);
    repeatsDrill(files.r20, '20d');
    repeatsDrill(files.r40, '40d');
    const drill = (file, db) => [process.execPath, BIN, 'drill', file, '--db', join(dir, db)];
    const [n1k, n10k, r20, r40, base] = timeCommands(
      [drill(files.n1k, 'a.db'), drill(files.n10k, 'b.db'), drill(files.r20, 'c.db'), drill(files.r40, 'd.db'), [process.execPath, '-e', '0']],
      { runs: 5, warmup: 0, env },
    );
    // verify over the databases the drills filled (many incidents each): plain, and with anchors
    const db = join(dir, 'b.db');
    const anchors = join(dir, 'anchors.jsonl');
    timeCommands([[process.execPath, BIN, 'anchor', '--out', anchors, '--db', db]], { runs: 1, warmup: 0, env });
    const [plain, anchored] = timeCommands(
      [
        [process.execPath, BIN, 'verify', '--db', db],
        [process.execPath, BIN, 'verify', '--anchors', anchors, '--db', db],
      ],
      { runs: 5, warmup: 1, env },
    );
    // every sample kept: on a shared machine the spread says how far to trust a median
    const spread = (...m) => ({ samples: Object.fromEntries(m.map(([k, r]) => [k, r.samples.map((x) => Math.round(x))])) });
    return [
      { name: 'drill of 1 000 note events vs node -e 0', value: n1k.median, baseline: base.median, extra: spread(['n1k', n1k], ['node', base]) },
      { name: 'drill of 10 000 note events vs 1 000 (linear: ≤ 10)', value: n10k.median, baseline: n1k.median, target: 10, extra: spread(['n10k', n10k]) },
      { name: 'drill of 10 000 note events, ms (goal 2 000)', value: n10k.median, baseline: 2000, target: 1 },
      { name: 'repeating steps, 40 days vs 20 days (~2x the events; linear: ≤ 2)', value: r40.median, baseline: r20.median, target: 2, extra: spread(['r20', r20], ['r40', r40]) },
      { name: 'verify --anchors vs verify', value: anchored.median, baseline: plain.median, target: 1.2, extra: spread(['verify', plain], ['anchored', anchored]) },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchHostile());

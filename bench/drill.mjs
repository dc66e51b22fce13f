// Issue 5: the six-hour example drill against `node -e 0`, and a folder of 100 drills.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, benchEnv, ROOT, timeCommands } from './lib.mjs';

const SIX_HOURS = join(ROOT, 'drills', 'trading-outage-confirmation-delay-client-losses.yaml');

export async function benchDrill() {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-bench-'));
  try {
    const db = join(dir, 'drills.db');
    const [drill, base] = timeCommands(
      [
        [process.execPath, BIN, 'drill', SIX_HOURS, '--json', '--db', db],
        [process.execPath, '-e', '0'],
      ],
      { runs: 11, warmup: 2, env: benchEnv() },
    );
    const folder = join(dir, 'hundred');
    mkdirSync(folder);
    const examples = readdirSync(join(ROOT, 'drills')).filter((f) => f.endsWith('.yaml'));
    for (let i = 0; i < 100; i++) copyFileSync(join(ROOT, 'drills', examples[i % examples.length]), join(folder, `d${String(i).padStart(3, '0')}.yaml`));
    const [hundred] = timeCommands([[process.execPath, BIN, 'drill', folder, '--db', join(dir, 'hundred.db')]], { runs: 3, warmup: 1, env: benchEnv() });
    const perDrill = hundred.median / 100;
    return [
      { name: 'six-hour drill vs node -e 0', value: drill.median, baseline: base.median, target: 3 },
      {
        name: 'folder of 100 drills, per drill',
        value: perDrill,
        unit: 'ms',
        baseline: 150,
        target: 1,
        extra: { drillsPerSecond: 1000 / perDrill, folderMs: hundred.median, note: 'baseline is the 0.15 s per drill budget' },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchDrill());

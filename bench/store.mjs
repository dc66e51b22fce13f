// Issue 3: the audit store's append rate, verify of a long chain, and list over many incidents.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BIN, benchEnv, ROOT, timeCommands } from './lib.mjs';

const dist = (p) => import(join(ROOT, 'dist', p));

function opened(id) {
  return {
    type: 'incident.opened',
    at: Date.now(),
    actor: 'bench',
    payload: { type: 'bench', title: `Bench ${id}`, mode: 'real', playbook: { id: 'bench', version: 1, sha256: '0'.repeat(64), file: '' } },
  };
}

/** Appends per second: each event its own durable IMMEDIATE transaction, through the store vs plain inserts. */
async function appendRate(dir) {
  const { AuditStore } = await dist('store/store.js');
  const n = 2000;
  const store = AuditStore.open(join(dir, 'append.db'));
  store.transact(() => store.append('INC-BENCH-001', [opened('INC-BENCH-001')]));
  let start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    store.transact(() => store.append('INC-BENCH-001', [{ type: 'note.added', at: Date.now(), actor: 'bench', payload: { text: `note ${i}` } }]));
  }
  const storeRate = n / (Number(process.hrtime.bigint() - start) / 1e9);
  store.close();

  const db = new Database(join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (incident_id TEXT, seq INTEGER, at TEXT, recorded_at TEXT, type TEXT, actor TEXT, payload TEXT, prev_hash TEXT, hash TEXT, UNIQUE (incident_id, seq))');
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const once = db.transaction((i) => insert.run('X', i, 'at', 'rec', 'note.added', 'bench', `{"text":"note ${i}"}`, 'p', 'h'));
  start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) once(i);
  const plainRate = n / (Number(process.hrtime.bigint() - start) / 1e9);
  db.close();
  return { name: 'durable appends (store vs plain)', value: storeRate, unit: 'ev/s', baseline: plainRate, target: 0.5, better: 'higher', extra: { events: n } };
}

/** verify of one incident with 100 000 events vs a plain script that reads the rows and hashes them. */
async function verifyLong(dir) {
  const { AuditStore } = await dist('store/store.js');
  const file = join(dir, 'long.db');
  const store = AuditStore.open(file);
  const id = 'INC-20260101-001';
  store.transact(() => store.append(id, [opened(id)]));
  for (let b = 0; b < 100; b++) {
    const batch = Array.from({ length: b === 99 ? 999 : 1000 }, (_, i) => ({ type: 'note.added', at: Date.now(), actor: 'bench', payload: { text: `note ${b}-${i}` } }));
    store.transact(() => store.append(id, batch));
  }
  store.close();
  const plain = join(dir, 'plain-verify.mjs');
  writeFileSync(
    plain,
    `import Database from '${join(ROOT, 'node_modules', 'better-sqlite3', 'lib', 'index.js')}';
import { createHash } from 'node:crypto';
const db = new Database(process.argv[2], { readonly: true });
let prev = '0'.repeat(64), n = 0;
for (const r of db.prepare('SELECT * FROM events WHERE incident_id = ? ORDER BY seq').iterate(process.argv[3])) {
  const h = createHash('sha256').update(prev).update(JSON.stringify([r.incident_id, r.seq, r.at, r.recorded_at, r.type, r.actor, r.payload])).digest('hex');
  prev = r.hash; n += h.length > 0;
}
console.log(n);
`,
  );
  const [ours, base] = timeCommands(
    [
      [process.execPath, BIN, 'verify', id, '--db', file],
      [process.execPath, plain, file, id],
    ],
    { runs: 5, warmup: 1, env: benchEnv() },
  );
  return { name: 'verify 100 000 events', value: ours.median, baseline: base.median, target: 1.5 };
}

/** list --json over 10 000 incidents vs node -e 0. */
async function listMany(dir) {
  const { AuditStore } = await dist('store/store.js');
  const file = join(dir, 'many.db');
  const store = AuditStore.open(file);
  store.transact(() => {
    for (let i = 1; i <= 10_000; i++) {
      const id = `INC-2026${String(1 + (i % 12)).padStart(2, '0')}01-${String(i).padStart(5, '0')}`;
      store.append(id, [
        opened(id),
        { type: 'incident.graded', at: Date.now(), actor: 'bench', payload: { tier: 'moderate', result: { direction: 'B' } } },
      ]);
    }
  });
  store.close();
  const [ours, base] = timeCommands(
    [
      [process.execPath, BIN, 'list', '--json', '--db', file],
      [process.execPath, '-e', '0'],
    ],
    { runs: 11, warmup: 2, env: benchEnv() },
  );
  return { name: 'list --json, 10 000 incidents', value: ours.median, baseline: base.median, target: 2.5 };
}

export async function benchStore() {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-bench-'));
  try {
    return [await appendRate(dir), await verifyLong(dir), await listMany(dir)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchStore());

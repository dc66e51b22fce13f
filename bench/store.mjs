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

/**
 * Appends per second: each event its own durable IMMEDIATE transaction, through the store vs plain
 * inserts. The two alternate in blocks of 100 so that the disk's moods hit both alike.
 */
async function appendRate(dir) {
  const { AuditStore } = await dist('store/store.js');
  const n = 2000;
  const block = 100;
  const store = AuditStore.open(join(dir, 'append.db'));
  store.transact(() => store.append('INC-BENCH-001', [opened('INC-BENCH-001')]));

  const db = new Database(join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (incident_id TEXT, seq INTEGER, at TEXT, recorded_at TEXT, type TEXT, actor TEXT, payload TEXT, prev_hash TEXT, hash TEXT, UNIQUE (incident_id, seq))');
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const once = db.transaction((i) => insert.run('X', i, 'at', 'rec', 'note.added', 'bench', `{"text":"note ${i}"}`, 'p', 'h'));

  let storeNs = 0n;
  let plainNs = 0n;
  for (let from = 0; from < n; from += block) {
    let start = process.hrtime.bigint();
    for (let i = from; i < from + block; i++) {
      store.transact(() => store.append('INC-BENCH-001', [{ type: 'note.added', at: Date.now(), actor: 'bench', payload: { text: `note ${i}` } }]));
    }
    storeNs += process.hrtime.bigint() - start;
    start = process.hrtime.bigint();
    for (let i = from; i < from + block; i++) once(i);
    plainNs += process.hrtime.bigint() - start;
  }
  store.close();
  db.close();
  const rate = (ns) => n / (Number(ns) / 1e9);
  return { name: 'durable appends (store vs plain)', value: rate(storeNs), unit: 'ev/s', baseline: rate(plainNs), target: 0.5, better: 'higher', extra: { events: n } };
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
  // what any program pays: load the driver, read the same rendered entries, write 2.8 MB
  const plain = join(dir, 'plain-list.cjs');
  writeFileSync(
    plain,
    `const Database = require(${JSON.stringify(join(ROOT, 'node_modules', 'better-sqlite3'))});
const db = new Database(process.argv[2], { readonly: true });
const rows = db.prepare('SELECT listed FROM incidents ORDER BY opened_ms DESC, id DESC').pluck().all();
process.stdout.write('[\\n' + rows.join(',\\n') + '\\n]\\n');
`,
  );
  const [ours, base, floor] = timeCommands(
    [
      [process.execPath, BIN, 'list', '--json', '--db', file],
      [process.execPath, '-e', '0'],
      [process.execPath, plain, file],
    ],
    { runs: 11, warmup: 2, env: benchEnv() },
  );
  return [
    { name: 'list --json, 10 000 incidents', value: ours.median, baseline: base.median, target: 2.5 },
    { name: 'a plain 4-line better-sqlite3 script writing the same document (reference)', value: floor.median, baseline: base.median },
  ];
}

export async function benchStore() {
  const dir = mkdtempSync(join(tmpdir(), 'sec-incident-bench-'));
  try {
    return [await appendRate(dir), await verifyLong(dir), ...(await listMany(dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchStore());

// Issue 13: the shared PostgreSQL store — durable appends through the store against plain `pg`
// inserts, and eight writers on one incident. Uses SEC_INCIDENT_TEST_PG (default: the local
// server) in a schema of its own, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from './lib.mjs';

const dist = (p) => import(join(ROOT, 'dist', p));
const SERVER = process.env.SEC_INCIDENT_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test';

function url(schema) {
  const u = new URL(SERVER);
  u.searchParams.set('schema', schema);
  return u.toString();
}

const note = (i) => ({ type: 'note.added', at: Date.now(), actor: 'bench', payload: { text: `note ${i}` } });
const opened = { type: 'incident.opened', at: Date.now(), actor: 'bench', payload: { type: 'bench', title: 'Bench', mode: 'real', playbook: { id: 'bench', version: 1, sha256: '0'.repeat(64), file: '' } } };

async function withSchema(fn) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const { initSchema } = await dist('store/postgres/store.js');
  const { parsePgTarget } = await dist('store/postgres/target.js');
  const target = parsePgTarget(url(schema), process.env);
  await initSchema(target, 'bench');
  const owner = new pg.Client({ connectionString: SERVER });
  await owner.connect();
  try {
    return await fn(target, owner, schema);
  } finally {
    await owner.query(`DROP SCHEMA "${schema}" CASCADE`);
    await owner.end();
  }
}

function p95(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
}

/**
 * One event per durable transaction, through the store (lock, read head, hash, insert, listing
 * trigger) vs plain `pg`: BEGIN, INSERT, COMMIT into a table of the same columns and key. The two
 * alternate in blocks of 50 so that the server's moods hit both alike.
 */
export async function benchPgAppend() {
  return withSchema(async (target, owner, schema) => {
    const { PgStore } = await dist('store/postgres/store.js');
    const store = await PgStore.open(target);
    await store.transact((tx) => tx.append('INC-BENCH-001', [opened]), 'INC-BENCH-001');
    await owner.query(`CREATE TABLE "${schema}".plain (incident_id text, seq integer, at text, recorded_at text, type text, actor text, recorded_by text, payload text, prev_hash text, hash text, PRIMARY KEY (incident_id, seq))`);
    const plain = new pg.Client({ connectionString: SERVER });
    await plain.connect();
    const n = 1000;
    const block = 50;
    let storeNs = 0n;
    let plainNs = 0n;
    for (let from = 0; from < n; from += block) {
      let start = process.hrtime.bigint();
      for (let i = from; i < from + block; i++) await store.transact((tx) => tx.append('INC-BENCH-001', [note(i)]), 'INC-BENCH-001');
      storeNs += process.hrtime.bigint() - start;
      start = process.hrtime.bigint();
      for (let i = from; i < from + block; i++) {
        await plain.query('BEGIN');
        await plain.query(`INSERT INTO "${schema}".plain VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, ['X', i, 'at', 'rec', 'note.added', 'bench', 'bench', `{"text":"note ${i}"}`, 'p', 'h']);
        await plain.query('COMMIT');
      }
      plainNs += process.hrtime.bigint() - start;
    }
    await store.close();
    await plain.end();
    const rate = (ns) => n / (Number(ns) / 1e9);
    return { name: 'pg durable appends (store vs plain)', value: rate(storeNs), unit: 'ev/s', baseline: rate(plainNs), target: 0.5, better: 'higher', extra: { events: n } };
  });
}

/** Writers each appending `per` events, one transaction each, to one incident: rate and latencies. */
async function writers(target, count, per) {
  const { PgStore } = await dist('store/postgres/store.js');
  const stores = await Promise.all(Array.from({ length: count }, () => PgStore.open(target)));
  const id = `INC-BENCH-${count}`;
  await stores[0].transact((tx) => tx.append(id, [opened]), id);
  const latencies = [];
  const start = process.hrtime.bigint();
  await Promise.all(
    stores.map(async (store, w) => {
      for (let i = 0; i < per; i++) {
        const t0 = process.hrtime.bigint();
        await store.transact((tx) => tx.append(id, [note(`${w}.${i}`)]), id);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const report = await stores[0].verify(id, undefined);
  await Promise.all(stores.map((s) => s.close()));
  if (!report.ok || report.events !== count * per + 1) throw new Error(`chain after ${count} writers: ${JSON.stringify(report)}`);
  return { rate: (count * per) / seconds, p95: p95(latencies) };
}

/**
 * Eight writers on one incident against one writer: events/s (higher is better) and the p95 of
 * one append's latency (the lock makes the eight wait for each other; the chain stays linear).
 */
export async function benchPgConcurrent() {
  return withSchema(async (target) => {
    const one = await writers(target, 1, 400);
    const eight = await writers(target, 8, 50);
    return [
      { name: 'pg 8 writers, one incident: events/s', value: eight.rate, unit: 'ev/s', baseline: one.rate, target: null, better: 'higher', extra: { writers: 8, per: 50 } },
      { name: 'pg 8 writers: p95 append latency', value: eight.p95, unit: 'ms', baseline: one.p95, target: null, extra: { writers: 8, per: 50 } },
    ];
  });
}

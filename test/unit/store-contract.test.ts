// The store contract (SPEC §6), run against both adapters: whatever the service does through the
// port must hold alike on an SQLite file and on a shared PostgreSQL database.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../src/engine/events.js';
import { messages } from '../../src/i18n/messages.js';
import { recorderNote, verifiedFrom } from '../../src/report/describe.js';
import { canonicalEvent, canonicalJson, chainHash, GENESIS, type EventRow } from '../../src/store/hash.js';
import type { IncidentStore } from '../../src/store/port.js';
import { WorkError } from '../../src/errors.js';
import { LOCK_SPACE, lockKey } from '../../src/store/postgres/connection.js';
import { migrations } from '../../src/store/postgres/schema.js';
import { initSchema, PgStore } from '../../src/store/postgres/store.js';
import { parsePgTarget } from '../../src/store/postgres/target.js';
import { migrate } from '../../src/store/schema.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { tempDir } from '../helpers.js';
import { ownerQuery, pgSchemas, pgUrl, TEST_PG } from '../support/pg.js';

const T0 = Date.parse('2026-03-16T01:30:00Z');

const opened = (title: string, mode: 'real' | 'drill' = 'real', at = T0): EventDraft =>
  ({
    type: 'incident.opened',
    at,
    actor: '张三',
    payload: { type: 'trading-outage', title, mode, timezone: 'Asia/Shanghai', playbook: { id: 'x', version: 1, sha256: '', file: '' } },
  }) as EventDraft;

const note = (text: string, at = T0 + 60_000): EventDraft => ({ type: 'note.added', at, actor: '李四', payload: { text } });

const graded = (tier: string, direction: string, at = T0 + 1000): EventDraft =>
  ({ type: 'incident.graded', at, actor: 't', payload: { tier, result: { direction } } }) as EventDraft;

const imported = (events: number): EventDraft => ({ type: 'db.imported', at: T0 + 3_600_000, actor: 'copier', payload: { source: 'elsewhere', head: 'h', events } });

interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new, empty store. */
  fresh(key?: string): Promise<Harness>;
}

interface Harness {
  store: IncidentStore;
  /** Another connection to the same store (a second writer). */
  another(key?: string): Promise<IncidentStore>;
  /** SQL run as the store's owner, as a tamperer with the file or the owner's password would. */
  raw(sql: string): Promise<void>;
  recordedBy: string;
}

const dir = tempDir();
const pgs = pgSchemas('contract');
let files = 0;

const backends: Backend[] = [
  {
    name: 'sqlite',
    async fresh(key) {
      const file = join(dir, `s${++files}.db`);
      const store = SqliteStore.open(file, { key, recordedBy: 'os-user' });
      return {
        store,
        // better-sqlite3 blocks while it waits for a lock: a second writer in one process shares the connection
        another: async () => store,
        raw: async (sql) => void store.audit.db.exec(sql),
        recordedBy: 'os-user',
      };
    },
  },
  {
    name: 'postgres',
    async fresh(key) {
      const target = parsePgTarget(pgUrl({ schema: pgs.schema() }), process.env);
      await initSchema(target, 'responder');
      const open = (k = key) => PgStore.open(target, { key: k });
      return {
        store: await open(),
        another: open,
        raw: async (sql) => void (await ownerQuery(`SET search_path TO "${target.schema}"; ${sql}`)),
        recordedBy: 'postgres',
      };
    },
  },
];

/** Resolves at the watcher's next call. */
const nextChange = (store: IncidentStore, id: string): { seen: Promise<void>; stop: () => void } => {
  let stop = () => undefined as void;
  const seen = new Promise<void>((done) => {
    stop = store.watch(id, () => done());
  });
  return { seen, stop };
};

describe.each(backends)('the store contract on $name', (backend) => {
  it('watch: an append by another connection is told to that incident\'s watchers, not to others', async () => {
    const { store, another } = await backend.fresh();
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a')]), id);
    let elsewhere = 0;
    const stopOther = store.watch('INC-20260316-002', () => elsewhere++);
    const change = nextChange(store, id);
    const writer = await another();
    await writer.transact((tx) => tx.append(id, [note('from another desk')]), id);
    await change.seen;
    change.stop();
    stopOther();
    expect(elsewhere).toBe(0);
    if (writer !== store) await writer.close();
    await store.close();
  });

  it('appends a linear chain: seq from 1, each event linked to the one before, recorded_by stamped', async () => {
    const { store, recordedBy } = await backend.fresh();
    const id = 'INC-20260316-001';
    const first = await store.transact((tx) => tx.append(id, [opened('a'), graded('severe', 'B')]), id);
    const second = await store.transact((tx) => tx.append(id, [note('n1')]), id);
    expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first[0]!.prevHash).toBe(GENESIS);
    expect(second[0]!.prevHash).toBe(first[1]!.hash);
    const rows = await store.rows(id);
    expect(rows.map((r) => [r.seq, r.type, r.actor, r.recorded_by])).toEqual([
      [1, 'incident.opened', '张三', recordedBy],
      [2, 'incident.graded', 't', recordedBy],
      [3, 'note.added', '李四', recordedBy],
    ]);
    // the stored hash is the shared recipe over the stored row, recorded_by included
    const r3 = rows[2]!;
    expect(r3.hash).toBe(chainHash(r3.prev_hash, canonicalEvent(r3), undefined));
    expect(canonicalEvent(r3)).toContain(`"recorded_by":${JSON.stringify(recordedBy)}`);
    expect((await store.events(id))[2]).toMatchObject({ type: 'note.added', payload: { text: 'n1' }, recordedBy });
    expect((await store.eventsAfter(id, 1)).map((e) => e.seq)).toEqual([2, 3]);
    expect(await store.headSeq(id)).toBe(3);
    expect(await store.headSeq('INC-20260316-404')).toBe(0);
    expect(await store.hasIncident(id)).toBe(true);
    expect(await store.hasIncident('INC-20260316-404')).toBe(false);
    await store.close();
  });

  it('a failed action leaves nothing behind', async () => {
    const { store } = await backend.fresh();
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a')]), id);
    await expect(
      store.transact(async (tx) => {
        await tx.append(id, [note('half')]);
        throw new Error('the engine refused');
      }, id),
    ).rejects.toThrow('the engine refused');
    expect(await store.headSeq(id)).toBe(1);
    expect((await store.list('all'))[0]!.events).toBe(1);
    await store.close();
  });

  it('concurrent writers on one incident keep the chain linear: nothing lost, nothing doubled', async () => {
    const { store, another } = await backend.fresh();
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a')]), id);
    const writers = await Promise.all(Array.from({ length: 6 }, () => another()));
    await Promise.all(
      writers.map((w, i) =>
        (async () => {
          for (let n = 0; n < 15; n++) {
            await w.transact(async (tx) => {
              const head = await tx.headSeq(id); // read the head, decide, append: no one in between
              await tx.append(id, [note(`w${i} n${n} after ${head}`)]);
            }, id);
          }
        })(),
      ),
    );
    const rows = await store.rows(id);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 91 }, (_, i) => i + 1));
    // each note names the head its writer saw: with the lock, always the seq before its own
    expect(rows.slice(1).every((r) => JSON.parse(r.payload).text.endsWith(` after ${r.seq - 1}`))).toBe(true);
    expect(new Set(rows.slice(1).map((r) => JSON.parse(r.payload).text)).size).toBe(90);
    expect(await store.verify(id, undefined)).toMatchObject({ ok: true, events: 91 });
    await Promise.all(writers.filter((w) => w !== store).map((w) => w.close()));
    await store.close();
  });

  it('verifies a chain, keyed or not, and names the first altered event', async () => {
    const { store, raw } = await backend.fresh('k-1');
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a'), note('one'), note('two')]), id);
    expect(await store.verify(id, 'k-1')).toMatchObject({ ok: true, events: 3, firstBadSeq: null });
    expect(await store.verify(id, undefined)).toMatchObject({ ok: false, firstBadSeq: 1, problem: 'hash' });
    await raw(
      (backend.name === 'sqlite' ? 'DROP TRIGGER events_no_update;' : 'ALTER TABLE events DISABLE TRIGGER USER;') +
        ` UPDATE events SET payload = '{"text":"edited"}' WHERE seq = 2`,
    );
    expect(await store.verify(id, 'k-1')).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'hash' });
    await store.close();
  });

  it('a deleted tail is caught against the listing', async () => {
    const { store, raw } = await backend.fresh();
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a'), note('x')]), id);
    await raw(
      (backend.name === 'sqlite' ? 'DROP TRIGGER events_no_delete;' : 'ALTER TABLE events DISABLE TRIGGER USER;') + ' DELETE FROM events WHERE seq = 2',
    );
    expect(await store.verify(id, undefined)).toMatchObject({ ok: false, firstBadSeq: 2, problem: 'truncated' });
    await store.close();
  });

  it('refuses UPDATE and DELETE on events, even from the owner', async () => {
    const { store, raw } = await backend.fresh();
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a')]), id);
    await expect(raw("UPDATE events SET actor = 'x'")).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(raw('DELETE FROM events')).rejects.toThrow(/append-only: DELETE refused/);
    expect(await store.verify(id, undefined)).toMatchObject({ ok: true, events: 1 });
    await store.close();
  });

  it('keeps the listing: mode, tier, direction, state, events; newest first; times in the incident zone', async () => {
    const { store } = await backend.fresh();
    await store.transact(async (tx) => {
      await tx.append('INC-20260316-001', [opened('real one, "quoted" 中文'), graded('severe', 'B')]);
      await tx.append('DRL-20260316-001', [opened('drill one', 'drill', T0 + 5000)]);
      await tx.append('INC-20260316-001', [{ type: 'incident.recovered', at: T0 + 7_200_000, actor: 't', payload: {} }], { virtualClock: true });
    });
    const all = await store.list('all');
    expect(all.map((r) => [r.id, r.mode, r.tier, r.direction, r.state, r.events])).toEqual([
      ['DRL-20260316-001', 'drill', 'mild', 'A', 'open', 1],
      ['INC-20260316-001', 'real', 'severe', 'B', 'recovered', 3],
    ]);
    expect((await store.list('real')).map((r) => r.id)).toEqual(['INC-20260316-001']);
    expect((await store.list('drill')).map((r) => r.id)).toEqual(['DRL-20260316-001']);
    expect(all[1]!.title).toBe('real one, "quoted" 中文');
    expect(all[1]!.openedAt).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    for (const filter of ['real', 'drill', 'all'] as const) expect(JSON.parse(await store.listJson(filter))).toEqual(await store.list(filter));
    expect(await store.incidentIds()).toEqual(['DRL-20260316-001', 'INC-20260316-001']);
    expect(await store.isListed('INC-20260316-001')).toBe(true);
    await store.close();
  });

  it('numbers ids per day and prefix, and never below an id already in the store', async () => {
    const { store } = await backend.fresh();
    const open = (prefix: 'INC' | 'DRL', day: string) =>
      store.transact(async (tx) => {
        const id = await tx.nextId(prefix, day);
        await tx.append(id, [opened(id, prefix === 'DRL' ? 'drill' : 'real')]);
        return id;
      });
    expect(await open('INC', '2026-03-16')).toBe('INC-20260316-001');
    expect(await open('INC', '2026-03-16')).toBe('INC-20260316-002');
    expect(await open('DRL', '2026-03-16')).toBe('DRL-20260316-001');
    expect(await open('INC', '2026-03-17')).toBe('INC-20260317-001');
    // an incident copied in under a later number: the next one follows it, past 999
    await store.transact((tx) => tx.importIncident(chainOf('INC-20260316-999', [opened('copied')]), imported(1)));
    expect(await open('INC', '2026-03-16')).toBe('INC-20260316-1000');
    await store.close();
  });

  it('concurrent openers get distinct ids', async () => {
    const { store, another } = await backend.fresh();
    const writers = await Promise.all(Array.from({ length: 4 }, () => another()));
    const ids = await Promise.all(
      writers.flatMap((w) =>
        [0, 1, 2].map(() =>
          w.transact(async (tx) => {
            const id = await tx.nextId('INC', '2026-03-16');
            await tx.append(id, [opened(id)]);
            return id;
          }),
        ),
      ),
    );
    expect(new Set(ids).size).toBe(12);
    expect((await store.list('all')).length).toBe(12);
    await Promise.all(writers.filter((w) => w !== store).map((w) => w.close()));
    await store.close();
  });

  it('imports a whole chain as it was, closed by the copier’s db.imported event, and refuses an id it has', async () => {
    const { store, recordedBy } = await backend.fresh();
    const rows = chainOf('INC-20260101-007', [opened('from elsewhere'), note('old note')], 'someone-else');
    const marker = await store.transact((tx) => tx.importIncident(rows, imported(2)));
    expect(marker).toMatchObject({ seq: 3, type: 'db.imported', prevHash: rows[1]!.hash, recordedBy });
    const stored = await store.rows('INC-20260101-007');
    expect(stored.slice(0, 2)).toEqual(rows);
    expect(await store.verify('INC-20260101-007', undefined)).toMatchObject({ ok: true, events: 3 });
    await expect(store.transact((tx) => tx.importIncident(rows, imported(2)))).rejects.toThrow();
    expect(await store.headSeq('INC-20260101-007')).toBe(3);
    await store.close();
  });
});

/** A chain as another store would have written it (recorded_by absent: an older SQLite file). */
function chainOf(id: string, drafts: EventDraft[], recordedBy?: string): EventRow[] {
  let prev = GENESIS;
  return drafts.map((d, i) => {
    const row = {
      incident_id: id,
      seq: i + 1,
      at: new Date(d.at).toISOString(),
      recorded_at: new Date(d.at).toISOString(),
      type: d.type,
      actor: d.actor,
      recorded_by: recordedBy ?? null,
      payload: canonicalJson(d.payload),
    };
    const hash = chainHash(prev, canonicalEvent(row), undefined);
    const full = { ...row, prev_hash: prev, hash };
    prev = hash;
    return full;
  });
}

describe('migrations', () => {
  it('SQLite: a schema-2 file gains recorded_by; its old events keep their recipe and still verify', async () => {
    const file = join(dir, 'v2.db');
    const raw = new Database(file);
    migrate(raw, 0, 2);
    const insert = raw.prepare(
      'INSERT INTO events (incident_id, seq, at, recorded_at, type, actor, payload, prev_hash, hash) VALUES (@incident_id, @seq, @at, @recorded_at, @type, @actor, @payload, @prev_hash, @hash)',
    );
    for (const { recorded_by: _, ...row } of chainOf('INC-20260316-001', [opened('old')])) insert.run(row);
    raw.close();
    const store = SqliteStore.open(file, { recordedBy: 'os-user' });
    expect(store.audit.db.pragma('user_version', { simple: true })).toBe(4);
    await store.transact((tx) => tx.append('INC-20260316-001', [note('new')]));
    expect((await store.rows('INC-20260316-001')).map((r) => r.recorded_by)).toEqual([null, 'os-user']);
    expect(await store.verify('INC-20260316-001', undefined)).toMatchObject({ ok: true, events: 2 });
    await store.close();
  });

  it('PostgreSQL: db init is idempotent and versioned; a store not initialised or newer is refused clearly', async () => {
    const target = parsePgTarget(pgUrl({ schema: pgs.schema() }), process.env);
    expect(messages('en').error(await PgStore.open(target).catch((e: unknown) => e))).toMatch(/no sec-incident store in schema/);
    expect(await initSchema(target, 'r')).toMatchObject({ from: 0, to: 3 });
    expect(await initSchema(target, 'r')).toMatchObject({ from: 3, to: 3 });
    await ownerQuery(`UPDATE "${target.schema}".meta SET value = '99' WHERE key = 'schema_version'`);
    expect(messages('en').error(await PgStore.open(target).catch((e: unknown) => e))).toMatch(/newer sec-incident \(schema 99/);
    expect(messages('en').error(await initSchema(target, 'r').catch((e: unknown) => e))).toMatch(/newer sec-incident/);
  });
});

describe('PostgreSQL: the change feed (schema 2, migrated to the current one)', () => {
  it('a store at version 1 migrates forward; a responder with the printed grants is heard by a LISTENing walk', async () => {
    const schema = pgs.schema();
    const s = `"${schema}"`;
    await ownerQuery(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.meta (key text PRIMARY KEY, value text NOT NULL);`);
    await ownerQuery(migrations(schema)[0]!);
    await ownerQuery(`INSERT INTO ${s}.meta VALUES ('schema_version', '1')`);
    const target = parsePgTarget(pgUrl({ schema }), process.env);
    expect(messages('en').error(await PgStore.open(target).catch((e: unknown) => e))).toMatch(/is at version 1, this sec-incident needs 3: its owner runs `sec-incident db init`/);
    const role = await pgs.role();
    const { from, to, grants } = await initSchema(target, role);
    expect({ from, to }).toEqual({ from: 1, to: 3 });
    await ownerQuery(grants.join('\n'));
    const asResponder = new URL(TEST_PG);
    asResponder.username = role;
    const responder = await PgStore.open(parsePgTarget(pgUrl({ schema }, asResponder.toString()), process.env));
    const walk = await PgStore.open(target);
    const id = 'INC-20260316-001';
    // the channel itself, heard by a responder's own session: `incident_id:seq`, at commit
    const listener = new pg.Client({ connectionString: asResponder.toString() });
    await listener.connect();
    await listener.query('LISTEN sec_incident_events');
    const heard = new Promise<string | undefined>((done) => listener.on('notification', (n) => done(n.payload)));
    const change = nextChange(walk, id);
    await responder.transact((tx) => tx.append(id, [opened('a')]), id);
    expect(await heard).toBe(`${id}:1`);
    await listener.end();
    await change.seen;
    change.stop();
    await responder.close();
    await walk.close();
  });
});

describe('PostgreSQL: what a responder may do', () => {
  it('with the printed grants: record and read, but not forge recorded_by, alter the listing or rebuild it', async () => {
    const schema = pgs.schema();
    const target = parsePgTarget(pgUrl({ schema }), process.env);
    const role = await pgs.role();
    const { grants } = await initSchema(target, role);
    await ownerQuery(grants.join('\n'));
    const asResponder = new URL(TEST_PG);
    asResponder.username = role;
    const store = await PgStore.open(parsePgTarget(pgUrl({ schema }, asResponder.toString()), process.env));
    const id = await store.transact(async (tx) => {
      const next = await tx.nextId('INC', '2026-03-16');
      await tx.append(next, [opened('by a responder'), note('n')]);
      return next;
    });
    expect((await store.rows(id)).map((r) => r.recorded_by)).toEqual([role, role]);
    expect((await store.list('all'))[0]).toMatchObject({ id, events: 2 });

    const client = new pg.Client({ connectionString: asResponder.toString() });
    await client.connect();
    const s = `"${schema}"`;
    const forged = chainOf(id, [opened('x'), note('y'), note('forged')], 'postgres')[2]!;
    const attempt = (sql: string, params: unknown[] = []) => client.query(sql, params);
    await expect(
      attempt(`INSERT INTO ${s}.events VALUES ($1, 3, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        id, forged.at, forged.recorded_at, forged.type, forged.actor, 'postgres', forged.payload, forged.prev_hash, forged.hash,
      ]),
    ).rejects.toThrow(/recorded_by must be the session user/);
    await expect(attempt(`UPDATE ${s}.incidents SET title = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(attempt(`INSERT INTO ${s}.incidents SELECT * FROM ${s}.incidents`)).rejects.toThrow(/permission denied/);
    await expect(attempt(`DELETE FROM ${s}.events`)).rejects.toThrow(/permission denied/);
    await expect(attempt(`SELECT ${s}.rebuild_listing()`)).rejects.toThrow(/permission denied/);
    await expect(attempt(`UPDATE ${s}.id_counters SET n = 0`)).rejects.toThrow(/permission denied/);
    await client.end();
    expect(await store.verify(id, undefined)).toMatchObject({ ok: true, events: 2 });
    await store.close();
  });

  it('the owner can rebuild the listing from the events alone', async () => {
    const schema = pgs.schema();
    const target = parsePgTarget(pgUrl({ schema }), process.env);
    await initSchema(target, 'r');
    const store = await PgStore.open(target);
    await store.transact(async (tx) => {
      await tx.append('INC-20260316-001', [opened('a'), graded('severe', 'C')]);
      await tx.append('DRL-20260316-001', [opened('b', 'drill')]);
    });
    const before = await store.list('all');
    await ownerQuery(`UPDATE "${schema}".incidents SET title = 'wrong', tier = 'mild'`);
    await ownerQuery(`SELECT "${schema}".rebuild_listing()`);
    expect(await store.list('all')).toEqual(before);
    await store.close();
  });
});

describe('who recorded an event, beside its actor', () => {
  const ev = (seq: number, type = 'note.added') => ({ seq, type });
  it.each([
    ['SQLite never vouches', [ev(1), ev(2)], false, Infinity],
    ['PostgreSQL vouches for everything it wrote', [ev(1), ev(2)], true, 1],
    ['but not for what db copy brought in before its marker', [ev(1), ev(2), ev(3, 'db.imported'), ev(4)], true, 3],
  ])('%s', (_, events, verifies, from) => {
    expect(verifiedFrom(events, verifies as boolean)).toBe(from);
  });

  it('is said only where it differs from the actor, verified or claimed', () => {
    expect(recorderNote(messages('en'), { seq: 1, actor: 'alice', recordedBy: 'alice' }, 1)).toBeUndefined();
    expect(recorderNote(messages('en'), { seq: 1, actor: 'alice' }, 1)).toBeUndefined();
    expect(recorderNote(messages('en'), { seq: 2, actor: '张三', recordedBy: 'zhangsan' }, 1)).toBe('recorded by zhangsan, verified by the server');
    expect(recorderNote(messages('en'), { seq: 2, actor: '张三', recordedBy: 'zhangsan' }, 3)).toBe('recorded by zhangsan (claimed, not verified)');
  });
});

describe('PostgreSQL: the server goes away mid-walk', () => {
  const kill = (schema: string) =>
    ownerQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%"${schema}"%`]);
  const settle = () => new Promise((done) => setTimeout(done, 200));

  it('a connection cut between actions: the next action connects again', async () => {
    const target = parsePgTarget(pgUrl({ schema: pgs.schema() }), process.env);
    await initSchema(target, 'r');
    const store = await PgStore.open(target);
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a')]), id);
    await kill(target.schema);
    await settle();
    await store.transact((tx) => tx.append(id, [note('after the cut')]), id);
    expect(await store.verify(id, undefined)).toMatchObject({ ok: true, events: 2 });
    await store.close();
  });

  it('a connection cut inside an action: it is refused as lost, nothing of it is kept, the next one works', async () => {
    const target = parsePgTarget(pgUrl({ schema: pgs.schema() }), process.env);
    await initSchema(target, 'r');
    const store = await PgStore.open(target);
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a')]), id);
    const cut = store.transact(async (tx) => {
      await tx.append(id, [note('half')]);
      await kill(target.schema);
      await tx.append(id, [note('never')]);
    }, id);
    await expect(cut).rejects.toBeInstanceOf(WorkError);
    expect(messages('en').error(await cut.catch((e: unknown) => e))).toMatch(/connection to the database was lost/);
    await settle();
    await store.transact((tx) => tx.append(id, [note('again')]), id);
    const rows = await store.rows(id);
    expect(rows.map((r) => JSON.parse(r.payload).text ?? r.type)).toEqual(['incident.opened', 'again']);
    expect(await store.verify(id, undefined)).toMatchObject({ ok: true, events: 2 });
    await store.close();
  });
});

describe('PostgreSQL: a writer that stops mid-action', () => {
  it('holds the incident only until lock_timeout: the next writer is told, not left waiting', async () => {
    const target = parsePgTarget(pgUrl({ schema: pgs.schema() }), process.env);
    await initSchema(target, 'r');
    const store = await PgStore.open(target);
    const id = 'INC-20260316-001';
    await store.transact((tx) => tx.append(id, [opened('a')]), id);
    // another session takes the incident's lock and keeps it: the store's own lock key
    const holder = new pg.Client({ connectionString: TEST_PG });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_SPACE, lockKey(id)]);
    const waiting = store.transact(async (tx) => {
      // a short timeout for the test, in this transaction only; the store sets 30 s per connection
      await (store as unknown as { client: pg.Client }).client.query("SET LOCAL lock_timeout = '200ms'");
      await tx.append(id, [note('blocked')]);
    });
    await expect(waiting).rejects.toBeInstanceOf(WorkError);
    expect(messages('en').error(await waiting.catch((e: unknown) => e))).toMatch(/another writer has held this incident/);
    await holder.query('ROLLBACK');
    await holder.end();
    expect(await store.headSeq(id)).toBe(1);
    await store.close();
  });
});

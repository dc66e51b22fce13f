// `db init` and `db copy` (SPEC §6): the shared store's setup, and incidents moved between stores.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultActor } from '../config.js';
import type { Context } from '../context.js';
import type { EventDraft } from '../engine/events.js';
import { InputError } from '../errors.js';
import { auditKey, type EventRow } from '../store/hash.js';
import { refuseUnlessWritable } from '../store/keycheck.js';
import { openIncidentStore } from '../store/open.js';
import type { IncidentStore } from '../store/port.js';
import { isPostgresUrl, parsePgTarget } from '../store/postgres/target.js';
import { actorOf } from '../app/flags.js';

/** Creates or migrates the shared store as its owner, and prints what a responder role needs. */
export async function init(ctx: Context, _args: string[], opts: { role?: string; repair?: boolean }): Promise<number> {
  const { t } = ctx.messages;
  if (!isPostgresUrl(ctx.db)) throw new InputError('db.init.sqlite', { file: ctx.db });
  const target = parsePgTarget(ctx.db, ctx.env);
  if (opts.repair) {
    const { repairSchema } = await import('../store/postgres/store.js');
    const { events, recreated } = await repairSchema(target);
    ctx.err(t('db.repaired', { url: target.shown, events, guards: recreated.length ? recreated.join(', ') : '—' }));
    return 0;
  }
  const { initSchema } = await import('../store/postgres/store.js');
  const { from, to, grants } = await initSchema(target, opts.role ?? 'sec_incident_responder', auditKey(ctx.env));
  ctx.err(t('db.init.done', { url: target.shown, schema: target.schema, from, to }));
  ctx.err(t('db.init.grants'));
  ctx.out(grants.join('\n'));
  return 0;
}

export interface CopyOptions {
  from?: string;
  to?: string;
  actor?: string;
}

type CopyOutcome = 'copied' | 'identical' | 'differs' | 'broken';

const sameRow = (a: EventRow, b: EventRow) =>
  a.incident_id === b.incident_id && a.seq === b.seq && a.hash === b.hash && a.prev_hash === b.prev_hash && a.payload === b.payload;

/**
 * `db copy`: whole incidents from one store to another, rows as they are (ids, times and hashes are
 * inside the chain, so nothing can be renamed), each closed in the target by the copier's
 * `db.imported` event. Every chain is verified before and after; an id the target holds with other
 * content is refused, one it holds identically is skipped.
 */
export async function copy(ctx: Context, args: (string | string[])[], opts: CopyOptions): Promise<number> {
  // [ids...] arrives as one array
  const ids = args.flat().map((id) => (/^(inc|drl)-\d{8}-\d{3,}$/i.test(id) ? id.toUpperCase() : id));
  if (!opts.from || !opts.to) throw new InputError('db.copy.usage');
  const place = (value: string) => (isPostgresUrl(value) ? value : resolve(value));
  const from = place(opts.from);
  const to = place(opts.to);
  if (from === to) throw new InputError('db.copy.same');
  if (!isPostgresUrl(from) && !existsSync(from)) throw new InputError('db.copy.noSource', { file: from });
  const key = auditKey(ctx.env);
  const recordedBy = defaultActor(ctx.env);
  const actor = actorOf(ctx, opts);
  // a source on read-only media opens immutable, and says so when a -wal beside it goes unread
  const source = await openIncidentStore(from, { readonly: true, key, recordedBy, env: ctx.env, warn: (said) => ctx.err(ctx.messages.say(said)) });
  let code = 0;
  try {
    // the key is part of each chain's identity: a source the key does not open is not copied
    // (and the target refuses a chain of another keying in its own append: keycheck.ts)
    refuseUnlessWritable(await source.keyVerdict(key), source.location);
    const known = await source.incidentIds();
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length) throw new InputError('incident.unknown', { id: unknown.join(', '), db: source.location });
    const target = await openIncidentStore(to, { key, recordedBy, env: ctx.env });
    try {
      refuseUnlessWritable(await target.keyVerdict(key), target.location);
      for (const id of ids.length ? ids : known) {
        const outcome = await copyOne(ctx, source, target, id, key, actor);
        if (outcome === 'broken') code = 3;
        else if (outcome === 'differs' && code === 0) code = 1;
      }
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
  return code;
}

async function copyOne(ctx: Context, source: IncidentStore, target: IncidentStore, id: string, key: string | undefined, actor: string): Promise<CopyOutcome> {
  const { t } = ctx.messages;
  const rows = await source.rows(id);
  const before = await source.verify(id, key);
  if (!before.ok || rows.length === 0) {
    ctx.err(t('db.copy.broken', { id, seq: before.firstBadSeq ?? 1, db: source.location }));
    return 'broken';
  }
  const present = await target.rows(id);
  if (present.length > 0 || (await target.isListed(id))) {
    const identical = present.length >= rows.length && rows.every((r, i) => sameRow(r, present[i]!)) && (present.length === rows.length || present[rows.length]!.type === 'db.imported');
    ctx.err(t(identical ? 'db.copy.identical' : 'db.copy.differs', { id, db: target.location }));
    return identical ? 'identical' : 'differs';
  }
  const marker: EventDraft = {
    type: 'db.imported',
    at: Math.max(ctx.now(), Date.parse(rows[rows.length - 1]!.at)),
    actor,
    payload: { source: source.location, head: before.head!, events: rows.length },
  };
  await target.transact((tx) => tx.importIncident(rows, marker), id);
  const after = await target.verify(id, key);
  if (!after.ok) {
    ctx.err(t('db.copy.brokenAfter', { id, seq: after.firstBadSeq ?? 0, db: target.location }));
    return 'broken';
  }
  ctx.out(t('db.copy.copied', { id, events: rows.length, head: before.head!.slice(0, 12), db: target.location }));
  return 'copied';
}

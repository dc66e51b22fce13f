// `verify [id] [--anchors file]`: the hash chains, the listing against the events, the guards, and
// heads kept outside the database (SPEC §6; issue 17 findings 1, 3, 4).
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { InputError } from '../errors.js';
import { readAnchors, type Anchor } from '../store/anchors.js';
import { auditKey } from '../store/hash.js';
import type { KeyVerdict } from '../store/keycheck.js';
import { listingMismatches, listingOf } from '../store/listing.js';
import { checkChain, isKeyProblem, type ChainReport } from '../store/verify.js';
import { openStore, storeExists } from '../app/incidents.js';

interface IncidentReport extends ChainReport {
  /** Fields where the listing disagrees with the events (`listed`: no row). */
  listing: string[];
  /** Anchored heads no longer in the chain. */
  anchors: { seq: number; hash: string }[];
}

export async function run(ctx: Context, [id]: string[], opts: { anchors?: string } = {}): Promise<number> {
  const { t } = ctx.messages;
  const anchors = opts.anchors === undefined ? undefined : readAnchors(resolve(ctx.cwd, opts.anchors));
  if (!storeExists(ctx)) {
    if (id) throw new InputError('incident.unknown', { id, db: ctx.db });
    const lost = anchors ?? [];
    if (ctx.json) printJson(ctx, { ok: lost.length === 0, incidents: [] });
    else ctx.out(t('verify.none'));
    return lost.length === 0 ? 0 : 3;
  }
  const key = auditKey(ctx.env);
  const store = await openStore(ctx, true);
  const reports: IncidentReport[] = [];
  let verdict: KeyVerdict;
  let guards: string[];
  try {
    const known = await store.incidentIds();
    if (id && !known.includes(id)) throw new InputError('incident.unknown', { id, db: store.location });
    verdict = await store.keyVerdict(key);
    guards = await store.missingGuards();
    const ids = id ? [id] : [...new Set([...known, ...(anchors ?? []).map((a) => a.incident)])].sort();
    for (const x of ids) {
      const anchored = (anchors ?? []).filter((a) => a.incident === x);
      const hashes = new Map<number, string>();
      const rows: { type: string; payload: string }[] = [];
      const chain = await checkChain(store, x, key, verdict, (row) => {
        rows.push({ type: row.type, payload: row.payload });
        hashes.set(row.seq, row.hash);
      });
      const listing = known.includes(x) ? listingMismatches(await store.listed(x), listingOf(rows)) : [];
      const lost = anchored.filter((a: Anchor) => hashes.get(a.seq) !== a.hash).map((a) => ({ seq: a.seq, hash: a.hash }));
      reports.push({ ...chain, ok: chain.ok && listing.length === 0 && lost.length === 0, listing, anchors: lost });
    }
  } finally {
    await store.close();
  }
  const ok = reports.every((r) => r.ok) && guards.length === 0;
  // a key problem alone is bad usage (exit 2); a broken chain, listing, guard or anchor is exit 3
  const broken = guards.length > 0 || reports.some((r) => (!r.ok && !isKeyProblem(r.problem)) || r.listing.length > 0 || r.anchors.length > 0);
  if (ctx.json) {
    printJson(ctx, { ok, key: verdict, guards: { missing: guards }, ...(anchors ? { anchors: anchors.length } : {}), incidents: reports });
  } else {
    if (reports.length === 0) ctx.out(t('verify.none'));
    if (guards.length > 0) ctx.out(t('verify.guards', { names: guards.join(', ') }));
    for (const r of reports) {
      if (r.problem === null && r.events > 0) ctx.out(t('verify.ok', { id: r.id, events: r.events }));
      else if (r.problem === 'key-missing') ctx.out(t('verify.keyMissing', { id: r.id, events: r.events }));
      else if (r.problem === 'key-mismatch') ctx.out(t('verify.keyMismatch', { id: r.id, events: r.events }));
      else if (r.problem === 'key-unexpected') ctx.out(t('verify.keyUnexpected', { id: r.id, events: r.events }));
      else ctx.out(t('verify.bad', { id: r.id, seq: r.firstBadSeq ?? 1, problem: t(`verify.problem.${r.problem ?? 'missing'}`) }));
      if (r.listing.length > 0) ctx.out(t('verify.listing', { id: r.id, fields: r.listing.join(', ') }));
      for (const a of r.anchors) ctx.out(t('verify.anchorLost', { id: r.id, seq: a.seq, hash: a.hash.slice(0, 12) }));
    }
  }
  if (broken) return 3;
  if (!ok) ctx.err(t(verdict === 'missing' ? 'key.missing' : verdict === 'mismatch' ? 'key.mismatch' : 'key.unexpected', { db: ctx.db }));
  return ok ? 0 : 2;
}

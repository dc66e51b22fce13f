import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { InputError } from '../errors.js';
import { auditKey } from '../store/hash.js';
import { checkChain, isKeyProblem, type ChainReport } from '../store/verify.js';
import type { KeyVerdict } from '../store/keycheck.js';
import { openStore, storeExists } from '../app/incidents.js';

export async function run(ctx: Context, [id]: string[]): Promise<number> {
  const { t } = ctx.messages;
  if (!storeExists(ctx)) {
    if (id) throw new InputError('incident.unknown', { id, db: ctx.db });
    if (ctx.json) printJson(ctx, { ok: true, incidents: [] });
    else ctx.out(t('verify.none'));
    return 0;
  }
  const key = auditKey(ctx.env);
  const store = await openStore(ctx, true);
  const reports: ChainReport[] = [];
  let verdict: KeyVerdict;
  try {
    const known = await store.incidentIds();
    if (id && !known.includes(id)) throw new InputError('incident.unknown', { id, db: store.location });
    verdict = await store.keyVerdict(key);
    for (const x of id ? [id] : known) reports.push(await checkChain(store, x, key, verdict));
  } finally {
    await store.close();
  }
  const ok = reports.every((r) => r.ok);
  // a key problem is bad usage (exit 2), unless a chain is broken even in its links (exit 3)
  const broken = reports.some((r) => !r.ok && !isKeyProblem(r.problem));
  if (ctx.json) {
    printJson(ctx, { ok, key: verdict, incidents: reports });
  } else {
    if (reports.length === 0) ctx.out(t('verify.none'));
    for (const r of reports) {
      if (r.ok) ctx.out(t('verify.ok', { id: r.id, events: r.events }));
      else if (r.problem === 'key-missing') ctx.out(t('verify.keyMissing', { id: r.id, events: r.events }));
      else if (r.problem === 'key-mismatch') ctx.out(t('verify.keyMismatch', { id: r.id, events: r.events }));
      else if (r.problem === 'key-unexpected') ctx.out(t('verify.keyUnexpected', { id: r.id, events: r.events }));
      else ctx.out(t('verify.bad', { id: r.id, seq: r.firstBadSeq!, problem: t(`verify.problem.${r.problem!}`) }));
    }
  }
  if (broken) return 3;
  if (!ok) ctx.err(t(verdict === 'missing' ? 'key.missing' : verdict === 'mismatch' ? 'key.mismatch' : 'key.unexpected', { db: ctx.db }));
  return ok ? 0 : 2;
}

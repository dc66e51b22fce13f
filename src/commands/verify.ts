import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { InputError } from '../errors.js';
import { auditKey } from '../store/hash.js';
import type { ChainReport } from '../store/verify.js';
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
  try {
    const known = await store.incidentIds();
    if (id && !known.includes(id)) throw new InputError('incident.unknown', { id, db: store.location });
    for (const x of id ? [id] : known) reports.push(await store.verify(x, key));
  } finally {
    await store.close();
  }
  const ok = reports.every((r) => r.ok);
  if (ctx.json) {
    printJson(ctx, { ok, incidents: reports });
  } else {
    if (reports.length === 0) ctx.out(t('verify.none'));
    for (const r of reports) {
      if (r.ok) ctx.out(t('verify.ok', { id: r.id, events: r.events }));
      else ctx.out(t('verify.bad', { id: r.id, seq: r.firstBadSeq!, problem: t(`verify.problem.${r.problem!}`) }));
    }
  }
  return ok ? 0 : 3;
}

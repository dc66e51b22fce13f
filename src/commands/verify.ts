import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { InputError } from '../errors.js';
import { auditKey } from '../store/hash.js';
import { AuditStore } from '../store/store.js';
import { verifyIncident, type ChainReport } from '../store/verify.js';
import { t } from '../ui/i18n.js';

export async function run(ctx: Context, [id]: string[]): Promise<number> {
  if (!existsSync(ctx.db)) {
    if (id) throw new InputError(t('incident.unknown', { id, db: ctx.db }));
    if (ctx.json) printJson(ctx, { ok: true, incidents: [] });
    else ctx.out(t('verify.none'));
    return 0;
  }
  const store = AuditStore.open(ctx.db, { readonly: true });
  const key = auditKey(ctx.env);
  const known = store.incidentIds();
  if (id && !known.includes(id)) throw new InputError(t('incident.unknown', { id, db: ctx.db }));
  const ids = id ? [id] : known;
  const reports: ChainReport[] = ids.map((x) => verifyIncident(store, x, key));
  store.close();
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

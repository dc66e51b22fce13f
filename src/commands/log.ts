import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { describeEvent } from '../engine/describe.js';
import type { OpenedPayload } from '../engine/events.js';
import { formatInZone, formatShort } from '../time/zone.js';
import { t } from '../ui/i18n.js';
import { renderTable } from '../ui/table.js';
import { incidentsForReading } from './shared.js';
import { InputError } from '../errors.js';

export async function run(ctx: Context, [id]: string[]): Promise<number> {
  const service = incidentsForReading(ctx, id!);
  const events = service.store.events(id!);
  service.store.close();
  if (events.length === 0) throw new InputError(t('incident.unknown', { id: id!, db: ctx.db }));
  const tz = (events[0]!.payload as OpenedPayload).timezone ?? ctx.timezone;
  if (ctx.json) {
    printJson(
      ctx,
      events.map((e) => ({
        seq: e.seq,
        at: formatInZone(e.at, tz),
        recordedAt: e.recordedAt,
        type: e.type,
        actor: e.actor,
        payload: e.payload,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
    );
    return 0;
  }
  const opened = events[0]!.payload as OpenedPayload;
  // a drill says so wherever it is shown
  ctx.out(`${id} · ${opened.mode === 'drill' ? `${t('mode.drill')} · ` : ''}${opened.title}\n`);
  ctx.out(
    renderTable(
      [t('log.col.seq'), t('log.col.at'), t('log.col.type'), t('log.col.actor'), t('log.col.detail')],
      events.map((e) => [String(e.seq), formatShort(e.at, tz), e.type, e.actor, describeEvent(e).replace(/\s+/g, ' ')]),
    ),
  );
  return 0;
}

import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { describeStored, recorderNote, verifiedFrom } from '../report/describe.js';
import type { OpenedPayload } from '../engine/events.js';
import { storedEvent } from '../store/store.js';
import { formatInZone, formatShort, isValidTimeZone } from '../time/zone.js';
import { malformedEvent } from '../engine/payload-shape.js';
import { fitToWidth, renderTable } from '../ui/table.js';
import { terminalSafe } from '../ui/format.js';
import { unknownIncident } from '../app/incidents.js';
import { incidentsForReading, withIncidents } from '../app/incidents.js';

export async function run(ctx: Context, [id]: string[]): Promise<number> {
  const { t } = ctx.messages;
  // the trail as stored, even where it was altered: a payload that is not JSON is shown as text
  const { events, gone, verifies } = await withIncidents(incidentsForReading(ctx, id!), async (service) => {
    const events = (await service.store.rows(id!)).map(storedEvent);
    return { events, gone: events.length === 0 ? await unknownIncident(service.store, id!) : undefined, verifies: service.store.recorderVerified };
  });
  if (gone) throw gone;
  // the trail is shown whatever state it is in; a log that does not begin with its opening says so
  const first = events[0]!;
  const opened = first.type === 'incident.opened' && !malformedEvent(first) ? (first.payload as OpenedPayload) : undefined;
  const tz = opened && isValidTimeZone(opened.timezone) ? opened.timezone : ctx.timezone;
  const from = verifiedFrom(events, verifies);
  if (ctx.json) {
    printJson(
      ctx,
      events.map((e) => ({
        seq: e.seq,
        at: formatInZone(e.at, tz),
        recordedAt: e.recordedAt,
        type: e.type,
        actor: e.actor,
        ...(e.recordedBy ? { recordedBy: e.recordedBy, recordedByVerified: e.seq >= from } : {}),
        payload: e.payload,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
    );
    return 0;
  }
  // a drill says so wherever it is shown
  const header = terminalSafe(opened ? `${id} · ${opened.mode === 'drill' ? `${t('mode.drill')} · ` : ''}${opened.title}` : `${id} · ${t('log.noOpening', { id: id! })}`, false);
  ctx.out(`${fitToWidth(header, ctx.columns)}\n`);
  ctx.out(
    renderTable(ctx.messages, 
      [t('log.col.seq'), t('log.col.at'), t('log.col.type'), t('log.col.actor'), t('log.col.detail')],
      events.map((e) => {
        const by = recorderNote(ctx.messages, e, from);
        // stored text is shown, never obeyed: its escapes are made visible before any colour of ours
        const cell = (s: string) => terminalSafe(s, false);
        return [String(e.seq), formatShort(e.at, tz), cell(String(e.type)), cell(String(e.actor)), cell(`${describeStored(ctx.messages, e, opened?.teams).replace(/\s+/g, ' ')}${by ? ` — ${by}` : ''}`)];
      }),
      { width: ctx.columns, wrap: [4] },
    ),
  );
  return 0;
}


import type { Context } from '../context.js';
import { openStore, storeExists } from '../app/incidents.js';

export async function run(ctx: Context, _args: string[], opts: { all?: boolean; drills?: boolean }): Promise<number> {
  const { t } = ctx.messages;
  const filter = opts.all ? 'all' : opts.drills ? 'drill' : 'real';
  const store = storeExists(ctx) ? await openStore(ctx, true) : undefined;
  if (ctx.json) {
    ctx.out((await store?.listJson(filter)) ?? '[]');
    await store?.close();
    return 0;
  }
  const rows = (await store?.list(filter)) ?? [];
  await store?.close();
  if (rows.length === 0) {
    ctx.out(t('list.empty'));
    return 0;
  }
  const { renderTable } = await import('../ui/table.js');
  ctx.out(
    renderTable(ctx.messages, 
      ['ID', t('status.col.title'), t('pb.list.id'), t('grade.tier'), t('grade.direction'), t('status.col.status'), t('list.col.opened')],
      rows.map((r) => [
        r.id,
        r.title,
        r.type,
        t(`tier.${r.tier as 'mild'}`),
        r.direction,
        `${r.mode === 'drill' ? `${t('mode.drill')} · ` : ''}${t(`state.${r.state}`)}`,
        r.openedAt.slice(0, 16).replace('T', ' '),
      ]),
      { width: ctx.columns, wrap: [1] },
    ),
  );
  return 0;
}

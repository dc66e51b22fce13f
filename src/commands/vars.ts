// `vars <id> [--var k=v]…`: the facts the statements use — shown, or updated as they become known.
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { updateVars } from '../engine/decide.js';
import type { IncidentState } from '../engine/fold.js';
import { renderTable } from '../ui/table.js';
import { actorOf, parseVars } from '../app/flags.js';
import { existingIncidents, incidentsForReading, withIncidents } from '../app/incidents.js';

export async function run(ctx: Context, [id]: string[], opts: { var?: string[]; actor?: string }): Promise<number> {
  const { t, text } = ctx.messages;
  const given = parseVars(opts.var);
  const update = Object.keys(given).length > 0;
  const at = ctx.now();
  const state: IncidentState = await withIncidents(update ? existingIncidents(ctx, id!) : incidentsForReading(ctx, id!), (service) =>
    update ? service.act(id!, (s) => updateVars(s, given, at, actorOf(ctx, opts))) : service.load(id!),
  );
  if (ctx.json) {
    printJson(ctx, { id: state.id, vars: state.vars });
    return 0;
  }
  if (update) ctx.err(t('vars.recorded', { id: state.id, count: Object.keys(given).length }));
  ctx.out(
    renderTable(ctx.messages, 
      [t('vars.col.id'), t('vars.col.prompt'), t('vars.col.value')],
      state.opened.definition.vars.map((v) => [v.id, text(v.prompt) + (v.required ? ` ${t('vars.required')}` : ''), state.vars[v.id] || '—']),
      { width: ctx.columns, wrap: [1, 2] },
    ),
  );
  return 0;
}

// `db init` and `db copy` (SPEC §6): the shared store's setup, and incidents moved between stores.
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { isPostgresUrl, parsePgTarget } from '../store/postgres/target.js';
import { t } from '../ui/i18n.js';

/** Creates or migrates the shared store as its owner, and prints what a responder role needs. */
export async function init(ctx: Context, _args: string[], opts: { role?: string }): Promise<number> {
  if (!isPostgresUrl(ctx.db)) throw new InputError(t('db.init.sqlite', { file: ctx.db }));
  const target = parsePgTarget(ctx.db, ctx.env);
  const { initSchema } = await import('../store/postgres/store.js');
  const { from, to, grants } = await initSchema(target, opts.role ?? 'sec_incident_responder');
  ctx.err(t('db.init.done', { url: target.shown, schema: target.schema, from, to }));
  ctx.err(t('db.init.grants'));
  ctx.out(grants.join('\n'));
  return 0;
}

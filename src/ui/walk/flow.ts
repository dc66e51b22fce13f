// The two ways into the walk: `start` asks the opening questions and opens the incident;
// `resume` picks an open one up where it stands.
import { actorOf } from '../../app/flags.js';
import { incidents, openStore, storeExists } from '../../app/incidents.js';
import { warnIfNotReady } from '../../app/readiness.js';
import { isPostgresUrl } from '../../store/open.js';
import { deliverAsYouGo } from '../../notify/flush.js';
import { resumeTarget } from '../../config.js';
import type { Context } from '../../context.js';
import { lifecycle } from '../../engine/fold.js';
import { InputError, WorkError } from '../../errors.js';
import { fitToWidth } from '../table.js';
import type { Prompter } from '../prompts.js';
import { AuditStore } from '../../store/store.js';
import { auditKey } from '../../store/hash.js';
import { refuseUnlessWritable } from '../../store/keycheck.js';
import { askOpening, type StartFlags } from './intake.js';
import { warnUnlocked } from '../../app/library.js';
import { walk } from './loop.js';
import type { Walk } from './session.js';
import { activate } from './teams.js';

export async function startFlow(ctx: Context, ask: Prompter, flags: StartFlags): Promise<number> {
  const { t } = ctx.messages;
  // a database that will refuse the incident is said before the questions
  const key = auditKey(ctx.env);
  if (isPostgresUrl(ctx.db)) {
    const store = await openStore(ctx);
    try {
      refuseUnlessWritable(await store.keyVerdict(key), store.location);
    } finally {
      await store.close();
    }
  } else AuditStore.preflight(ctx.db, key);
  warnUnlocked(ctx);
  const request = await askOpening(ctx, ask, flags);
  if (request.mode === 'real') warnIfNotReady(ctx, request.teams);
  const service = await incidents(ctx);
  const sending = deliverAsYouGo(ctx, service);
  try {
    const actor = actorOf(ctx, flags);
    const at = ctx.now();
    const state = await service.open(request, at, actor);
    ask.resumable(resumeTarget(ctx, state.id));
    // wrapped between words: an id is never cut in two (issue 16)
    ctx.out(fitToWidth(`\n${t('walk.opened', { id: state.id, title: state.opened.title })}`, ctx.columns));
    ctx.out(fitToWidth(t('walk.resumeHint', { id: resumeTarget(ctx, state.id) }), ctx.columns));
    const w: Walk = { ctx, ask, service, id: state.id, actor };
    await activate(w, state);
    return await walk(w);
  } finally {
    await sending.settle();
    await service.store.close();
  }
}

export async function resumeFlow(ctx: Context, ask: Prompter, id: string, flags: { actor?: string }): Promise<number> {
  const { t } = ctx.messages;
  if (!storeExists(ctx)) throw new InputError('incident.unknown', { id, db: ctx.db });
  const service = await incidents(ctx);
  const sending = deliverAsYouGo(ctx, service);
  try {
    const state = await service.load(id);
    if (lifecycle(state) === 'closed') throw new WorkError('incident.isClosed', { id });
    ask.resumable(resumeTarget(ctx, id));
    ctx.out(`\n${t('walk.resuming', { id, title: state.opened.title })}`);
    const w: Walk = { ctx, ask, service, id, actor: actorOf(ctx, flags) };
    await activate(w, state);
    return await walk(w);
  } finally {
    await sending.settle();
    await service.store.close();
  }
}

// `approve <id> <request>` and `refuse <id> <request> --reason …` (SPEC §9): a second person on a
// forced close, a downgrade, or a change that withdraws a duty. Granted, the action happens now.
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { grantRequest, refuseRequest } from '../engine/signoff.js';
import { statusJson } from '../engine/views.js';
import { actorOf } from '../app/flags.js';
import { existingIncidents, withIncidents, writerFor } from '../app/incidents.js';

export async function run(ctx: Context, [id, request]: string[], opts: { reason?: string; actor?: string; refuse?: boolean }): Promise<number> {
  const at = ctx.now();
  const state = await withIncidents(existingIncidents(ctx, id!), (service) => {
    const writer = writerFor(service, actorOf(ctx, opts));
    return service.act(id!, (s, time) => (opts.refuse ? refuseRequest(s, request!, opts.reason, at, writer) : grantRequest(s, request!, at, writer, time)));
  });
  if (ctx.json) printJson(ctx, statusJson(state, at));
  else ctx.out(ctx.messages.t(opts.refuse ? 'approval.refused' : 'approval.granted', { id: id!, request: request!.toUpperCase() }));
  return 0;
}

/** `refuse <id> <request> --reason …`: nothing the request asked for happens. */
export async function refuse(ctx: Context, args: string[], opts: { reason?: string; actor?: string }): Promise<number> {
  return run(ctx, args, { ...opts, refuse: true });
}

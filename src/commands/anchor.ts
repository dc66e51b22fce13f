// `anchor [--out file]` (issue 17, finding 4): each incident's chain head — incident, seq, hash,
// time — appended as a JSON line to a file the firm keeps elsewhere (another machine, a WORM
// share, a chat channel). `verify --anchors file` then fails when a head is no longer in its chain.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Context } from '../context.js';
import { InputError } from '../errors.js';
import { anchorLine, type Anchor } from '../store/anchors.js';
import { resolve } from 'node:path';
import { openStore, storeExists } from '../app/incidents.js';

export async function run(ctx: Context, _args: string[], opts: { out?: string } = {}): Promise<number> {
  const { t } = ctx.messages;
  if (opts.out === '') throw new InputError('arg.empty', { flag: '--out' });
  const anchors: Anchor[] = [];
  if (storeExists(ctx)) {
    const store = await openStore(ctx, true);
    try {
      const time = new Date(ctx.now()).toISOString();
      for (const id of await store.incidentIds()) {
        const rows = await store.rows(id);
        const head = rows[rows.length - 1];
        if (head) anchors.push({ incident: id, seq: head.seq, hash: head.hash, time });
      }
    } finally {
      await store.close();
    }
  }
  const lines = anchors.map((a) => `${anchorLine(a)}\n`).join('');
  if (opts.out === undefined) {
    if (lines) ctx.out(lines);
    return 0;
  }
  // appended and synced: an anchors file only grows, like the log it witnesses
  const fd = openSync(resolve(ctx.cwd, opts.out), 'a', 0o600);
  try {
    writeSync(fd, lines);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  ctx.err(t('anchor.wrote', { count: anchors.length, file: opts.out }));
  return 0;
}

import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Context } from '../context.js';
import { defaultActor } from '../config.js';
import type { TemplateSource } from '../engine/decide.js';
import { loadCalendar, readTemplate } from '../playbook/library.js';
import { planNotices } from '../notify/outbox.js';
import { Incidents } from '../service.js';
import { auditKey } from '../store/hash.js';
import { AuditStore } from '../store/store.js';
import { t } from '../ui/i18n.js';

export function openStore(ctx: Context, readonly = false): AuditStore {
  return AuditStore.open(ctx.db, { readonly, key: auditKey(ctx.env) });
}

/** Incidents for which a command queued notifications: sent before the command exits (cli.ts). */
const queuedBy: Incidents[] = [];

export function incidents(ctx: Context, readonly = false): Incidents {
  const service = new Incidents(openStore(ctx, readonly), loadCalendar(ctx.playbooksDir), readonly ? undefined : planNotices);
  if (!readonly) queuedBy.push(service);
  return service;
}

/**
 * For the walk, where a responder may stay for an hour: what an action queues is sent at once, in
 * the background, without a word on the terminal (the log records every answer). `settle` waits
 * for what is in flight before the store is closed.
 */
export function deliverAsYouGo(ctx: Context, service: Incidents): { settle: () => Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    const { deliverOutbox } = await import('../notify/deliver.js');
    do {
      again = false;
      // a robot that says "wait a minute" is left to the end of the walk or to `watch`
      const deadline = Date.now() + 8_000;
      await deliverOutbox(service, [...service.queued], { actor: actorOf(ctx, {}), env: ctx.env, now: ctx.now, deadline, onlyResolvable: true }).catch(() => undefined);
    } while (again);
    running = undefined;
  };
  service.onQueued = () => {
    if (running) again = true;
    else running = pass();
  };
  return {
    settle: async () => {
      service.onQueued = undefined;
      await running;
    },
  };
}

/** The incidents whose notifications this process queued and has not sent yet. */
export function queuedIncidents(): string[] {
  return [...new Set(queuedBy.flatMap((service) => [...service.queued]))];
}

/**
 * Commands about an existing incident: on a database that does not exist yet the id is unknown,
 * and no new empty file is left behind.
 */
export function existingIncidents(ctx: Context, id: string, readonly = false): Incidents {
  if (!existsSync(ctx.db)) throw new InputError(t('incident.unknown', { id, db: ctx.db }));
  return incidents(ctx, readonly);
}

export function incidentsForReading(ctx: Context, id: string): Incidents {
  return existingIncidents(ctx, id, true);
}


/**
 * Templates for the statements recorded at completion, each read once per run (a folder of drills
 * renders the same few many times); one that cannot be read is said, not fatal.
 */
export function templateSource(ctx: Context): TemplateSource {
  const read = new Map<string, string | undefined>();
  return (template, lang) => {
    const key = `${template}.${lang}`;
    if (read.has(key)) return read.get(key);
    let source: string | undefined;
    try {
      source = readTemplate(ctx.templatesDir, template, lang);
    } catch (error) {
      ctx.err(t('statement.notRecorded', { template, detail: (error as Error).message }));
    }
    read.set(key, source);
    return source;
  };
}

export function actorOf(ctx: Context, opts: { actor?: unknown }): string {
  return typeof opts.actor === 'string' && opts.actor.trim() ? opts.actor.trim() : defaultActor(ctx.env);
}

export function parseVars(raw: readonly string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const item of raw ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new InputError(t('arg.kv', { flag: '--var', value: item }));
    vars[item.slice(0, at).trim()] = item.slice(at + 1);
  }
  return vars;
}

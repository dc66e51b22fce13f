import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Context } from '../context.js';
import { defaultActor } from '../config.js';
import type { TemplateSource } from '../engine/decide.js';
import { loadCalendar, readTemplate } from '../playbook/library.js';
import { planNotices } from '../notify/outbox.js';
import { Incidents, type IncidentsOptions } from '../service.js';
import { auditKey } from '../store/hash.js';
import { openIncidentStore, isPostgresUrl } from '../store/open.js';
import type { IncidentStore } from '../store/port.js';
import { t } from '../ui/i18n.js';

/** The store --db names: an SQLite file (created on first write) or a shared PostgreSQL (SPEC §6). */
export function openStore(ctx: Context, readonly = false): Promise<IncidentStore> {
  return openIncidentStore(ctx.db, { readonly, key: auditKey(ctx.env), recordedBy: defaultActor(ctx.env), env: ctx.env });
}

/** Whether the store may exist: an SQLite file that is not there has no incidents (and is not created to say so). */
export function storeExists(ctx: Context): boolean {
  return isPostgresUrl(ctx.db) || existsSync(ctx.db);
}

/** Incidents for which a command queued notifications: sent before the command exits (cli.ts). */
const queuedBy: Incidents[] = [];

export async function incidents(ctx: Context, readonly = false, options: IncidentsOptions = {}): Promise<Incidents> {
  const service = new Incidents(await openStore(ctx, readonly), loadCalendar(ctx.playbooksDir), readonly ? undefined : planNotices, options);
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
export async function existingIncidents(ctx: Context, id: string, readonly = false): Promise<Incidents> {
  if (!storeExists(ctx)) throw new InputError(t('incident.unknown', { id, db: ctx.db }));
  return incidents(ctx, readonly);
}

export function incidentsForReading(ctx: Context, id: string): Promise<Incidents> {
  return existingIncidents(ctx, id, true);
}

/** Runs fn with the incidents of the store, closed afterwards whatever happens (a server's connection too). */
export async function withIncidents<T>(opening: Promise<Incidents>, fn: (service: Incidents) => Promise<T>): Promise<T> {
  const service = await opening;
  try {
    return await fn(service);
  } finally {
    await service.store.close();
  }
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

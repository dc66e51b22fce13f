import type { GradingInputs, GradingResult } from '../grading/grade.js';
import type { GradingConfig, Playbook, Team, Tier } from '../playbook/schema.js';

export type IncidentMode = 'real' | 'drill';

/** The pinned playbook: what it was, and the definition itself, so a resumed run never drifts. */
export interface PinnedPlaybook {
  id: string;
  version: number;
  sha256: string;
  file: string;
}

export interface OpenedPayload {
  type: string;
  title: string;
  mode: IncidentMode;
  playbook: PinnedPlaybook;
  definition: Playbook;
  grading: GradingConfig;
  teams: Team[];
  vars: Record<string, string>;
  timezone: string;
  lang: 'zh' | 'en';
  firm: { name?: string; hotline?: string; website?: string };
  drill?: { scenario: string; start: string };
}

export interface GradedPayload {
  inputs: GradingInputs;
  result: GradingResult;
  /** The tier in force: the computed one, or the responder's override. */
  tier: Tier;
  override: boolean;
  reason?: string;
}

export type EventPayloads = {
  'incident.opened': OpenedPayload;
  'incident.graded': GradedPayload;
  'team.activated': { team: string; tier: Tier };
  'team.reached': { team: string; member: string; reached: boolean; note?: string };
  'step.completed': { step: string; note?: string };
  'step.skipped': { step: string; reason: string };
  'step.withdrawn': { step: string; cause: 'not-applicable' | 'recovered' };
  'note.added': { text: string; step?: string };
  /** Facts for the statements learnt after the opening (the cause, the measures): only what changed. */
  'vars.updated': { vars: Record<string, string> };
  'statement.rendered': { step?: string; template: string; lang: 'zh' | 'en'; text: string; file?: string };
  'incident.recovered': { note?: string };
  'incident.closed': { summary?: string; forced: boolean; reason?: string; pending: string[] };
};

export type EventType = keyof EventPayloads;

/** An event before the store gives it a sequence number and a hash. `at` is epoch ms. */
export type EventDraft = {
  [K in EventType]: { type: K; at: number; actor: string; payload: EventPayloads[K] };
}[EventType];

export type IncidentEvent = EventDraft & { incidentId: string; seq: number; recordedAt: string; prevHash: string; hash: string };

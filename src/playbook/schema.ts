import { z } from 'zod';
import { DURATION_PATTERN } from '../time/duration.js';

import { DIRECTIONS, INDICATORS, LANGS, PHASES, TIERS } from './vocabulary.js';

export { DIRECTIONS, INDICATORS, LANGS, PHASES, TIERS } from './vocabulary.js';
export type { HandlingDirection, Indicator, Lang, Phase, Tier } from './vocabulary.js';

export const tierSchema = z.enum(TIERS);
export const directionSchema = z.enum(DIRECTIONS);
export const phaseSchema = z.enum(PHASES);
export const indicatorSchema = z.enum(INDICATORS);
const idSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);
/** A decision's option: write "yes" and "no" in quotes, YAML 1.1 tools read them as booleans. */
const optionIdSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/);

/** A text field: one string for both languages, or {zh, en}. */
export const textSchema = z.union([z.string().min(1), z.strictObject({ zh: z.string(), en: z.string() })]);
export type Text = z.infer<typeof textSchema>;

export const durationSchema = z.string().regex(DURATION_PATTERN);
const levelSchema = z.number().int().min(1).max(4);

const indicatorConfigSchema = z.strictObject({
  name: textSchema,
  weight: z.number().min(0).max(100).default(1),
  levels: z.tuple([textSchema, textSchema, textSchema, textSchema]),
});

const metricSchema = z.union([
  z.strictObject({
    name: textSchema.optional(),
    indicator: indicatorSchema,
    thresholds: z.tuple([z.number(), z.number(), z.number()]),
  }),
  z.strictObject({
    name: textSchema.optional(),
    indicator: indicatorSchema,
    values: z.record(z.string().regex(/^[a-z][a-zA-Z0-9-]*$/), levelSchema),
  }),
]);

export const gradingSchema = z.strictObject({
  indicators: z.strictObject({
    eventLevel: indicatorConfigSchema,
    impactScope: indicatorConfigSchema,
    propagation: indicatorConfigSchema,
    durationTrend: indicatorConfigSchema,
  }),
  metrics: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), metricSchema).default({}),
  bands: z.strictObject({ mild: z.number(), moderate: z.number(), severe: z.number(), critical: z.number() }),
  floors: z
    .array(
      z.strictObject({
        id: idSchema,
        when: z.partialRecord(indicatorSchema, levelSchema),
        atLeast: tierSchema,
      }),
    )
    .default([]),
  // signals import (舆情监测): which sources count as mainstream media, and how a trend is read
  mainstream: z.array(z.string().trim().min(1)).optional(),
  trend: z
    .strictObject({
      window: z.string().regex(/^\d{1,4}[mh]$/),
      rising: z.number().positive(),
      falling: z.number().positive(),
    })
    .optional(),
});
export type GradingConfig = z.infer<typeof gradingSchema>;
export type MetricConfig = z.infer<typeof metricSchema>;

export const memberSchema = z.strictObject({
  name: z.string().min(1),
  role: textSchema.optional(),
  phone: z.string().optional(),
  mobile: z.string().optional(),
  /** who the store knows them as (`recorded_by`, SPEC §6): a database role, or an OS user */
  user: z.string().optional(),
  feishu: z.string().optional(),
});

/**
 * Where a robot's URL or secret is found: an environment variable or a file, never the YAML itself
 * (SPEC §4), so teams.yaml can be shared and committed without handing out the robots.
 */
export const secretRefSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
  z.strictObject({ file: z.string().min(1) }),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

const channelBase = { url: secretRefSchema, drill: z.boolean().default(false) };
export const channelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('wecom'), ...channelBase }),
  z.strictObject({ type: z.literal('dingtalk'), ...channelBase, secret: secretRefSchema.optional() }),
  z.strictObject({ type: z.literal('feishu'), ...channelBase, secret: secretRefSchema.optional() }),
  z.strictObject({ type: z.literal('webhook'), ...channelBase }),
  z.strictObject({ type: z.literal('cloudevents'), ...channelBase }),
]);
export type Channel = z.infer<typeof channelSchema>;
export type ChannelType = Channel['type'];

export const teamSchema = z.strictObject({
  id: idSchema,
  name: textSchema,
  duties: z.array(textSchema).default([]),
  activate: z.array(tierSchema),
  members: z.array(memberSchema).default([]),
  channels: z.array(channelSchema).optional(),
});
export type Member = z.infer<typeof memberSchema>;
export const teamsFileSchema = z.strictObject({ teams: z.array(teamSchema).min(1) });
export type Team = z.infer<typeof teamSchema>;

export const varSchema = z.strictObject({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  prompt: textSchema,
  required: z.boolean().default(false),
});

/**
 * `when:` (SPEC §4.1): an indicator at a level or above (`eventLevel: 2`), or a decision's latest
 * outcome among some options (`reportable: ["yes", unsure]`). Which key is which is checked
 * against the grading's indicators and the playbook's decisions (checks.ts).
 */
const whenSchema = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/), z.union([levelSchema, optionIdSchema, z.array(optionIdSchema).min(1)]));
export type StepCondition = z.infer<typeof whenSchema>;

export const decisionSchema = z.strictObject({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/),
  options: z.array(z.strictObject({ id: optionIdSchema, text: textSchema })).min(2),
});
export type DecisionDefinition = z.infer<typeof decisionSchema>;

/** `approval:` (SPEC §9): a team, several teams (all required), or {team, count}. */
const approvalSchema = z.union([idSchema, z.array(idSchema).min(1), z.strictObject({ team: idSchema, count: z.number().int().min(1).max(9) })]);
export type ApprovalRule = z.infer<typeof approvalSchema>;

export const stepSchema = z.strictObject({
  id: idSchema,
  phase: phaseSchema,
  title: textSchema,
  detail: textSchema.optional(),
  owner: idSchema,
  tiers: z.array(tierSchema).min(1).optional(),
  directions: z.array(directionSchema).min(1).optional(),
  due: z.union([durationSchema, z.partialRecord(tierSchema, durationSchema)]).optional(),
  from: z.enum(['start', 'discovered', 'recovered']).default('start'),
  repeat: durationSchema.optional(),
  /** when a repeating step stops recurring: `recovered` (default), `closed`, or a step id (SPEC §4) */
  until: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).optional(),
  template: idSchema.optional(),
  checklist: z.array(textSchema).default([]),
  requires: z.array(z.enum(['note'])).default([]),
  when: whenSchema.optional(),
  decision: decisionSchema.optional(),
  basis: textSchema.optional(),
  approval: approvalSchema.optional(),
});
export type StepDefinition = z.infer<typeof stepSchema>;

/** YYYY-MM-DD that names a real day (no 2026-02-30). */
const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isCalendarDate, { error: 'schema.notADate' });

function isCalendarDate(d: string): boolean {
  const ms = Date.parse(`${d}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d);
}

export const playbookSchema = z.strictObject({
  id: idSchema,
  version: z.number().int().min(1),
  name: textSchema,
  description: textSchema.optional(),
  reviewed: dateSchema.optional(),
  vars: z.array(varSchema).default([]),
  steps: z.array(stepSchema).min(1),
});
export type Playbook = z.infer<typeof playbookSchema>;

/** Optional playbooks/calendar.yaml: the firm's own additions to the public-holiday calendar. */
export const calendarFileSchema = z.strictObject({
  holidays: z.array(dateSchema).default([]),
  workdays: z.array(dateSchema).default([]),
});

/** The firm as statements name it (SPEC §4 `firm:`); every field optional. */
export const firmSchema = z.strictObject({ name: z.string().optional(), hotline: z.string().optional(), website: z.string().optional() });
export type Firm = z.infer<typeof firmSchema>;

export const configSchema = z.strictObject({
  firm: firmSchema.optional(),
  lang: z.enum(LANGS).optional(),
  timezone: z.string().optional(),
  db: z.string().optional(),
  playbooks: z.string().optional(),
  templates: z.string().optional(),
  notify: z.strictObject({ lead: durationSchema.optional() }).optional(),
  /** Which actions need a second person (SPEC §9); each on unless set to false. */
  approvals: z
    .strictObject({ statements: z.boolean().optional(), forcedClose: z.boolean().optional(), downgrade: z.boolean().optional(), withdrawDuty: z.boolean().optional() })
    .optional(),
});
export type ConfigFile = z.infer<typeof configSchema>;

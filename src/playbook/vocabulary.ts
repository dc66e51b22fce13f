// The vocabulary of SPEC §2: stable ids used in files, flags and JSON. No zod here, so that code
// which only needs the ids (grading, views) does not pay for loading the schemas.
export const TIERS = ['mild', 'moderate', 'severe', 'critical'] as const;
export const DIRECTIONS = ['A', 'B', 'C'] as const;
export const PHASES = [
  'grading',
  'activation',
  'monitoring',
  'response',
  'investors',
  'media',
  'reputation',
  'review',
] as const;
export const LANGS = ['zh', 'en'] as const;
export const INDICATORS = ['eventLevel', 'impactScope', 'propagation', 'durationTrend'] as const;

export type Tier = (typeof TIERS)[number];
export type HandlingDirection = (typeof DIRECTIONS)[number];
export type Phase = (typeof PHASES)[number];
/** The two languages everything user-visible exists in (SPEC §5). */
export type Lang = (typeof LANGS)[number];
/** A tier's place in the order mild < moderate < severe < critical. */
export const tierRank = (tier: Tier): number => TIERS.indexOf(tier);
export type Indicator = (typeof INDICATORS)[number];

/** The longest offset taken: 366 days. */
export const MAX_OFFSET_MS = 366 * 86_400_000;

/** Drill timeline offsets: 90s, 20m, 2h, 1d, or combinations such as 1h30m. */
export function parseOffset(text: string | number): number | undefined {
  // a bare number has no unit, so only 0 means anything
  if (typeof text === 'number') return text === 0 ? 0 : undefined;
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!/^(\d{1,7}[dhms])+$/.test(trimmed)) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
  let total = 0;
  for (const [, n, u] of trimmed.matchAll(/(\d+)([dhms])/g)) total += Number(n) * unit[u as keyof typeof unit];
  // a drill or a stated time spans days or weeks; past a year it is a slip, not a plan
  return total <= MAX_OFFSET_MS ? total : undefined;
}

export function formatOffset(ms: number): string {
  if (ms === 0) return '0m';
  const parts: string[] = [];
  let rest = ms;
  for (const [u, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n}${u}`);
    rest -= n * size;
  }
  return parts.join('');
}

// "Did you mean": the known ids nearest to a mistyped one (issue 16), by edit distance.

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The ids close enough to be what was meant, nearest first (at most three): within a third of the
 * id's length in edits, or containing what was typed (a part of a long id).
 */
export function closest(typed: string, known: readonly string[]): string[] {
  const t = typed.toLowerCase();
  const scored = known
    .map((id) => ({ id, d: id.includes(t) && t.length >= 3 ? 0.5 : distance(t, id) }))
    .filter(({ id, d }) => d <= Math.max(2, Math.floor(Math.max(id.length, t.length) / 3)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
  return scored.slice(0, 3).map((s) => s.id);
}

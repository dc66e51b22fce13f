// Issue 17, the suite: properties over many generated cases (fast-check), not a few examples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grade } from '../../src/grading/grade.js';
import { canonicalEvent, canonicalJson, chainHash, GENESIS, type EventRow } from '../../src/store/hash.js';
import { verifyRows } from '../../src/store/verify.js';
import { GRADING } from '../support/engine.js';

const TIERS = ['mild', 'moderate', 'severe', 'critical'];
const INDICATORS = ['eventLevel', 'impactScope', 'propagation', 'durationTrend'] as const;

function chain(texts: string[], key: string | undefined): EventRow[] {
  const rows: EventRow[] = [];
  let prev = GENESIS;
  texts.forEach((text, i) => {
    const at = new Date(Date.UTC(2026, 2, 16, 1, 30 + i)).toISOString();
    const row = { incident_id: 'INC-20260316-001', seq: i + 1, at, recorded_at: at, type: 'note.added', actor: `r${i}`, recorded_by: 'u', payload: canonicalJson({ text }) };
    const hash = chainHash(prev, canonicalEvent(row), key);
    rows.push({ ...row, prev_hash: prev, hash });
    prev = hash;
  });
  return rows;
}

const COLUMNS = ['at', 'recorded_at', 'type', 'actor', 'recorded_by', 'payload', 'prev_hash', 'hash'] as const;

describe('properties (issue 17)', () => {
  it('any changed stored character is caught by verify, with or without the key', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 8 }),
        fc.option(fc.string({ minLength: 1, maxLength: 16 }), { nil: undefined }),
        fc.nat(),
        fc.constantFrom(...COLUMNS),
        fc.nat(),
        fc.integer({ min: 1, max: 0xffff }),
        (texts, key, which, column, position, delta) => {
          const rows = chain(texts, key);
          expect(verifyRows('INC-20260316-001', rows, key).ok).toBe(true);
          const row = rows[which % rows.length]!;
          const value = String(row[column]);
          const at = value.length === 0 ? 0 : position % value.length;
          // a different character at one place (appended when the value is empty)
          const old = value.charCodeAt(at) || 0;
          const changed = String.fromCharCode(1 + ((old + delta) % 0xd7fe));
          const mutated = value.length === 0 ? changed : value.slice(0, at) + changed + value.slice(at + 1);
          fc.pre(mutated !== value);
          (row as unknown as Record<string, string>)[column] = mutated;
          expect(verifyRows('INC-20260316-001', rows, key).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('grading is monotonic in every level: raising one indicator never lowers the tier', () => {
    const levels = fc.record({ eventLevel: fc.integer({ min: 1, max: 4 }), impactScope: fc.integer({ min: 1, max: 4 }), propagation: fc.integer({ min: 1, max: 4 }), durationTrend: fc.integer({ min: 1, max: 4 }) });
    fc.assert(
      fc.property(levels, fc.constantFrom(...INDICATORS), fc.constantFrom('none', 'partial', 'material'), (base, indicator, impact) => {
        fc.pre(base[indicator] < 4);
        const raised = { ...base, [indicator]: base[indicator] + 1 };
        const before = grade({ indicators: base, metrics: {}, impact } as never, GRADING);
        const after = grade({ indicators: raised, metrics: {}, impact } as never, GRADING);
        expect(TIERS.indexOf(after.tier)).toBeGreaterThanOrEqual(TIERS.indexOf(before.tier));
      }),
      { numRuns: 500 },
    );
  });

  it('verify is deterministic: the same rows give the same report', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 8 }), (texts) => {
        const rows = chain(texts, undefined);
        expect(verifyRows('x', rows, undefined)).toEqual(verifyRows('x', chain(texts, undefined), undefined));
      }),
    );
  });
});

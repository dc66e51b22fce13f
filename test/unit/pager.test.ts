import { describe, expect, it } from 'vitest';
import { taller, throughPager } from '../../src/ui/pager.js';

describe('status inside the walk goes through a pager when taller than the screen', () => {
  it.each([
    [22, 24, false],
    [23, 24, true],
    [100, undefined, false], // not a terminal: printed as it is
    [100, 0, false],
  ])('%i lines on %s rows: %s', (lines, rows, paged) => {
    expect(taller(Array.from({ length: lines }, (_, i) => `line ${i}`).join('\n'), rows)).toBe(paged);
  });

  it('a pager that cannot be run is reported, so the caller prints instead', () => {
    expect(throughPager('x', { PAGER: 'sec-incident-no-such-pager-xyz' })).toBe(false);
    expect(throughPager('x', { PAGER: 'cat >/dev/null' })).toBe(true);
  });
});

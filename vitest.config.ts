import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// a cache of validated playbooks of the tests' own, never the developer's
const cache = mkdtempSync(join(tmpdir(), 'sec-incident-test-cache-'));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // dist/ older than src/ is rebuilt before any test runs, or the run stops (test/global-setup.ts)
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e tests spawn the built CLI; two cores, so keep the pool small
    maxWorkers: 2,
    env: { NO_COLOR: '1', SEC_INCIDENT_CONFIG: '', LANG: 'en_US.UTF-8', XDG_CACHE_HOME: cache },
  },
});

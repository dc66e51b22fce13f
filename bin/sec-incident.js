#!/usr/bin/env node
// Newer Node versions cache compiled code between runs; Node 20 has no such switch.
process.getBuiltinModule?.('node:module')?.enableCompileCache?.();
await import('../dist/cli.js');

#!/usr/bin/env node
// Newer Node versions cache compiled code between runs; Node 20 has no such switch.
process.getBuiltinModule?.('node:module')?.enableCompileCache?.();
// one bundled file per chunk loads faster than hundreds of modules (BENCHMARKS.md)
await import('../dist/bundle/main.js');

// `npm run bench`: runs every bench/*.mjs module's exported `bench…` functions in sequence,
// prints one table and writes bench/results.json (record format: see bench/lib.mjs).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatHeader, formatRow, normalize, ROOT } from './lib.mjs';

const dir = join(ROOT, 'bench');
const only = process.argv.slice(2); // optional filter: suite names, e.g. `node bench/run.mjs benchCli`
const results = [];
const failures = [];

for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjs') && !['lib.mjs', 'run.mjs'].includes(f)).sort()) {
  const mod = await import(pathToFileURL(join(dir, file)).href);
  for (const [name, fn] of Object.entries(mod)) {
    if (!/^bench[A-Z0-9]/.test(name) || typeof fn !== 'function') continue;
    if (only.length && !only.includes(name)) continue;
    process.stderr.write(`running ${file} ${name}…\n`);
    try {
      const out = await fn();
      for (const record of Array.isArray(out) ? out : [out]) results.push(normalize(record, name));
    } catch (error) {
      failures.push({ suite: name, error: String(error?.stack ?? error) });
      process.stderr.write(`${name} failed: ${error?.message ?? error}\n`);
    }
  }
}

console.log(formatHeader());
for (const r of results) console.log(formatRow(r));

const machine = { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, cpu: cpus()[0]?.model };
const file = join(dir, 'results.json');
// a filtered run replaces only its own suites' records and keeps the others'
const kept = only.length && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).results.filter((r) => !only.includes(r.suite)) : [];
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine, results: [...kept, ...results], failures }, null, 2)}\n`);
console.log(`\n${results.filter((r) => r.met === false).length} target(s) missed; written bench/results.json`);
process.exitCode = failures.length ? 1 : 0;

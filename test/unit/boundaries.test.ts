// The layers (docs/architecture.md) as a test: the core never reaches the edges, and commands are
// reached only through the program. One convenient import is how an architecture erodes.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const SRC = join(ROOT, 'src');
/** Pure: decides and computes, no text for people, no terminal, no knowledge of the front ends. */
const CORE = ['engine', 'grading', 'time', 'store', 'playbook'];
const EDGES = ['ui', 'i18n', 'app', 'commands'];

type Sources = Record<string, string>; // path under src/ (with /) → its text

function sources(dir = SRC): Sources {
  const found: Sources = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(found, sources(path));
    else if (entry.name.endsWith('.ts')) found[relative(SRC, path).split(sep).join('/')] = readFileSync(path, 'utf8');
  }
  return found;
}

/** Every relative module a file names: static imports and re-exports (type-only too) and import(). */
function imports(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\s*\(\s*'(\.[^']+)'\s*\)|^\s*import\s+'(\.[^']+)'/gm)].map((m) => (m[1] ?? m[2] ?? m[3])!);
  return specifiers.map((s) => join(dirname(file), s).split(sep).join('/'));
}

const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '');

/** The imports that break a rule, as `file → module: rule`. */
function violations(files: Sources): string[] {
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const target of imports(file, text)) {
      const to = folderOf(target);
      if (CORE.includes(folderOf(file)) && EDGES.includes(to)) found.push(`${file} → ${target}: the core does not import ${to}/`);
      if (to === 'commands' && file !== 'cli.ts') found.push(`${file} → ${target}: only cli.ts imports commands/`);
    }
  }
  return found;
}

describe('import boundaries', () => {
  it('src/ keeps them: the core imports no edge; only cli.ts imports commands/', () => {
    const files = sources();
    expect(Object.keys(files)).toContain('engine/fold.ts'); // the walk found the tree
    expect(violations(files)).toEqual([]);
  });

  it('the check catches each kind of breach (so the test above can fail)', () => {
    expect(
      violations({
        'engine/fold.ts': "import { t } from '../i18n/messages.js';",
        'store/store.ts': "import type { Context } from '../app/incidents.js';",
        'grading/grade.ts': "const ui = await import('../ui/table.js');",
        'playbook/x.ts': "export { x } from '../commands/open.js';",
        'time/zone.ts': "import { y } from './calendar.js';",
        'report/write.ts': "import { run } from '../commands/open.js';",
        'ui/walk/flow.ts': "import { run } from '../../commands/shared.js';",
        'cli.ts': "action(() => import('./commands/open.js'))",
      }),
    ).toEqual([
      'engine/fold.ts → i18n/messages.js: the core does not import i18n/',
      'store/store.ts → app/incidents.js: the core does not import app/',
      'grading/grade.ts → ui/table.js: the core does not import ui/',
      'playbook/x.ts → commands/open.js: the core does not import commands/',
      'playbook/x.ts → commands/open.js: only cli.ts imports commands/',
      'report/write.ts → commands/open.js: only cli.ts imports commands/',
      'ui/walk/flow.ts → commands/shared.js: only cli.ts imports commands/',
    ]);
  });
});

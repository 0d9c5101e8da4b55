/**
 * The layers of docs/design.md, checked on the import graph of the sources: what each folder may import,
 * and no import cycle between modules (a cycle makes load order matter and hides a missing layer).
 * Imports are read statically (`import … from`, `export … from`, `import('…')`), type-only ones included:
 * a type dependency is a design dependency too.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FOLDERS = ['core', 'protocol', 'app', 'adapters', 'handlers', 'gateway', 'cli', 'examples'] as const;
type Folder = (typeof FOLDERS)[number];

/** What each layer may import from the project (besides itself). */
const ALLOWED: Readonly<Record<Folder, readonly Folder[]>> = {
  core: ['protocol'],
  // The wire format is the leaf both sides share: it imports nothing else of the project.
  protocol: [],
  app: ['core', 'protocol'],
  adapters: ['app', 'core', 'protocol'],
  handlers: ['adapters', 'app', 'core', 'protocol'],
  gateway: ['core', 'protocol'],
  cli: ['adapters', 'app', 'core', 'protocol', 'gateway', 'examples'],
  // The demo's fleet, certificates and peers.
  examples: ['core', 'protocol'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Project files a module imports (relative specifiers only; packages and node: built-ins are not ours). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

const files = FOLDERS.flatMap((folder) => sources(join(ROOT, folder)));
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const folderOf = (file: string) => relative(ROOT, file).split('/')[0] as Folder;

test('each layer imports only the layers below it (docs/design.md, Layers)', () => {
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    const from = folderOf(file);
    for (const target of imports) {
      // The command reports the package's version (`--version`; esbuild inlines the manifest).
      if (from === 'cli' && relative(ROOT, target) === 'package.json') continue;
      const to = folderOf(target);
      if (to !== from && !ALLOWED[from].includes(to)) {
        violations.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the gateway and the forwarder share the wire protocol, and the gateway imports no adapter', () => {
  const gatewayImports = [...graph].filter(([f]) => folderOf(f) === 'gateway').flatMap(([, i]) => i);
  const adapterImports = [...graph].filter(([f]) => folderOf(f) === 'adapters').flatMap(([, i]) => i);
  assert.ok(gatewayImports.some((t) => folderOf(t) === 'protocol'));
  assert.ok(adapterImports.some((t) => folderOf(t) === 'protocol'));
  assert.ok(!gatewayImports.some((t) => folderOf(t) === 'adapters'));
});

test('no import cycle between modules', () => {
  // Tarjan's strongly connected components: any component of more than one module is a cycle.
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    indexes.set(file, index);
    low.set(file, index);
    index++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (!indexes.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, indexes.get(next)!));
      }
    }
    if (low.get(file) === indexes.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(ROOT, member));
      } while (member !== file);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!indexes.has(file)) visit(file);
  assert.deepEqual(cycles, []);
});

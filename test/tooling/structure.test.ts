/**
 * The shape of the source tree (docs/architecture.md): no import circle (type-only imports
 * included), no source file over 400 lines and no function over 60 lines outside the kernels, and
 * a browser-safe core that imports no Node built-in.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/dist.js';

const SRC = join(ROOT, 'src');
const files: string[] = [];
(function walk(dir: string) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
})(SRC);
const rel = (f: string) => relative(ROOT, f);

/** The modules a file imports or re-exports (static, type-only and `import('…')` types), resolved to .ts files. */
function importsOf(file: string): { spec: string; target: string | undefined }[] {
  const text = readFileSync(file, 'utf8');
  const specs = new Set<string>();
  for (const m of text.matchAll(/(?:import|export)\s+(?:type\s+)?(?:[\w*{},\s]+?\s+from\s+)?['"]([^'"]+)['"]/g)) specs.add(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.add(m[1]!);
  return [...specs].map((spec) => {
    if (!spec.startsWith('.')) return { spec, target: undefined };
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    return { spec, target: files.includes(target) ? target : undefined };
  });
}

/** Every circle met by a depth-first walk, as 'a → b → a'. */
function findCycles(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') cycles.push([...stack.slice(stack.indexOf(g)), g].join(' → '));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return cycles;
}

/** Files allowed over the limits for now, each with its reason; the list may only shrink. */
const LONG_FILES: Record<string, string> = {
  'src/tensor/wasm/gemm-binary.ts': 'generated from gemm.wat',
};
const KERNELS = /^src\/tensor\/(kernels|wasm\/)/;

describe('the source tree', () => {
  it('has no import circle, type-only imports included', () => {
    const graph = new Map(files.map((f) => [rel(f), importsOf(f).flatMap((i) => (i.target ? [rel(i.target)] : []))]));
    expect(findCycles(graph)).toEqual([]);
  });

  it('the circle check is live: it finds circles in a graph that has them, and reads type-only imports', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(findCycles(g)).toEqual(['a → b → c → a']);
    expect(findCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
    // callbacks/callback.ts has only type imports of layers and optimizers: they are edges too.
    const targets = importsOf(join(SRC, 'callbacks', 'callback.ts')).map((i) => i.target && rel(i.target));
    expect(targets).toContain('src/layers/layer.ts');
  });

  it('has no source file over 400 lines', () => {
    const long = files.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([f, n]) => n > 400 && !(f in LONG_FILES));
    expect(long).toEqual([]);
  });

  it('has no function over 60 lines outside the kernels', () => {
    const long: string[] = [];
    for (const f of files) {
      if (KERNELS.test(rel(f))) continue;
      const source = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          const name = (node as { name?: ts.Node }).name?.getText(source) ?? '(anonymous)';
          if (end - start + 1 > 60) long.push(`${rel(f)}:${start + 1} ${name} (${end - start + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });

  it('the browser-safe core (src/ but src/node/) imports no Node built-in', () => {
    const bad = files
      .filter((f) => !rel(f).startsWith('src/node/'))
      .flatMap((f) => importsOf(f).filter((i) => !i.spec.startsWith('.')).map((i) => `${rel(f)}: ${i.spec}`));
    expect(bad).toEqual([]);
  });
});

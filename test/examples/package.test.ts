// What a consumer installs: every package our emitted .d.ts files import
// resolves to types the consumer gets (dependencies, not devDependencies:
// @types/seedrandom 3 as a devDependency left consumers with tfjs's 2.4 and
// "Cannot access 'State.Alea'"), and the MIT LICENSE ships.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function* dts(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* dts(p);
    else if (name.endsWith('.d.ts')) yield p;
  }
}

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const hasOwnTypes = (name: string) => {
  const dir = join(root, 'node_modules', name);
  const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  // types, typings, a types condition in exports, or an index.d.ts beside it
  return Boolean(p.types ?? p.typings) || /\.d\.[cm]?ts"/.test(JSON.stringify(p.exports ?? {})) || existsSync(join(dir, 'index.d.ts'));
};

describe('the published package', () => {
  it('every module the public .d.ts files import comes with a dependency that has its types', () => {
    const dist = join(root, 'dist');
    if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build`');
    const imported = new Set<string>();
    for (const top of ['src', 'envs', 'agents', 'experiments/sweep']) {
      for (const file of dts(join(dist, top))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"]([^'".][^'"]*)['"]/g)) {
          const name = packageOf(m[1].replace(/^node:/, ''));
          if (!builtinModules.includes(name)) imported.add(name);
        }
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    for (const name of imported) {
      expect(pkg.dependencies, `${name} is imported by a .d.ts`).toHaveProperty([name]);
      if (!hasOwnTypes(name)) {
        const types = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
        expect(pkg.dependencies, `${name} has no types of its own: ${types} must be a dependency`).toHaveProperty([types]);
        expect(pkg.devDependencies ?? {}).not.toHaveProperty([types]);
      }
    }
  });

  it('every entry point in exports is built, with its types, and loads', async () => {
    for (const [entry, target] of Object.entries(pkg.exports as Record<string, string | { types: string; default: string }>)) {
      if (typeof target === 'string') continue; // ./package.json
      expect(existsSync(join(root, target.types)), `${entry}: ${target.types}`).toBe(true);
      const mod = await import(join(root, target.default));
      expect(Object.keys(mod).length, `${entry} exports something`).toBeGreaterThan(0);
    }
  });

  it('is MIT licensed, and LICENSE is in the tarball', () => {
    expect(pkg.license).toBe('MIT');
    const text = readFileSync(join(root, 'LICENSE'), 'utf8');
    expect(text).toMatch(/^MIT License/);
    expect(text).toContain('Copyright (c) 2026 the relax-pg authors');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
    expect(packed[0].files.map((f: { path: string }) => f.path)).toContain('LICENSE');
  });
});

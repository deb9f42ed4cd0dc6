// Output folders: the default name, --resume needing --out, and each kind of
// bad folder as a UserError at once.
import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { defaultOutDir, outDirOf, prepareOutDir } from '../../experiments/outDir.js';
import { tempDir } from '../helpers.js';

describe('output folders', () => {
  it('default names, and --resume needs --out', () => {
    expect(defaultOutDir('toy')).toMatch(/^results[/\\]toy[/\\]\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/);
    expect(outDirOf({}, 'compare', 'CartPole-v1-')).toMatch(/compare[/\\]CartPole-v1-\d{4}-/);
    expect(outDirOf({ out: 'x' }, 'toy')).toBe('x');
    expect(() => outDirOf({ resume: true }, 'toy')).toThrow(/--resume needs --out/);
  });

  it('makes nested folders and leaves nothing behind', () => {
    const dir = join(tempDir('relax-pg-outdir-'), 'a', 'b');
    expect(prepareOutDir(dir)).toBe(dir);
    expect(existsSync(dir)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    prepareOutDir(dir); // an existing folder is fine
  });

  it('an existing file, a path under a file and an unwritable place are UserErrors', () => {
    const file = join(tempDir('relax-pg-outdir-'), 'f');
    writeFileSync(file, '');
    expect(() => prepareOutDir(file)).toThrow(UserError);
    expect(() => prepareOutDir(file)).toThrow(/is a file, not a folder/);
    expect(() => prepareOutDir(join(file, 'sub', 'deeper'))).toThrow(new RegExp(`${file} is a file, not a folder`));
    const t0 = Date.now();
    expect(() => prepareOutDir('/proc/relaxpg/x')).toThrow(/cannot write a folder there/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

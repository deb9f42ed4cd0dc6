import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, writeFileAtomic, writeJsonAtomic } from '../../src/report/files.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';

const tmp = () => tempDir('relax-pg-files-');

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('writeFileAtomic', () => {
  it('creates parent folders, replaces content and leaves no temporary files', () => {
    const dir = tmp();
    const path = join(dir, 'a', 'b', 'out.txt');
    writeFileAtomic(path, 'first version, longer than the second');
    writeFileAtomic(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.txt']);
  });

  it('writes bytes exactly', () => {
    const path = join(tmp(), 'bytes.bin');
    const bytes = new Uint8Array([0, 255, 10, 13, 128]);
    writeFileAtomic(path, bytes);
    expect([...readFileSync(path)]).toEqual([...bytes]);
  });

  it('cleans up its temporary file when the rename fails', () => {
    const dir = tmp();
    const target = join(dir, 'target');
    mkdirSync(join(target, 'occupied'), { recursive: true }); // a non-empty folder cannot be renamed over
    expect(() => writeFileAtomic(target, 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
  });
});

describe('writeJsonAtomic / readJson', () => {
  it('round-trips pretty JSON with a final newline', () => {
    const path = join(tmp(), 'v.json');
    writeJsonAtomic(path, { a: 1, b: [1, 2], c: { d: 'e' } });
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "a": 1');
    expect(readJson(path)).toEqual({ a: 1, b: [1, 2], c: { d: 'e' } });
  });

  it('a missing file is a one-line UserError naming the path', () => {
    const path = join(tmp(), 'nope.json');
    const err = userError(() => readJson(path));
    expect(err.message).toBe(`${path}: file not found`);
  });

  it('invalid JSON is a one-line UserError naming the path', () => {
    const path = join(tmp(), 'bad.json');
    writeFileSync(path, '{\n  "a": 1,\n  oops\n}\n');
    const err = userError(() => readJson(path));
    expect(err.message.startsWith(`${path}: not valid JSON`)).toBe(true);
    expect(err.message).not.toContain('\n');
  });

  it('a folder is a UserError too', () => {
    const dir = tmp();
    const err = userError(() => readJson(dir));
    expect(err.message).not.toContain('\n');
    expect(err.message.startsWith(dir)).toBe(true);
  });
});

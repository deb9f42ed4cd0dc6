// The project's rule for a refused command: the exit code, exactly one line
// on stderr (matching `pattern`), and no stack trace.
import { expect } from 'vitest';
import type { Ran } from './spawnCli.js';

export function expectOneLine(r: Pick<Ran, 'code' | 'stderr'>, code: number, pattern: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^relax-pg: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |throw ex;/);
  expect(r.code, r.stderr).toBe(code);
}

// The README's estimator table agrees with the catalog: one row per catalog
// name, its control-variate column is the catalog's controlVariateDescription,
// and its needs column lists exactly what the catalog says the name needs.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESTIMATORS } from '../../src/estimators/index.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** Rows of the table whose header is `| estimator | what it is | control variate | needs |`, cells unescaped. */
function table(): Map<string, string[]> {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| estimator | what it is | control variate | needs |'));
  expect(start, 'the estimator table').toBeGreaterThanOrEqual(0);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    rows.set(cells[0].replace(/`/g, ''), cells.slice(1));
  }
  return rows;
}

const NEED_PHRASE = { discrete: 'discrete b', bernoulli: 'Bernoulli b', continuous: 'continuous b', any: 'any distribution' } as const;

describe('README estimator table', () => {
  const rows = table();

  it('has one row per catalog name', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(ESTIMATORS).sort());
  });

  for (const [name, setup] of Object.entries(ESTIMATORS)) {
    it(`${name}: control variate and needs as in the catalog`, () => {
      const [, cv, needs] = rows.get(name) ?? [];
      expect(cv).toBe(setup.controlVariateDescription);
      const expected = [NEED_PHRASE[setup.needs.distribution]];
      if (setup.needs.relaxedF) expected.push('f at relaxed inputs');
      if (setup.needs.secondF) expected.push('f at a second sample');
      if (setup.needs.multiSample) expected.push('K samples per input');
      expect(needs).toBe(expected.join(', '));
    });
  }
});

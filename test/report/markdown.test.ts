import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MarkdownReport, formatNumber } from '../../src/report/markdown.js';
import { tempDir } from '../helpers.js';

describe('formatNumber', () => {
  it('rounds to significant digits, keeps integers whole', () => {
    expect(formatNumber(3.14159265, 3)).toBe('3.14');
    expect(formatNumber(0.000123456, 2)).toBe('0.00012');
    expect(formatNumber(1234.5678, 3)).toBe('1230');
    expect(formatNumber(2.5e-7, 2)).toBe('2.5e-7');
    expect(formatNumber(123456)).toBe('123456');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(Number.NEGATIVE_INFINITY)).toBe('−∞');
  });
});

describe('MarkdownReport', () => {
  it('renders a small table exactly', () => {
    const md = new MarkdownReport().table(
      ['estimator', 'loss', 'steps'],
      [
        ['REINFORCE', 0.123456, 1000],
        ['RELAX', null, 2000],
        ['a|b', 12.3456789, undefined],
      ],
      { digits: 3 },
    );
    expect(md.toString()).toBe(
      [
        '| estimator | loss | steps |',
        '| --- | ---: | ---: |',
        '| REINFORCE | 0.123 | 1000 |',
        '| RELAX | — | 2000 |',
        '| a\\|b | 12.3 | — |',
        '',
      ].join('\n'),
    );
  });

  it('joins headings, paragraphs, lists, images and code with blank lines', () => {
    const md = new MarkdownReport()
      .heading('Toy problem')
      .paragraph('Variance of each estimator.')
      .bullets(['one', 'two'])
      .image('variance plot', 'plots/my plot.png')
      .code('const a = 1;\n', 'ts')
      .heading('Notes', 2);
    expect(md.toString()).toBe(
      '# Toy problem\n\nVariance of each estimator.\n\n- one\n- two\n\n![variance plot](plots/my%20plot.png)\n\n```ts\nconst a = 1;\n```\n\n## Notes\n',
    );
  });

  it('fences code containing backticks with a longer fence', () => {
    expect(new MarkdownReport().code('a ``` b').toString()).toBe('````\na ``` b\n````\n');
  });

  it('rejects rows of the wrong width', () => {
    expect(() => new MarkdownReport().table(['a', 'b'], [[1]])).toThrow(/row 0/);
  });

  it('writes atomically', () => {
    const dir = tempDir('relax-pg-md-');
    const path = new MarkdownReport().heading('Hi').write(join(dir, 'report.md'));
    expect(readFileSync(path, 'utf8')).toBe('# Hi\n');
    expect(readdirSync(dir)).toEqual(['report.md']);
  });
});

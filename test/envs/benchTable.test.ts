import { describe, expect, it } from 'vitest';
import { formatRate, formatTable } from '../../bench/table.js';

describe('bench table', () => {
  it('aligns columns: numbers right, text left', () => {
    const text = formatTable({
      title: 'T',
      columns: ['env', 'rate'],
      rows: [
        ['CartPole-v1', '5.21 M'],
        ['Pendulum-v1', '812 k'],
      ],
      notes: ['note'],
    });
    expect(text.split('\n')).toEqual([
      'T',
      'env            rate',
      '-----------  ------',
      'CartPole-v1  5.21 M',
      'Pendulum-v1   812 k',
      'note',
    ]);
  });
  it('formats rates', () => {
    expect(formatRate(5_210_000)).toBe('5.21 M');
    expect(formatRate(81_234)).toBe('81.2 k');
    expect(formatRate(12.5)).toBe('12.5');
  });
});

import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { Progress, duration } from '../../src/report/progress.js';

function recorder() {
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  return { lines, logger: { info: (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields }) } };
}

describe('Progress off a TTY', () => {
  it('logs at every further 10 % and at stop', () => {
    let now = 0;
    const { lines, logger } = recorder();
    const p = new Progress({ total: 200, label: 'train', logger, tty: false, now: () => now });
    for (let i = 1; i <= 199; i++) {
      now += 10; // 2 s in all: never the time trigger
      p.update(i, { ret: i / 3 });
    }
    p.stop();
    expect(lines).toHaveLength(10);
    expect(lines[0]!.message).toMatch(/^train 10% 20\/200 0\.2s eta 1\.8s$/);
    expect(lines[0]!.fields).toEqual({ ret: 20 / 3 });
    expect(lines[9]!.message).toBe('train 99% 199/200 2.0s eta 0.0s');
  });

  it('logs when the interval passes without a new decile', () => {
    let now = 0;
    const { lines, logger } = recorder();
    const p = new Progress({ total: 1000, logger, tty: false, intervalSeconds: 5, now: () => now });
    p.update(1);
    now = 4000;
    p.update(2);
    expect(lines).toHaveLength(0);
    now = 6000;
    p.update(3, { p: 0.25 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toContain('3/1000');
    p.update(3);
    p.stop(); // value already printed: no repeat
    expect(lines).toHaveLength(1);
  });

  it('without a logger writes plain lines to the stream', () => {
    let text = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    });
    const p = new Progress({ total: 10, label: 'eval', tty: false, stream, now: () => 0 });
    p.update(10, { p: 0.123456 });
    p.stop();
    expect(text).toBe('eval 100% 10/10 0.0s p=0.1235\n');
  });
});

describe('duration', () => {
  it('formats seconds, minutes and hours', () => {
    expect(duration(12_340)).toBe('12.3s');
    expect(duration(75_000)).toBe('1m15s');
    expect(duration(3_725_000)).toBe('1h02m');
  });
  it('carries rounding into the next unit (never "8m60s" or "60.0s")', () => {
    expect(duration(539_600)).toBe('9m00s');
    expect(duration(59_970)).toBe('1m00s');
    expect(duration(3_599_700)).toBe('1h00m');
  });
});

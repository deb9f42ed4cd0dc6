import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/report/logger.js';
import { tempDir } from '../helpers.js';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('createLogger', () => {
  it('prints short human lines on the console', async () => {
    const out = capture();
    const log = createLogger({ stream: out.stream, color: false });
    log.info('epoch done', { loss: 0.123456789, step: 40, tag: 'a b' });
    log.debug('hidden at info level');
    log.warn('careful');
    await log.close();
    const lines = out.lines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d info  epoch done loss=0\.1235 step=40 tag="a b"$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d warn  careful$/);
  });

  it('writes JSON lines with timestamp, level, message and fields, complete after close', async () => {
    const file = join(tempDir('relax-pg-log-'), 'logs', 'run.log');
    const log = createLogger({ file, console: false, level: 'debug' });
    for (let i = 0; i < 500; i++) log.debug('tick', { i });
    log.child({ seed: 3 }).info('child line', { ok: true });
    log.error('failed', { err: new Error('boom'), bad: Number.NaN });
    await log.close();
    await log.close(); // idempotent
    log.info('after close is ignored');
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(records).toHaveLength(502);
    expect(records[0]).toMatchObject({ level: 'debug', message: 'tick', i: 0 });
    expect(Number.isNaN(Date.parse(records[0]!['timestamp']))).toBe(false);
    expect(records[500]).toMatchObject({ level: 'info', message: 'child line', seed: 3, ok: true });
    expect(records[501]).toMatchObject({ level: 'error', message: 'failed', bad: 'NaN', err: { message: 'boom' } });
  });

  it('file and console can have different levels', async () => {
    const file = join(tempDir('relax-pg-log-'), 'run.log');
    const out = capture();
    const log = createLogger({ file, stream: out.stream, level: 'warn', fileLevel: 'debug' });
    log.info('only in the file');
    await log.close();
    expect(out.lines()).toHaveLength(0);
    expect(readFileSync(file, 'utf8')).toContain('only in the file');
  });

  it('a logger with no sink is silent and closes', async () => {
    const log = createLogger({ console: false });
    log.info('nothing');
    await expect(log.close()).resolves.toBeUndefined();
  });
});

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { versions, writeRunInfo } from '../../src/report/runInfo.js';
import { readJson } from '../../src/report/files.js';
import { tempDir } from '../helpers.js';

const require = createRequire(import.meta.url);
const ownPkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('runInfo', () => {
  it('versions() reads relax-pg and tfjs versions from package.json files', () => {
    const v = versions();
    expect(v.relaxPg).toBe(ownPkg.version);
    expect(v.node).toBe(process.versions.node);
    expect(v.platform).toBe(`${process.platform}-${process.arch}`);
    const tfjsPkg = require('@tensorflow/tfjs/package.json') as { version: string };
    expect(v.tfjs).toBe(tfjsPkg.version);
  });

  it('writeRunInfo writes config.json with config, versions, command and start time', () => {
    const dir = join(tempDir('relax-pg-run-'), 'results');
    const info = writeRunInfo(dir, { lr: 0.01, estimator: 'relax' }, { seed: 7 });
    const back = readJson<Record<string, any>>(join(dir, 'config.json'));
    expect(back).toEqual(JSON.parse(JSON.stringify(info)));
    expect(back['config']).toEqual({ lr: 0.01, estimator: 'relax' });
    expect(back['seed']).toBe(7);
    expect(back['command']).toEqual(process.argv);
    expect(back['versions']['relaxPg']).toBe(ownPkg.version);
    expect(Math.abs(Date.parse(back['startedAt']) - Date.now())).toBeLessThan(60_000);
  });
});

// The types make() returns (makeTypes.check.ts), checked with the repository's tsc.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('make() types', () => {
  it('bundled ids get their observation, action and env types; other ids Env<Float32Array, unknown>', () => {
    const args = ['node_modules/typescript/bin/tsc', '--noEmit', '--strict', '--module', 'NodeNext', '--moduleResolution', 'NodeNext'];
    args.push('--target', 'ES2022', '--types', 'node', '--skipLibCheck', 'test/envs/makeTypes.check.ts', 'envs/render/gifenc.d.ts');
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    // Only this file's diagnostics count (others in the tree may be mid-edit).
    const mine = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('makeTypes.check.ts'));
    expect(mine).toEqual([]);
  }, 60_000);
});

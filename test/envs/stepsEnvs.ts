// Side-effect module for the AsyncVectorEnv tests: registers the generator's Steps envs
// (vectorReplay.ts) and TestThread-v0, whose info tells which thread stepped it. Imported by
// each worker through AsyncVectorEnv's `imports` option (compiled, see asyncBuild.ts).
import { threadId } from 'node:worker_threads';
import { register } from '../../envs/core/registry.js';
import { registerStepsEnvs, StepsEnv } from './vectorReplay.js';

class ThreadEnv extends StepsEnv {
  override step(a: number) {
    const r = super.step(a);
    r[4] = { thread: threadId };
    return r;
  }
}

registerStepsEnvs();
register({ id: 'TestThread-v0', entryPoint: () => new ThreadEnv(1000) });

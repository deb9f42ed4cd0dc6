// Your own one-step problem, trained with REINFORCE, REBAR and RELAX through
// the public API (run after `npm run build`: node examples/one-step.mjs).
// The problem: choose 4 bits b to maximise f(b) = −(Σ_j w_j b_j − 1)², a
// black box to the estimators; its relaxation f(σ_λ(z)) serves REBAR.
import { learn, OneStepLearner } from 'relax-pg/agents';

const w = [0.2, 0.5, 0.3, 0.8];
const problem = {
  distribution: 'bernoulli',
  thetaSize: 4,
  contextSize: 0,
  observe: () => undefined,
  reward: (b) => b.mul(w).sum(-1).sub(1).square().neg(),
  relaxedReward: (soft) => soft.mul(w).sum(-1).sub(1).square().neg(),
  describe: () => 'pick bits whose weights sum to 1',
};

for (const estimator of ['reinforce', 'rebar', 'relax']) {
  const learner = new OneStepLearner(problem, { estimator, seed: 1, batch: 8, lr: 0.05 });
  const rows = [];
  await learn(learner, { until: { steps: 300 }, logEvery: 100, varianceEvery: 300, onRow: (r) => rows.push(r) });
  const p = learner.thetaValues().map((l) => (1 / (1 + Math.exp(-l))).toFixed(2));
  const last = rows.filter((r) => r.meanReward !== undefined).at(-1);
  const v = rows.filter((r) => r.logVariance !== undefined).at(-1);
  console.log(`${estimator.padEnd(9)} p(b=1) = [${p.join(', ')}]  mean f = ${last.meanReward.toFixed(4)}  log-variance = ${v.logVariance.toFixed(2)}`);
  learner.dispose();
}

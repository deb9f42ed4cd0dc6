// Train RELAX on CartPole from code, save it, load it back, and evaluate.
// Run after `npm run build`:  node examples/train-cartpole.mjs
import { make } from 'relax-pg/envs';
import { RelaxAgent, loadAgent } from 'relax-pg/agents';

const env = make('CartPole-v0');
const agent = new RelaxAgent(env.observationSpace, env.actionSpace, { seed: 1 });
const recent = [];
await agent.learn(env, { episodes: 300 }, {
  onEpisode: (e) => {
    recent.push(e.return);
    if (recent.length > 100) recent.shift();
    if (e.episode % 50 === 0) console.log(`episode ${e.episode}: mean return of the last 100 = ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(1)}`);
  },
});
await agent.save('results/examples/cartpole-relax');
const loaded = await loadAgent('results/examples/cartpole-relax');
console.log('evaluation returns:', loaded.evaluate(make('CartPole-v0'), 5, { seed: 7 }));
console.log('action for a fresh observation:', loaded.act(env.reset({ seed: 3 })[0], { deterministic: true }));

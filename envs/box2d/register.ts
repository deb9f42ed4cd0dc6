// Side-effect module: registers the Box2D (planck) ids with Gymnasium 1.x's limits and thresholds.
import { register } from '../core/registry.js';
import { makeLunarLander } from './lunarLander.js';

// As in Gymnasium, one entry point: the continuous id is the same env with `continuous: true`
// (so `make('LunarLander-v3', { continuous: true })` works too).
register({ id: 'LunarLander-v3', entryPoint: (o) => makeLunarLander(o), maxEpisodeSteps: 1000, rewardThreshold: 200 });
register({
  id: 'LunarLanderContinuous-v3',
  entryPoint: (o) => makeLunarLander(o),
  maxEpisodeSteps: 1000,
  rewardThreshold: 200,
  kwargs: { continuous: true },
});

// Side-effect module: registers the classic-control ids with Gymnasium 1.x's limits and thresholds.
import { register } from '../core/registry.js';
import { AcrobotEnv } from './acrobot.js';
import { CartPoleEnv } from './cartpole.js';
import { MountainCarContinuousEnv } from './continuousMountainCar.js';
import { MountainCarEnv } from './mountainCar.js';
import { PendulumEnv } from './pendulum.js';

register({ id: 'CartPole-v0', entryPoint: (o) => new CartPoleEnv(o), maxEpisodeSteps: 200, rewardThreshold: 195.0 });
register({ id: 'CartPole-v1', entryPoint: (o) => new CartPoleEnv(o), maxEpisodeSteps: 500, rewardThreshold: 475.0 });
register({ id: 'MountainCar-v0', entryPoint: (o) => new MountainCarEnv(o), maxEpisodeSteps: 200, rewardThreshold: -110.0 });
register({
  id: 'MountainCarContinuous-v0',
  entryPoint: (o) => new MountainCarContinuousEnv(o),
  maxEpisodeSteps: 999,
  rewardThreshold: 90.0,
});
// Pendulum has no reward threshold in Gymnasium.
register({ id: 'Pendulum-v1', entryPoint: (o) => new PendulumEnv(o), maxEpisodeSteps: 200 });
register({ id: 'Acrobot-v1', entryPoint: (o) => new AcrobotEnv(o), maxEpisodeSteps: 500, rewardThreshold: -100.0 });

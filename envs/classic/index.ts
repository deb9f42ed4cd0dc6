// Classic control: CartPole, Acrobot, MountainCar (discrete and continuous), Pendulum.
// Importing this module also registers their ids with `make`.
import './register.js';

export { CartPoleEnv, type CartPoleOptions } from './cartpole.js';
export { AcrobotEnv, type AcrobotOptions } from './acrobot.js';
export { MountainCarEnv, type MountainCarOptions } from './mountainCar.js';
export { MountainCarContinuousEnv, type MountainCarContinuousOptions } from './continuousMountainCar.js';
export { PendulumEnv, angleNormalize, type PendulumOptions } from './pendulum.js';
export { floorMod } from './utils.js';

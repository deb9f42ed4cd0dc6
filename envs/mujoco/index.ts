// MuJoCo environments on mujoco-js (WebAssembly): InvertedPendulum-v5.
// Importing this module registers the ids but does not load MuJoCo: call
// `await mujocoReady()` once before making a MuJoCo env.
import './register.js';

export { InvertedPendulum, INVERTED_PENDULUM_XML, type InvertedPendulumOptions } from './invertedPendulum.js';
export { mujocoReady, isMujocoLoaded } from './runtime.js';

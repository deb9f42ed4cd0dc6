// Compiled (not run) by makeTypes.test.ts: the types make() gives. Each @ts-expect-error must be
// an error, and everything else must compile.
import {
  ClipAction,
  NormalizeObservation,
  RecordEpisodeStatistics,
  RescaleAction,
  SyncVectorEnv,
  TimeAwareObservation,
  make,
  type CartPoleEnv,
  type Env,
  type PendulumEnv,
} from '../../envs/index.js';

const cartPole = make('CartPole-v1');
const obs: Float32Array = cartPole.reset()[0];
cartPole.step(1);
// @ts-expect-error CartPole's action is a number
cartPole.step(Float32Array.of(1));
const unwrapped: CartPoleEnv = cartPole.unwrapped;

const pendulum = make('Pendulum-v1');
pendulum.step(Float32Array.of(0.5));
pendulum.step([0.5]); // what PendulumEnv.step accepts
// @ts-expect-error Pendulum's action is a Box value
pendulum.step('0.5');
const p: PendulumEnv = pendulum.unwrapped;

// Composes with the wrappers and vector envs as before.
const clipped = new ClipAction(make('Pendulum-v1'));
const rescaled = new RescaleAction(make('MountainCarContinuous-v0'), -1, 1);
const normalised = new NormalizeObservation(make('CartPole-v1'));
const stats = new RecordEpisodeStatistics(make('LunarLander-v3'));
const timed = new TimeAwareObservation(make('Acrobot-v1'));
const vec = new SyncVectorEnv([() => make('CartPole-v1'), () => make('CartPole-v0')]);
// @ts-expect-error ClipAction needs a Box action space
void new ClipAction(make('CartPole-v1'));

// Ids known only at run time, or your own: Env<any, any> (as before), or the types given.
const other = make(String('MyEnv-v0'));
other.step({ anything: true });
const wrappedOther = new ClipAction(make(String('MyBoxEnv-v0')));
const typed = make<Float64Array, number>('MyEnv-v0');
const typedObs: Float64Array = typed.reset()[0];
// Still assignable where any env is accepted.
const anyEnv: Env<any, any> = cartPole;

export const used = [obs, unwrapped, p, clipped, rescaled, normalised, stats, timed, vec, other, wrappedOther, typedObs, anyEnv];

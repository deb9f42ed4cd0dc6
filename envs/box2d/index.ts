// Box2D environments on planck: LunarLander-v3 and LunarLanderContinuous-v3.
// Importing this module also registers their ids with `make`.
import './register.js';

export {
  LunarLander,
  LunarLanderContinuous,
  makeLunarLander,
  type LunarLanderOptions,
  type LanderState,
} from './lunarLander.js';

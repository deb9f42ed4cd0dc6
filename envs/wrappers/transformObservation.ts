// Applies a function to every observation; pass the new observation space if
// the function changes it (otherwise the wrapped env's is kept).
import type { Env } from '../core/env.js';
import type { Space } from '../spaces/space.js';
import { ObservationWrapper } from './observationWrapper.js';

export class TransformObservation<O, A, InnerO> extends ObservationWrapper<O, A, InnerO> {
  constructor(
    env: Env<InnerO, A>,
    private readonly fn: (obs: InnerO) => O,
    observationSpace?: Space<O>,
  ) {
    super(env);
    if (observationSpace) this.observationSpace = observationSpace;
  }

  observation(obs: InnerO): O {
    return this.fn(obs);
  }
}

// One-step environments: no time limit (each episode terminates after its one step).
import { register } from '../core/registry.js';
import { BernoulliToyEnv, type BernoulliToyOptions } from './bernoulliToy.js';
import { CategoricalToyEnv, type CategoricalToyOptions } from './categoricalToy.js';

register({
  id: 'BernoulliToy-v0',
  entryPoint: (options) => new BernoulliToyEnv(options as BernoulliToyOptions),
});
register({
  id: 'CategoricalToy-v0',
  entryPoint: (options) => new CategoricalToyEnv(options as CategoricalToyOptions),
});

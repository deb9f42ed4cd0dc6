export { BernoulliToyEnv, type BernoulliToyOptions } from './bernoulliToy.js';
export { CategoricalToyEnv, type CategoricalToyOptions } from './categoricalToy.js';

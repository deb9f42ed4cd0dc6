// Side-effect module: registers the MuJoCo ids. Cheap: it does not load the WebAssembly
// module; `make('InvertedPendulum-v5')` needs `await mujocoReady()` first (see runtime.ts).
import { register } from '../core/registry.js';
import { InvertedPendulum } from './invertedPendulum.js';

register({
  id: 'InvertedPendulum-v5',
  entryPoint: (o) => new InvertedPendulum(o),
  maxEpisodeSteps: 1000,
  rewardThreshold: 950,
});

// A stand-in for bench/peer/server.py speaking its protocol, for tests without torch.
// FAKE_PEER_MODE: 'ok' (default), 'notorch' (greets with an import error), 'crash' (exits
// before greeting), 'die' (exits at the second run request). FAKE_PEER_BLAS: the BLAS it reports.
import { createInterface } from 'node:readline';

const mode = process.env.FAKE_PEER_MODE ?? 'ok';
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
if (mode === 'crash') {
  process.stderr.write('boom\n');
  process.exit(3);
}
if (mode === 'notorch') {
  say({ ok: false, error: "ModuleNotFoundError: No module named 'torch'" });
  process.exit(0);
}
say({ ok: true, torch: 'fake', numpy: 'fake', threads: 1, blas: process.env.FAKE_PEER_BLAS ?? 'openblas-pthread/libblas.so.3', gymnasium: null, gymnasiumError: 'none' });
let runs = 0;
createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (req.op === 'open') say({ ok: true, handle: 7 });
  else if (req.op === 'run') {
    runs++;
    if (mode === 'die' && runs === 2) process.exit(1);
    // 2 ms and 10 env steps per unit: figures the tests can predict exactly.
    say({ ok: true, ms: 2 * req.steps, steps: 10 * req.steps });
  } else if (req.op === 'close') say({ ok: true });
  else if (req.op === 'quit') {
    say({ ok: true });
    process.exit(0);
  } else say({ ok: false, error: `unknown op ${req.op}` });
});

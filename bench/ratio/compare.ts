// `npm run bench -- --peer` / `--json`: every selected workload against its
// PyTorch peer, section by section (each table printed as soon as its
// section is done), and the flat JSON object of the figures.
import { loadavg } from 'node:os';
import { currentBackend } from '../../src/tf/index.js';
import { formatTable } from '../table.js';
import { selectedGroups, type BenchArgs } from './args.js';
import { resultKeys, type JsonObject } from './keys.js';
import { measure } from './measure.js';
import { PeerProcess, referenceBlas } from './peer.js';
import { sectionTable, type SectionRun } from './report.js';
import { summarise } from './result.js';
import { workloads, type Section } from './workloads.js';

const ORDER: Section[] = ['vae', 'toy', 'update', 'episode', 'env'];

/** Runs the comparison; tables and notes go to `print`; returns the JSON figures. */
export async function runComparison(args: BenchArgs, print: (text: string) => void): Promise<JsonObject> {
  const groups = selectedGroups(args.only);
  const chosen = workloads().filter((w) => groups.includes(w.group));
  const json: JsonObject = { load: loadavg()[0], rounds: args.rounds, roundMs: args.roundMs, backend: currentBackend() };
  if (chosen.length === 0) {
    print(`no compared workload matches ${args.only.join(' ')} (groups: vae, estimators/toy, agents/cartpole, envs/env)`);
    return json;
  }
  const started = await PeerProcess.start({ python: args.python });
  const peer = started instanceof PeerProcess ? started : undefined;
  const skip = peer ? undefined : `PyTorch peers skipped: ${(started as { skip: string }).skip}`;
  if (skip) {
    print(`${skip}. relax-pg figures only.\n`);
    json['peer.skipped'] = skip;
  } else {
    json['peer.torch'] = peer!.info.torch;
    json['peer.blas'] = peer!.info.blas ?? 'unknown';
    if (referenceBlas(peer!.info))
      print(`warning: the peer's torch runs on the reference BLAS (${peer!.info.blas}), several times slower than OpenBLAS; apt-get install libopenblas0-pthread for a fair yardstick.\n`);
    json['peer.gymnasium'] = peer!.info.gymnasium ?? 'absent';
    if (peer!.info.episodeEnv) json['peer.episodeEnv'] = peer!.info.episodeEnv;
  }
  const peerLabel = peer
    ? `relax-pg on ${currentBackend()} vs PyTorch ${peer.info.torch} (${peer.info.threads} thread${peer.info.threads === 1 ? '' : 's'}, BLAS ${peer.info.blas ?? 'unknown'}${peer.info.gymnasium ? `, Gymnasium ${peer.info.gymnasium}` : ', no Gymnasium'})`
    : `relax-pg on ${currentBackend()}; peers not run`;
  try {
    for (const section of ORDER) {
      const here = chosen.filter((w) => w.section === section);
      if (here.length === 0) continue;
      const label = section === 'episode' && peer?.info.episodeEnv ? `${peerLabel}; the peer's episodes on ${peer.info.episodeEnv}` : peerLabel;
      const run: SectionRun = { section, rows: [], rounds: args.rounds, loadStart: loadavg(), loadEnd: [], peer: label, skip };
      for (const w of here) {
        try {
          const summary = summarise(await measure(w, peer, args));
          run.rows.push({ label: w.label, summary });
          Object.assign(json, resultKeys(summary));
        } catch (e) {
          const error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
          run.rows.push({ label: w.label, error });
          json[`${w.key}.error`] = error;
        }
      }
      run.loadEnd = loadavg();
      print(`${formatTable(sectionTable(run))}\n`);
    }
  } finally {
    await peer?.quit();
  }
  json['load.end'] = loadavg()[0];
  return json;
}

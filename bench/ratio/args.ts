// Command line of bench/run.ts: plain filters (as before), plus --peer,
// --json [file], --rounds N, --round-ms N and --python CMD for the
// relax-pg-against-PyTorch comparison.

/** The bench groups, by the name of the bench module that owns them, and the aliases the comparison accepts. */
export const GROUPS = ['vae', 'estimators', 'agents', 'envs'] as const;
export type Group = (typeof GROUPS)[number];
const ALIASES: Record<string, Group> = { toy: 'estimators', cartpole: 'agents', env: 'envs' };

export interface BenchArgs {
  /** Run the comparison workloads against the PyTorch peers. */
  peer: boolean;
  /** Write one flat JSON object (the comparison and the existing benches' figures). */
  json: boolean;
  /** Where the JSON goes (stdout when absent). */
  jsonFile?: string;
  rounds: number;
  /** Target wall time of one side's round; sets the timed steps per round. */
  roundMs: number;
  /** Python for the peers (default: $RELAX_PG_PEER_PYTHON, else /usr/bin/python3 if present, else python3). */
  python?: string;
  /** Positional filters, as given (bench module prefixes or aliases). */
  only: string[];
}

export class ArgsError extends Error {}

function isFilter(token: string): boolean {
  return token in ALIASES || GROUPS.some((g) => g.startsWith(token));
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) throw new ArgsError(`${flag} needs a positive integer, got ${value ?? 'nothing'}`);
  return n;
}

/** Parse argv (without node and the script). Throws ArgsError with one line. */
export function parseArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = { peer: false, json: false, rounds: 5, roundMs: 400, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    const [flag, inline] = token.startsWith('--') && token.includes('=') ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)] : [token, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--peer':
        out.peer = true;
        break;
      case '--json': {
        out.json = true;
        // The next word is the file unless it is a flag or a filter (`--json vae` filters).
        const next = inline ?? argv[i + 1];
        if (inline !== undefined) out.jsonFile = inline;
        else if (next !== undefined && !next.startsWith('-') && !isFilter(next)) out.jsonFile = argv[++i];
        break;
      }
      case '--rounds':
        out.rounds = positiveInt('--rounds', value());
        break;
      case '--round-ms':
        out.roundMs = positiveInt('--round-ms', value());
        break;
      case '--python': {
        const cmd = value();
        if (!cmd) throw new ArgsError('--python needs a command');
        out.python = cmd;
        break;
      }
      default:
        if (token.startsWith('-')) throw new ArgsError(`unknown option ${token} (use --peer, --json [file], --rounds N, --round-ms N, --python CMD)`);
        out.only.push(token);
    }
  }
  if (out.json && out.jsonFile === '') throw new ArgsError('--json= needs a file name');
  return out;
}

/** The comparison groups the filters select (all when there are none); unknown filters select nothing. */
export function selectedGroups(only: string[]): Group[] {
  if (only.length === 0) return [...GROUPS];
  return GROUPS.filter((g) => only.some((o) => g.startsWith(o) || ALIASES[o] === g));
}

/** Whether a bench module file (e.g. 'vae.js') is selected by the filters (the plain run's rule, plus aliases). */
export function moduleSelected(file: string, only: string[]): boolean {
  return only.length === 0 || only.some((o) => file.startsWith(o) || (ALIASES[o] !== undefined && file.startsWith(ALIASES[o])));
}

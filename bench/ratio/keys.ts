// The flat JSON object of `npm run bench -- --json`: dotted keys for the
// compared workloads (value, `.peer` twin, `.ratio`) and for the figures of
// the existing bench tables (`bench.<module>.<row>.<column>`).
import type { Cell, Table } from '../table.js';
import type { Summary } from './result.js';

export type JsonValue = number | string;
export type JsonObject = Record<string, JsonValue>;

/** Keys of one compared workload, e.g. vae.linear1.b24.rebar.ms, ….ms.peer, ….ratio. */
export function resultKeys(s: Summary): JsonObject {
  const out: JsonObject = {};
  const put = (k: string, v: number | undefined) => {
    if (v !== undefined && Number.isFinite(v)) out[k] = v;
  };
  put(`${s.key}.${s.unit}`, s.relax);
  put(`${s.key}.${s.unit}.peer`, s.peer);
  put(`${s.key}.ratio`, s.ratio);
  for (const [name, e] of Object.entries(s.extras)) {
    put(`${s.key}.${name}`, e.relax);
    put(`${s.key}.${name}.peer`, e.peer);
  }
  put(`${s.key}.timed`, s.timed);
  put(`${s.key}.load`, s.load);
  if (s.note) out[`${s.key}.note`] = s.note;
  return out;
}

/** 'ms/step' → 'msPerStep', 'episodes/s acting' → 'episodesPerSActing', 'make()' → 'make'. */
export function slug(text: string): string {
  const words = text
    .replace(/\//g, ' per ')
    .replace(/×/g, 'x')
    .replace(/%/g, ' pct ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1))).join('');
}

/** A row label as a key part: env ids and model names as they are ('CartPole-v1'), other text slugged. */
function labelPart(c: Cell): string {
  const s = String(c).trim();
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : slug(s);
}

const EXPONENT: Record<string, number> = { k: 3, M: 6, G: 9 };

/** A table cell as a number: 12, '0.85', '5.21 M', '81.2 k', '12%', '0.58×'; undefined for text and dashes. */
export function cellNumber(c: Cell | undefined): number | undefined {
  if (typeof c === 'number') return Number.isFinite(c) ? c : undefined;
  if (typeof c !== 'string') return undefined;
  const m = /^\s*([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*([kMG]?)\s*(%|×)?\s*$/.exec(c);
  if (!m) return undefined;
  // Scaled in decimal ('8.2 M' → 8.2e6 exactly, not 8.2 × 1e6).
  return m[2] ? Number(`${m[1]}e${EXPONENT[m[2]]}`) : Number(m[1]);
}

/**
 * Every numeric cell of a bench table under bench.<module>.<row>.<column>.
 * The row's name is its first `table.keyColumns` cells (default: its leading
 * text cells); a repeated column name gets its position appended.
 */
export function flattenTable(module: string, t: Table): JsonObject {
  const out: JsonObject = {};
  const names = t.columns.map(slug);
  const columnKeys = names.map((n, j) => (names.indexOf(n) === j ? n : `${n}${j}`));
  for (const row of t.rows) {
    let k = t.keyColumns ?? 0;
    if (t.keyColumns === undefined) while (k < row.length && typeof row[k] === 'string' && cellNumber(row[k]) === undefined) k++;
    if (k === 0) continue;
    const name = row
      .slice(0, k)
      .map((c, j) => (cellNumber(c) !== undefined ? `${columnKeys[j]}${c}` : labelPart(c)))
      .join('.');
    for (let j = k; j < t.columns.length; j++) {
      const v = cellNumber(row[j]);
      if (v !== undefined) out[`bench.${module}.${name}.${columnKeys[j]}`] = v;
    }
  }
  return out;
}

// A small Markdown builder for run reports: blocks are collected in order and
// joined with blank lines, so each method only has to produce its own block.
import { writeFileAtomic } from './files.js';

export type Cell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Significant digits for non-integer numbers; default 4. */
  digits?: number;
  /** Column alignment; default right for columns whose cells are all numbers, else left. */
  align?: ('left' | 'right' | 'center')[];
}

/**
 * Format a number for a table: integers in full, others to `digits`
 * significant digits, in exponent form when very large or small.
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '∞';
  if (x === Number.NEGATIVE_INFINITY) return '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return x.toExponential(Math.max(0, digits - 1));
  // Number() drops the trailing zeros that toPrecision keeps.
  return String(Number(x.toPrecision(digits)));
}

export class MarkdownReport {
  private readonly blocks: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 | 5 | 6 = 1): this {
    this.blocks.push(`${'#'.repeat(level)} ${inline(text)}`);
    return this;
  }

  paragraph(text: string): this {
    this.blocks.push(text.trim());
    return this;
  }

  bullets(items: readonly string[]): this {
    if (items.length > 0) this.blocks.push(items.map((item) => `- ${item.replace(/\n/g, '\n  ')}`).join('\n'));
    return this;
  }

  /** A table; numbers are formatted with `digits` significant digits, null/undefined shown as —. */
  table(headers: readonly string[], rows: readonly (readonly Cell[])[], options: TableOptions = {}): this {
    const digits = options.digits ?? 4;
    rows.forEach((row, i) => {
      if (row.length !== headers.length) {
        throw new Error(`markdown table: row ${i} has ${row.length} cells, expected ${headers.length}`);
      }
    });
    const align = headers.map((_, c) => {
      const given = options.align?.[c];
      if (given) return given;
      const values = rows.map((r) => r[c]).filter((v) => v !== null && v !== undefined);
      return values.length > 0 && values.every((v) => typeof v === 'number') ? 'right' : 'left';
    });
    const rule = { left: '---', right: '---:', center: ':---:' };
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    const lines = [
      line(headers.map(tableText)),
      line(align.map((a) => rule[a])),
      ...rows.map((row) => line(row.map((cell) => formatCell(cell, digits)))),
    ];
    this.blocks.push(lines.join('\n'));
    return this;
  }

  /** An image link; spaces and parentheses in the path are escaped so the link stays intact. */
  image(alt: string, path: string): this {
    this.blocks.push(`![${alt.replace(/[[\]]/g, '\\$&')}](${path.replace(/[ ()]/g, (c) => encodeURIComponent(c))})`);
    return this;
  }

  /** A fenced code block, with a fence longer than any backtick run inside. */
  code(text: string, language = ''): this {
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    this.blocks.push(`${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`);
    return this;
  }

  /** Raw Markdown, added as it is. */
  raw(text: string): this {
    this.blocks.push(text);
    return this;
  }

  toString(): string {
    return this.blocks.join('\n\n') + '\n';
  }

  /** Write atomically; returns the path. */
  write(path: string): string {
    writeFileAtomic(path, this.toString());
    return path;
  }
}

function formatCell(cell: Cell, digits: number): string {
  if (cell === null || cell === undefined) return '—';
  if (typeof cell === 'number') return formatNumber(cell, digits);
  return tableText(String(cell));
}

// A pipe or a line break would end the cell or the row.
function tableText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

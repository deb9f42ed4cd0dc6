// resvg draws no text at all with a font it cannot find, and it reads only
// TrueType/OpenType files (not the woff/woff2 that npm font packages ship).
// So we pick one real font file up front, load exactly that into resvg, and
// name the same family in the SVG. Order: an explicit file (RELAX_PG_FONT),
// the optional npm package dejavu-fonts-ttf, well-known system paths of
// common sans fonts, then a bounded scan of the usual font folders.
import { closeSync, existsSync, openSync, readFileSync, readdirSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, delimiter, dirname, extname, join } from 'node:path';
import { homedir } from 'node:os';

export interface PlotFont {
  /** Family name as written in the font file; used as the SVG font-family. */
  family: string;
  /** Font files handed to resvg (regular first, then e.g. bold). Empty: none found. */
  files: string[];
  /** Where it came from, for the log. */
  source: 'env' | 'package' | 'system' | 'scan' | 'none';
}

const FONT_EXT = new Set(['.ttf', '.otf', '.ttc']);

// Regular/bold pairs at the places distributions install them.
const KNOWN: [string, string][] = [
  // DejaVu: Debian/Ubuntu, Fedora (old and new), Arch/openSUSE, Alpine, Homebrew
  ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/dejavu/DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/TTF/DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  ['/usr/local/share/fonts/DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  // Liberation Sans (metric-compatible with Arial)
  ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/liberation/LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'],
  ['/usr/share/fonts/noto/NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'],
  ['/usr/share/fonts/truetype/freefont/FreeSans.ttf', 'FreeSansBold.ttf'],
  // macOS and Windows
  ['/System/Library/Fonts/Supplemental/Arial.ttf', 'Arial Bold.ttf'],
  ['/Library/Fonts/Arial.ttf', 'Arial Bold.ttf'],
  [join(process.env['WINDIR'] ?? 'C:\\Windows', 'Fonts', 'arial.ttf'), 'arialbd.ttf'],
  [join(process.env['WINDIR'] ?? 'C:\\Windows', 'Fonts', 'segoeui.ttf'), 'segoeuib.ttf'],
];

const SCAN_DIRS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  join(homedir(), '.local/share/fonts'),
  join(homedir(), '.fonts'),
  '/Library/Fonts',
  '/System/Library/Fonts',
  join(process.env['WINDIR'] ?? 'C:\\Windows', 'Fonts'),
];

let cached: PlotFont | undefined;

/** The font plots are drawn with (resolved once per process). */
export function plotFont(): PlotFont {
  cached ??= resolvePlotFont();
  return cached;
}

/** Resolve afresh (ignores the cache); `env` defaults to process.env. */
export function resolvePlotFont(env: NodeJS.ProcessEnv = process.env): PlotFont {
  const fromEnv = env['RELAX_PG_FONT'];
  if (fromEnv) {
    const files = fromEnv.split(delimiter).filter((f) => f !== '' && existsSync(f));
    const family = files.length > 0 ? fontFamily(files[0]!) : undefined;
    if (family) return { family, files, source: 'env' };
    process.emitWarning(`RELAX_PG_FONT=${fromEnv} is not a readable .ttf/.otf font; looking elsewhere`);
  }

  const pkg = packageFont();
  if (pkg) return pkg;

  for (const [regular, bold] of KNOWN) {
    if (!existsSync(regular)) continue;
    const family = fontFamily(regular);
    if (!family) continue;
    const boldPath = join(dirname(regular), bold);
    return { family, files: existsSync(boldPath) ? [regular, boldPath] : [regular], source: 'system' };
  }

  const scanned = scanFonts();
  if (scanned) return scanned;

  return { family: 'sans-serif', files: [], source: 'none' };
}

// dejavu-fonts-ttf ships the DejaVu .ttf files; used when the project installs it.
function packageFont(): PlotFont | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const regular = join(dir, 'DejaVuSans.ttf');
    const family = existsSync(regular) ? fontFamily(regular) : undefined;
    if (!family) return undefined;
    const bold = join(dir, 'DejaVuSans-Bold.ttf');
    return { family, files: existsSync(bold) ? [regular, bold] : [regular], source: 'package' };
  } catch {
    return undefined;
  }
}

// Last resort: look through the usual folders (bounded, so a huge font tree
// cannot stall a run) for an upright sans face, preferring familiar families.
function scanFonts(): PlotFont | undefined {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 4 || found.length > 5000) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (FONT_EXT.has(extname(name).toLowerCase())) {
        found.push(path);
        continue;
      }
      try {
        if (statSync(path).isDirectory()) walk(path, depth + 1);
      } catch {
        // unreadable entry
      }
    }
  };
  for (const dir of SCAN_DIRS) walk(dir, 0);

  const score = (path: string): number => {
    const name = basename(path).toLowerCase();
    if (/mono|math|symbol|emoji|icon|awesome|dingbat|bold|italic|oblique|light|thin|black|condensed|narrow/.test(name)) {
      return 0;
    }
    const preferred = ['dejavusans', 'liberationsans', 'arial', 'helvetica', 'notosans-regular', 'freesans', 'opensans', 'roboto', 'ubuntu', 'cantarell', 'segoeui', 'verdana'];
    const rank = preferred.findIndex((p) => name.replace(/[\s_-]/g, '').startsWith(p.replace(/-/g, '')));
    if (rank >= 0) return 100 - rank;
    return name.includes('sans') ? 10 : 1;
  };
  const ranked = found
    .map((path) => ({ path, s: score(path) }))
    .filter((c) => c.s > 0)
    .sort((a, b) => b.s - a.s);
  for (const { path } of ranked.slice(0, 20)) {
    const family = fontFamily(path);
    if (family) return { family, files: [path, ...boldSibling(path)], source: 'scan' };
  }
  return undefined;
}

function boldSibling(regular: string): string[] {
  const ext = extname(regular);
  const stem = basename(regular, ext).replace(/[-_ ]?regular$/i, '');
  for (const suffix of ['-Bold', 'Bold', ' Bold', '_Bold', 'bd', 'b']) {
    const path = join(dirname(regular), stem + suffix + ext);
    if (existsSync(path)) return [path];
  }
  return [];
}

/**
 * The family name stored in a TrueType/OpenType file (or the first face of a
 * collection), read from its `name` table; undefined if it is not such a file.
 * We read it from the file rather than trusting the file name, because resvg
 * matches the SVG's font-family against exactly this string.
 */
export function fontFamily(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const read = (offset: number, length: number): Buffer => {
      const buf = Buffer.alloc(length);
      const n = readSync(fd!, buf, 0, length, offset);
      if (n < length) throw new Error('short read');
      return buf;
    };
    let base = 0;
    const tag = read(0, 4).toString('latin1');
    if (tag === 'ttcf') base = read(12, 4).readUInt32BE(0);
    const head = read(base, 12);
    const version = head.readUInt32BE(0);
    if (version !== 0x00010000 && head.toString('latin1', 0, 4) !== 'OTTO' && head.toString('latin1', 0, 4) !== 'true') {
      return undefined;
    }
    const numTables = head.readUInt16BE(4);
    const dir = read(base + 12, numTables * 16);
    let nameOffset = -1;
    let nameLength = 0;
    for (let i = 0; i < numTables; i++) {
      if (dir.toString('latin1', i * 16, i * 16 + 4) === 'name') {
        nameOffset = dir.readUInt32BE(i * 16 + 8);
        nameLength = dir.readUInt32BE(i * 16 + 12);
      }
    }
    if (nameOffset < 0) return undefined;
    const table = read(nameOffset, nameLength);
    const count = table.readUInt16BE(2);
    const strings = table.readUInt16BE(4);
    // Best candidate: typographic family (16) over legacy family (1); Windows
    // English over other Windows, over Unicode, over Macintosh records.
    let best: { rank: number; text: string } | undefined;
    for (let i = 0; i < count; i++) {
      const r = 6 + i * 12;
      const platform = table.readUInt16BE(r);
      const language = table.readUInt16BE(r + 4);
      const nameId = table.readUInt16BE(r + 6);
      if (nameId !== 1 && nameId !== 16) continue;
      const length = table.readUInt16BE(r + 8);
      const start = strings + table.readUInt16BE(r + 10);
      const raw = table.subarray(start, start + length);
      let text: string;
      let rank = nameId === 16 ? 0 : 10;
      if (platform === 3 || platform === 0) {
        text = utf16be(raw);
        rank += platform === 3 ? (language === 0x409 ? 0 : 1) : 2;
      } else if (platform === 1) {
        text = raw.toString('latin1');
        rank += 3;
      } else {
        continue;
      }
      text = text.trim();
      if (text !== '' && (!best || rank < best.rank)) best = { rank, text };
    }
    return best?.text;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function utf16be(raw: Buffer): string {
  const swapped = Buffer.from(raw.subarray(0, raw.length - (raw.length % 2)));
  swapped.swap16();
  return swapped.toString('utf16le');
}

/** Advance width of `text` in pixels at `fontSize`, from the font's own tables. */
export type TextMeasure = (text: string, fontSize: number, bold: boolean) => number;

const measures = new Map<string, TextMeasure | undefined>();

/**
 * A text measurer for the plot font, or undefined when its files cannot be
 * parsed. Without one, vega guesses every glyph as 0.8 em wide, which leaves
 * legends and titles badly spaced; with one, layout matches what resvg draws.
 */
export function textMeasure(font: PlotFont): TextMeasure | undefined {
  const key = font.files.join('\n');
  if (measures.has(key)) return measures.get(key);
  let regular: GlyphWidths | undefined;
  let bold: GlyphWidths | undefined;
  for (const file of font.files) {
    const widths = glyphWidths(file);
    if (!widths) continue;
    if (widths.bold) bold ??= widths;
    else regular ??= widths;
  }
  regular ??= bold;
  bold ??= regular;
  const measure: TextMeasure | undefined =
    regular && bold
      ? (text, fontSize, isBold) => (isBold ? bold! : regular!).width(text) * fontSize
      : undefined;
  measures.set(key, measure);
  return measure;
}

interface GlyphWidths {
  bold: boolean;
  /** Width of `text` in em. */
  width(text: string): number;
}

// Reads head (units per em, bold flag), hhea + hmtx (advances) and cmap
// (character → glyph; format 12 preferred, else format 4). Kerning is ignored:
// a fraction of a pixel per pair, far below what layout needs.
function glyphWidths(path: string): GlyphWidths | undefined {
  try {
    const buf = readFileSync(path);
    let base = 0;
    if (buf.toString('latin1', 0, 4) === 'ttcf') base = buf.readUInt32BE(12);
    const numTables = buf.readUInt16BE(base + 4);
    const tables = new Map<string, number>();
    for (let i = 0; i < numTables; i++) {
      const r = base + 12 + i * 16;
      tables.set(buf.toString('latin1', r, r + 4), buf.readUInt32BE(r + 8));
    }
    const head = tables.get('head');
    const hhea = tables.get('hhea');
    const hmtx = tables.get('hmtx');
    const cmap = tables.get('cmap');
    if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) return undefined;
    const unitsPerEm = buf.readUInt16BE(head + 18);
    const isBold = (buf.readUInt16BE(head + 44) & 1) === 1;
    const numberOfHMetrics = buf.readUInt16BE(hhea + 34);
    const advance = (glyph: number) => buf.readUInt16BE(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));
    const glyphOf = cmapLookup(buf, cmap);
    if (!glyphOf || unitsPerEm === 0 || numberOfHMetrics === 0) return undefined;
    const cache = new Map<number, number>();
    return {
      bold: isBold,
      width(text: string): number {
        let units = 0;
        for (const ch of text) {
          const cp = ch.codePointAt(0)!;
          let w = cache.get(cp);
          if (w === undefined) {
            w = advance(glyphOf(cp));
            cache.set(cp, w);
          }
          units += w;
        }
        return units / unitsPerEm;
      },
    };
  } catch {
    return undefined;
  }
}

function cmapLookup(buf: Buffer, cmap: number): ((cp: number) => number) | undefined {
  const count = buf.readUInt16BE(cmap + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let i = 0; i < count; i++) {
    const r = cmap + 4 + i * 8;
    const platform = buf.readUInt16BE(r);
    const encoding = buf.readUInt16BE(r + 2);
    const sub = cmap + buf.readUInt32BE(r + 4);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    const format = buf.readUInt16BE(sub);
    if (format === 12) format12 ??= sub;
    if (format === 4) format4 ??= sub;
  }
  if (format12 !== undefined) {
    const sub = format12;
    const groups = buf.readUInt32BE(sub + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = sub + 16 + mid * 12;
        const start = buf.readUInt32BE(g);
        const end = buf.readUInt32BE(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return buf.readUInt32BE(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 !== undefined) {
    const sub = format4;
    const segCount = buf.readUInt16BE(sub + 6) / 2;
    const ends = sub + 14;
    const starts = ends + 2 * segCount + 2;
    const deltas = starts + 2 * segCount;
    const rangeOffsets = deltas + 2 * segCount;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let s = 0; s < segCount; s++) {
        if (cp > buf.readUInt16BE(ends + 2 * s)) continue;
        const start = buf.readUInt16BE(starts + 2 * s);
        if (cp < start) return 0;
        const delta = buf.readUInt16BE(deltas + 2 * s);
        const ro = buf.readUInt16BE(rangeOffsets + 2 * s);
        if (ro === 0) return (cp + delta) & 0xffff;
        const at = rangeOffsets + 2 * s + ro + 2 * (cp - start);
        const glyph = buf.readUInt16BE(at);
        return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
      }
      return 0;
    };
  }
  return undefined;
}

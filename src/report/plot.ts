// Plots are vega-lite specs (plain data, easy to test and to re-render), drawn
// to SVG by vega without a browser and to PNG by resvg. vega and vega-lite
// take ~0.3 s to import, so they are loaded on first render only.
import type { TopLevelSpec } from 'vega-lite';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './files.js';
import { plotFont, textMeasure, type PlotFont } from './fonts.js';

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Lower and upper edge of a translucent band (e.g. 25 % and 75 % over seeds). */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** Draw a marker at each point (default false). */
  points?: boolean;
  /** Draw the connecting line (default true); false with points: a scatter. */
  line?: boolean;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  logY?: boolean;
  /** Plot area size in pixels (before the PNG scale). Defaults 480 × 300. */
  width?: number;
  height?: number;
  xDomain?: [number, number];
  /** Fixed y range; marks outside it are clipped. */
  yDomain?: [number, number];
  /** Legend title; none by default (the series names say enough). */
  legendTitle?: string;
}

export interface SavedPlot {
  svg: string;
  png: string;
  spec: string;
}

export interface RenderOptions {
  /** PNG pixels per SVG pixel; default 2. */
  scale?: number;
  /** Override the font (default: plotFont()). */
  font?: PlotFont;
}

interface Row {
  series: string;
  x: number;
  y?: number;
  lower?: number;
  upper?: number;
}

/**
 * A line chart with one coloured line per series, optional bands between
 * `lower` and `upper`, optional point markers, a legend and axis titles.
 */
export function lineChart(options: LineChartOptions): TopLevelSpec {
  const { series, logX = false, logY = false } = options;
  const names = series.map((s) => s.name);
  if (new Set(names).size !== names.length) throw new Error(`lineChart: series names must be distinct (${names.join(', ')})`);

  // Values a log axis or JSON cannot show are dropped here, so vega never sees them.
  const okX = (v: number) => Number.isFinite(v) && (!logX || v > 0);
  const okY = (v: number) => Number.isFinite(v) && (!logY || v > 0);

  const lineRows: Row[] = [];
  const pointRows: Row[] = [];
  const bandRows: Row[] = [];
  for (const s of series) {
    if (s.x.length !== s.y.length) throw new Error(`lineChart: series "${s.name}" has ${s.x.length} x and ${s.y.length} y values`);
    const hasBand = s.lower !== undefined && s.upper !== undefined;
    if (hasBand && (s.lower!.length !== s.x.length || s.upper!.length !== s.x.length)) {
      throw new Error(`lineChart: series "${s.name}": lower/upper must have as many values as x`);
    }
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      if (!okX(x)) continue;
      const y = s.y[i]!;
      if (okY(y)) {
        if (s.line !== false) lineRows.push({ series: s.name, x, y });
        if (s.points) pointRows.push({ series: s.name, x, y });
      }
      if (hasBand) {
        const lower = s.lower![i]!;
        const upper = s.upper![i]!;
        if (okY(lower) && okY(upper)) bandRows.push({ series: s.name, x, lower, upper });
      }
    }
  }

  const clip = options.yDomain !== undefined || options.xDomain !== undefined;
  const xScale = {
    type: logX ? 'log' : 'linear',
    ...(logX ? {} : { zero: false, nice: true }),
    ...(options.xDomain ? { domain: options.xDomain } : {}),
  };
  const yScale = {
    type: logY ? 'log' : 'linear',
    ...(logY ? {} : { zero: false }),
    ...(options.yDomain ? { domain: options.yDomain } : {}),
  };
  const width = options.width ?? 480;
  // About one tick label per 80 px so wide labels such as "45,000" never collide.
  const x = {
    field: 'x',
    type: 'quantitative',
    title: options.xLabel,
    scale: xScale,
    axis: { labelOverlap: true, ...(logX ? {} : { tickCount: Math.max(2, Math.round(width / 80)) }) },
  };
  // One colour per series in the given order, from a fixed palette so that
  // bands can be given their series' colour directly: a band layer encoding
  // the series would merge into the legend and turn its symbols into pale patches.
  const colorOf = (i: number) => PALETTE[i % PALETTE.length]!;
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: names, range: names.map((_, i) => colorOf(i)) },
    legend: {
      title: options.legendTitle ?? null,
      orient: 'right',
      // Line symbols when every series is a line; otherwise vega's dots, which
      // also stand for point-only series.
      ...(series.every((s) => s.line !== false) ? { symbolType: 'stroke' } : {}),
      symbolStrokeWidth: 3,
      symbolOpacity: 1,
    },
  };

  const layers: object[] = [];
  series.forEach((s, i) => {
    const rows = bandRows.filter((r) => r.series === s.name);
    if (rows.length === 0) return;
    layers.push({
      data: { values: rows },
      mark: { type: 'area', opacity: 0.2, color: colorOf(i), clip },
      encoding: {
        x,
        y: { field: 'lower', type: 'quantitative', title: options.yLabel, scale: yScale },
        y2: { field: 'upper' },
      },
    });
  });
  if (lineRows.length > 0) {
    layers.push({
      data: { values: lineRows },
      mark: { type: 'line', strokeWidth: 2, clip },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', title: options.yLabel, scale: yScale },
        color,
      },
    });
  }
  if (pointRows.length > 0) {
    layers.push({
      data: { values: pointRows },
      mark: { type: 'point', filled: true, size: 36, opacity: 0.85, clip },
      encoding: {
        x,
        y: { field: 'y', type: 'quantitative', title: options.yLabel, scale: yScale },
        color,
      },
    });
  }
  if (layers.length === 0) {
    // Nothing plottable (e.g. all NaN): still give a frame with the titles.
    layers.push({
      data: { values: [] },
      mark: 'line',
      encoding: { x, y: { field: 'y', type: 'quantitative', title: options.yLabel, scale: yScale } },
    });
  }

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title,
    width,
    height: options.height ?? 300,
    layer: layers,
    config: plotConfig(),
  } as TopLevelSpec;
}

// Tableau 10, vega's default categorical scheme.
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

// Slightly larger text than vega-lite's defaults so the PNG reads well at 2×.
function plotConfig(): Record<string, unknown> {
  return {
    background: 'white',
    title: { fontSize: 15, subtitleFontSize: 12, anchor: 'middle', offset: 8 },
    axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8, grid: true, gridOpacity: 0.5 },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
    view: { stroke: '#888' },
  };
}

/**
 * Render a vega-lite spec to an SVG string, with every text element in the
 * font that PNG rendering will load (`font` defaults to plotFont()).
 */
export async function renderSvg(spec: TopLevelSpec, font: PlotFont = plotFont()): Promise<string> {
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const config = { ...((spec as { config?: Record<string, unknown> }).config ?? {}), font: font.family };
  const compiled = vl.compile({ ...spec, config } as TopLevelSpec).spec;
  useFontMetrics(vega, font);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}
interface VegaTextMetrics {
  width: (item: TextItem, text: unknown) => number;
  estimateWidth: (item: TextItem, text: unknown) => number;
}

// vega sizes legends, titles and label overlap from text widths; without a
// canvas it guesses 0.8 em per character. Hand it the real advances of the
// font resvg will draw with (vega allows a user-defined width function).
function useFontMetrics(vega: object, font: PlotFont): void {
  const metrics = (vega as { textMetrics?: VegaTextMetrics }).textMetrics;
  if (!metrics) return;
  const measure = textMeasure(font);
  if (!measure) {
    metrics.width = metrics.estimateWidth;
    return;
  }
  metrics.width = (item, text) => {
    const value = text == null ? '' : String(text).trim();
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const weight = item.fontWeight;
    const bold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || Number(weight) >= 600;
    const width = measure(value, size, bold);
    // Text longer than its limit is drawn truncated to fit the limit.
    return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

/**
 * Rasterise an SVG with resvg. Only the chosen font files are loaded (no
 * system scan: faster and the same on every machine), and that family is also
 * the fallback for any other font-family name in the SVG.
 */
export async function svgToPng(svg: string, options: RenderOptions = {}): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  const font = options.font ?? plotFont();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      fontFiles: font.files,
      loadSystemFonts: font.files.length === 0,
      ...(font.files.length > 0 ? { defaultFontFamily: font.family, sansSerifFamily: font.family } : {}),
    },
    logLevel: 'error',
  });
  return new Uint8Array(resvg.render().asPng());
}

let warnedNoFont = false;

/**
 * Write `dir/name.svg`, `dir/name.png` and the spec itself (`dir/name.vl.json`,
 * to re-render or restyle later), each atomically; return the three paths.
 */
export async function savePlot(spec: TopLevelSpec, dir: string, name: string, options: RenderOptions = {}): Promise<SavedPlot> {
  const font = options.font ?? plotFont();
  if (font.files.length === 0 && !warnedNoFont) {
    warnedNoFont = true;
    process.emitWarning(
      'relax-pg: no TrueType font found for plots; PNG text may be missing. Install fonts-dejavu-core or set RELAX_PG_FONT=/path/to/font.ttf',
    );
  }
  const svg = await renderSvg(spec, font);
  const png = await svgToPng(svg, { ...options, font });
  const paths: SavedPlot = {
    svg: join(dir, `${name}.svg`),
    png: join(dir, `${name}.png`),
    spec: join(dir, `${name}.vl.json`),
  };
  writeFileAtomic(paths.svg, svg);
  writeFileAtomic(paths.png, png);
  writeJsonAtomic(paths.spec, spec);
  return paths;
}

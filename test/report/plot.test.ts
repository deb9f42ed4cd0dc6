import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { lineChart, savePlot, svgToPng } from '../../src/report/plot.js';
import { fontFamily, plotFont, resolvePlotFont, textMeasure } from '../../src/report/fonts.js';
import { tempDir } from '../helpers.js';

const tmp = () => tempDir('relax-pg-plot-');

function decode(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

// Count pixels that are clearly dark (text and axes are near-black; lines are coloured).
function darkPixels(png: PNG, rows?: [number, number]): number {
  const [y0, y1] = rows ?? [0, png.height];
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < png.width; x++) {
      const p = (y * png.width + x) * 4;
      if (png.data[p]! < 100 && png.data[p + 1]! < 100 && png.data[p + 2]! < 100 && png.data[p + 3]! > 200) n++;
    }
  }
  return n;
}

const steps = [100, 200, 300, 400, 500];

describe('lineChart', () => {
  it('builds one line per series, a band where lower/upper are given, and points on request', () => {
    const spec = lineChart({
      title: 'T',
      xLabel: 'x',
      yLabel: 'y',
      logY: true,
      series: [
        { name: 'a', x: steps, y: [5, 4, 3, 2, 1], lower: [4, 3, 2, 1, 0.5], upper: [6, 5, 4, 3, 2] },
        { name: 'b', x: steps, y: [1, 2, Number.NaN, 0, 5], points: true },
      ],
    }) as unknown as { layer: { mark: { type: string }; data: { values: Record<string, unknown>[] }; encoding: Record<string, any> }[] };
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['area', 'line', 'point']);
    const line = spec.layer[1]!;
    expect(line.encoding['y'].scale.type).toBe('log');
    expect(line.encoding['color'].scale.domain).toEqual(['a', 'b']);
    // NaN and (on a log axis) non-positive values are dropped, not passed to vega.
    expect(line.data.values.filter((r) => r['series'] === 'b').map((r) => r['y'])).toEqual([1, 2, 5]);
    expect(spec.layer[0]!.data.values).toHaveLength(5);
  });

  it('rejects mismatched lengths and duplicate names', () => {
    expect(() => lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [1, 2], y: [1] }] })).toThrow(/2 x and 1 y/);
    expect(() =>
      lineChart({
        title: 't',
        xLabel: 'x',
        yLabel: 'y',
        series: [
          { name: 'a', x: [1], y: [1] },
          { name: 'a', x: [1], y: [1] },
        ],
      }),
    ).toThrow(/distinct/);
  });
});

describe('fonts', () => {
  it('finds a TrueType font that resvg can load', () => {
    const font = plotFont();
    expect(font.files.length).toBeGreaterThan(0);
    expect(fontFamily(font.files[0]!)).toBe(font.family);
  });

  it.skipIf(!existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'))('reads the family name from the file', () => {
    expect(fontFamily('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')).toBe('DejaVu Sans');
    expect(fontFamily('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf')).toBe('DejaVu Sans');
    expect(fontFamily(join(tmpdir(), 'not-a-font.ttf'))).toBeUndefined();
  });

  it('measures text from the font tables (vega lays out with these widths)', () => {
    const measure = textMeasure(plotFont())!;
    expect(measure).toBeDefined();
    expect(measure('MMMM', 10, false)).toBeGreaterThan(2 * measure('iiii', 10, false));
    expect(measure('abc', 20, false)).toBeCloseTo(2 * measure('abc', 10, false), 9);
    const hello = measure('Hello', 10, false);
    expect(hello).toBeGreaterThan(20);
    expect(hello).toBeLessThan(40);
    expect(measure('', 10, false)).toBe(0);
  });

  it('RELAX_PG_FONT selects an explicit file', () => {
    const file = plotFont().files[0]!;
    const font = resolvePlotFont({ RELAX_PG_FONT: file });
    expect(font).toMatchObject({ source: 'env', files: [file], family: plotFont().family });
  });

  it('text is actually drawn in the PNG (resvg draws none when the font is missing)', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/><text x="10" y="28" font-family="${plotFont().family}" font-size="20" fill="black">Hello 123</text></svg>`;
    const png = decode(await svgToPng(svg, { scale: 1 }));
    expect(png.width).toBe(200);
    expect(darkPixels(png)).toBeGreaterThan(100);
    // A family that does not exist still falls back to the loaded font.
    const other = decode(await svgToPng(svg.replace(/font-family="[^"]*"/, 'font-family="No Such Font"'), { scale: 1 }));
    expect(darkPixels(other)).toBeGreaterThan(100);
  });
});

describe('savePlot', () => {
  it('writes an SVG with the title and axis titles and a matching, non-blank PNG', async () => {
    const dir = tmp();
    const spec = lineChart({
      title: 'Variance of the gradient',
      xLabel: 'training step',
      yLabel: 'log variance',
      width: 300,
      height: 200,
      series: [
        { name: 'REINFORCE', x: steps, y: [5, 4, 3, 2, 1], lower: [4, 3, 2, 1, 0.5], upper: [6, 5, 4, 3, 2] },
        { name: 'RELAX', x: steps, y: [1, 0.8, 0.6, 0.5, 0.4], points: true },
      ],
    });
    const paths = await savePlot(spec, join(dir, 'plots'), 'variance', { scale: 2 });
    expect(paths.svg).toBe(join(dir, 'plots', 'variance.svg'));
    expect(readdirSync(join(dir, 'plots')).sort()).toEqual(['variance.png', 'variance.svg', 'variance.vl.json']);

    const svg = readFileSync(paths.svg, 'utf8');
    for (const text of ['Variance of the gradient', 'training step', 'log variance', 'REINFORCE', 'RELAX']) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect(svg).toContain(`font-family="${plotFont().family}"`);

    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    expect(m).not.toBeNull();
    const png = decode(readFileSync(paths.png));
    expect(png.width).toBe(Math.round(2 * Number(m![1])));
    expect(png.height).toBe(Math.round(2 * Number(m![2])));

    // Not blank: many distinct colours (lines, band, text) and a white background.
    const colours = new Set<number>();
    for (let p = 0; p < png.data.length; p += 4) colours.add(png.data.readUInt32BE(p));
    expect(colours.size).toBeGreaterThan(50);
    expect(png.data.readUInt32BE(0)).toBe(0xffffffff);
    // The title band at the top holds dark text pixels.
    expect(darkPixels(png, [0, 40])).toBeGreaterThan(200);
  });
});

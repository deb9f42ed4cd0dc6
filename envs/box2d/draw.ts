// LunarLander's 600×400 picture, laid out like Gymnasium's: black sky above the terrain
// (the moon is the white background), purple lander and legs with a dark outline, the
// helipad's two white poles with yellow flags, and fading exhaust particles.
import type { RgbFrame } from '../core/env.js';
import { Canvas, type Color, type Point } from '../render/canvas.js';

/** What a LunarLander frame shows, in pixels with y up (0 at the bottom). */
export interface LanderScene {
  width: number;
  height: number;
  /** Terrain chunk points, left to right. */
  terrain: [number, number][];
  /** [x1, x2, y] of the helipad. */
  helipad: [number, number, number];
  lander: [number, number][];
  legs: [number, number][][];
  /** Exhaust particles; `ttl` in (0, 1] sets the colour (hot white-red to dull grey). */
  particles: { x: number; y: number; ttl: number }[];
}

const SKY: Color = [0, 0, 0];
const MOON: Color = [255, 255, 255];
const BODY_FILL: Color = [128, 102, 230];
const BODY_EDGE: Color = [77, 77, 128];
const FLAG: Color = [204, 204, 0];
const POLE: Color = [255, 255, 255];

export function renderLunarLanderFrame(scene: LanderScene): RgbFrame {
  const c = new Canvas(scene.width, scene.height, MOON);
  const top = scene.height;
  // The sky: one quad per terrain chunk, from the ground line up to the top edge.
  for (let i = 0; i + 1 < scene.terrain.length; i++) {
    const [x1, y1] = scene.terrain[i]!;
    const [x2, y2] = scene.terrain[i + 1]!;
    c.fillPolygon([[x1, y1], [x2, y2], [x2, top], [x1, top]], SKY);
  }
  for (const p of scene.particles) {
    const t = p.ttl;
    const color: Color = [
      Math.trunc(Math.max(0.2, 0.15 + t) * 255),
      Math.trunc(Math.max(0.2, 0.5 * t) * 255),
      Math.trunc(Math.max(0.2, 0.5 * t) * 255),
    ];
    c.fillCircle(p.x, p.y, 2, color);
  }
  for (const poly of [scene.lander, ...scene.legs]) {
    if (poly.length < 3) continue;
    c.fillPolygon(poly as Point[], BODY_FILL);
    c.polyline(poly as Point[], BODY_EDGE, 1, true);
  }
  const [hx1, hx2, hy] = scene.helipad;
  for (const x of [hx1, hx2]) {
    const flagTop = hy + 50;
    c.line(x, hy, x, flagTop, POLE, 1);
    c.fillPolygon([[x, flagTop], [x, flagTop - 10], [x + 25, flagTop - 5]], FLAG);
  }
  c.flipY();
  return c.toFrame();
}

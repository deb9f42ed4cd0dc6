// Pictures of the classic-control envs, laid out like Gymnasium's pygame renderers
// (same sizes, scales, colours and shapes), drawn with our own rasteriser.
import type { RgbFrame } from '../core/env.js';
import { Canvas, rotate, type Color, type Point } from './canvas.js';

const BLACK: Color = [0, 0, 0];

/** 600×400: black cart on a track at height 100, tan pole, blue-grey axle. */
export function renderCartPole(x: number, theta: number, xThreshold = 2.4, halfLength = 0.5): RgbFrame {
  const W = 600;
  const H = 400;
  const c = new Canvas(W, H);
  const scale = W / (xThreshold * 2);
  const poleWidth = 10.0;
  const poleLen = scale * (2 * halfLength);
  const cartWidth = 50.0;
  const cartHeight = 30.0;
  const axleOffset = cartHeight / 4.0;
  const cartX = x * scale + W / 2.0; // middle of the cart
  const cartY = 100; // top of the track

  const [l, r, t, b] = [-cartWidth / 2, cartWidth / 2, cartHeight / 2, -cartHeight / 2];
  c.fillPolygon(
    ([[l, b], [l, t], [r, t], [r, b]] as Point[]).map(([px, py]) => [px + cartX, py + cartY] as Point),
    BLACK,
  );
  const pl = -poleWidth / 2;
  const pr = poleWidth / 2;
  const pt = poleLen - poleWidth / 2;
  const pb = -poleWidth / 2;
  const pole = ([[pl, pb], [pl, pt], [pr, pt], [pr, pb]] as Point[]).map((p) => {
    const [qx, qy] = rotate(p, -theta); // positive θ leans the pole to the right
    return [qx + cartX, qy + cartY + axleOffset] as Point;
  });
  c.fillPolygon(pole, [202, 152, 101]);
  c.fillCircle(Math.trunc(cartX), Math.trunc(cartY + axleOffset), Math.trunc(poleWidth / 2), [129, 132, 203]);
  c.hline(0, W, cartY, BLACK);
  c.flipY();
  return c.toFrame();
}

/** 500×500: two cyan links, yellow joints, the goal height as a black line. */
export function renderAcrobot(theta1: number, theta2: number, link1 = 1.0, link2 = 1.0): RgbFrame {
  const D = 500;
  const c = new Canvas(D, D);
  const bound = link1 + link2 + 0.2;
  const scale = D / (bound * 2);
  const offset = D / 2;
  // Gymnasium computes points as (−L cos θ, L sin θ) and then swaps the two coordinates.
  const p1: Point = [link1 * Math.sin(theta1) * scale, -link1 * Math.cos(theta1) * scale];
  const p2: Point = [
    p1[0] + link2 * Math.sin(theta1 + theta2) * scale,
    p1[1] - link2 * Math.cos(theta1 + theta2) * scale,
  ];
  const joints: Point[] = [[0, 0], p1, p2];
  const angles = [theta1 - Math.PI / 2, theta1 + theta2 - Math.PI / 2];
  const lengths = [link1 * scale, link2 * scale];

  c.line(-2.2 * scale + offset, 1 * scale + offset, 2.2 * scale + offset, 1 * scale + offset, BLACK);
  for (let i = 0; i < 2; i++) {
    const x = joints[i]![0] + offset;
    const y = joints[i]![1] + offset;
    const [l, r, t, b] = [0, lengths[i]!, 0.1 * scale, -0.1 * scale];
    const rect = ([[l, b], [l, t], [r, t], [r, b]] as Point[]).map((p) => {
      const [qx, qy] = rotate(p, angles[i]!);
      return [qx + x, qy + y] as Point;
    });
    c.fillPolygon(rect, [0, 204, 204]);
    c.fillCircle(Math.trunc(x), Math.trunc(y), Math.trunc(0.1 * scale), [204, 204, 0]);
  }
  c.flipY();
  return c.toFrame();
}

function hillHeight(x: number): number {
  return Math.sin(3 * x) * 0.45 + 0.55;
}

/** 600×400: the valley curve, a black car with grey wheels, a yellow flag at the goal. */
export function renderMountainCar(pos: number, minPosition = -1.2, maxPosition = 0.6, goalPosition = 0.5): RgbFrame {
  const W = 600;
  const H = 400;
  const c = new Canvas(W, H);
  const scale = W / (maxPosition - minPosition);
  const carWidth = 40;
  const carHeight = 20;

  const curve: Point[] = [];
  for (let i = 0; i < 100; i++) {
    const xs = minPosition + ((maxPosition - minPosition) * i) / 99;
    curve.push([(xs - minPosition) * scale, hillHeight(xs) * scale]);
  }
  c.polyline(curve, BLACK);

  const clearance = 10;
  const slope = Math.cos(3 * pos); // the car tilts with the hill
  const baseX = (pos - minPosition) * scale;
  const baseY = clearance + hillHeight(pos) * scale;
  const [l, r, t, b] = [-carWidth / 2, carWidth / 2, carHeight, 0];
  const body = ([[l, b], [l, t], [r, t], [r, b]] as Point[]).map((p) => {
    const [qx, qy] = rotate(p, slope);
    return [qx + baseX, qy + baseY] as Point;
  });
  c.fillPolygon(body, BLACK);
  for (const w of [[carWidth / 4, 0], [-carWidth / 4, 0]] as Point[]) {
    const [qx, qy] = rotate(w, slope);
    c.fillCircle(Math.trunc(qx + baseX), Math.trunc(qy + baseY), Math.trunc(carHeight / 2.5), [128, 128, 128]);
  }

  const flagX = Math.trunc((goalPosition - minPosition) * scale);
  const flagY1 = Math.trunc(hillHeight(goalPosition) * scale);
  const flagY2 = flagY1 + 50;
  c.vline(flagX, flagY1, flagY2, BLACK);
  c.fillPolygon(
    [
      [flagX, flagY2],
      [flagX, flagY2 - 10],
      [flagX + 25, flagY2 - 5],
    ],
    [204, 204, 0],
  );
  c.flipY();
  return c.toFrame();
}

/**
 * 500×500: a red rod from the centre, round ends, a black axle, and (after a step) a curved
 * arrow sized by |torque| showing its direction (counter-clockwise for positive torque).
 * Gymnasium draws that arrow from a bundled PNG; here it is drawn as an arc with a head.
 */
export function renderPendulum(theta: number, lastU: number | null): RgbFrame {
  const D = 500;
  const c = new Canvas(D, D);
  const bound = 2.2;
  const scale = D / (bound * 2);
  const offset = Math.floor(D / 2);
  const rodLength = 1 * scale;
  const rodWidth = 0.2 * scale;
  const red: Color = [204, 77, 77];
  const angle = theta + Math.PI / 2; // θ = 0 points straight up
  const [l, r, t, b] = [0, rodLength, rodWidth / 2, -rodWidth / 2];
  const rod = ([[l, b], [l, t], [r, t], [r, b]] as Point[]).map((p) => {
    const [qx, qy] = rotate(p, angle);
    return [qx + offset, qy + offset] as Point;
  });
  c.fillPolygon(rod, red);
  c.fillCircle(offset, offset, Math.trunc(rodWidth / 2), red);
  const [ex, ey] = rotate([rodLength, 0], angle);
  c.fillCircle(Math.trunc(ex + offset), Math.trunc(ey + offset), Math.trunc(rodWidth / 2), red);

  if (lastU !== null && lastU !== 0 && Number.isFinite(lastU)) {
    drawTorqueArrow(c, offset, offset, (scale * Math.abs(lastU)) / 4, lastU > 0 ? 1 : -1);
  }
  c.fillCircle(offset, offset, Math.trunc(0.05 * scale), BLACK);
  c.flipY();
  return c.toFrame();
}

/** A 3/4-turn arc of radius `radius` around (cx, cy) ending in an arrow head; dir +1 = counter-clockwise (y-up). */
function drawTorqueArrow(c: Canvas, cx: number, cy: number, radius: number, dir: 1 | -1): void {
  const color: Color = [40, 40, 40];
  const width = Math.max(2, radius / 6);
  const start = -Math.PI / 2 - (dir * 3 * Math.PI) / 4;
  const sweep = (dir * 3 * Math.PI) / 2;
  // The arc as one ring-sector polygon (separate thick segments would leave seams at the joints).
  const n = 48;
  const outer: Point[] = [];
  const inner: Point[] = [];
  for (let i = 0; i <= n; i++) {
    const a = start + (sweep * i) / n;
    outer.push([cx + (radius + width / 2) * Math.cos(a), cy + (radius + width / 2) * Math.sin(a)]);
    inner.push([cx + (radius - width / 2) * Math.cos(a), cy + (radius - width / 2) * Math.sin(a)]);
  }
  c.fillPolygon([...outer, ...inner.reverse()], color);
  const end = start + sweep;
  const tip: Point = [cx + radius * Math.cos(end), cy + radius * Math.sin(end)];
  // Tangent direction of travel at the end of the arc.
  const tx = -Math.sin(end) * dir;
  const ty = Math.cos(end) * dir;
  const head = Math.max(6, radius / 2.5);
  const nx = -ty;
  const ny = tx;
  c.fillPolygon(
    [
      [tip[0] + tx * head, tip[1] + ty * head],
      [tip[0] + nx * head * 0.6, tip[1] + ny * head * 0.6],
      [tip[0] - nx * head * 0.6, tip[1] - ny * head * 0.6],
    ],
    color,
  );
}

/**
 * LunarLander-v3 and LunarLanderContinuous-v3 on planck (a JavaScript port of
 * Box2D), with Gymnasium 1.x's constants, terrain, lander, engines, wind,
 * shaping reward and termination rules.
 *
 * Where this differs from Gymnasium's Box2D version:
 *
 * - Arithmetic. pybox2d runs Box2D 2.3 in float32; planck runs in float64, and
 *   its solver is a port, not the same binary. Expect the same kind of episode
 *   (same forces, masses, limits, iterations: 180 velocity and 60 position per
 *   1/50 s step), not the same numbers: small differences grow at contacts and
 *   decide the sleeping step. Not compared against Box2D here (no pybox2d on
 *   the build machine); compare returns and behaviour, not replays.
 * - Random numbers. The env's generator is `src/random`'s alea stream, not
 *   NumPy's PCG64, so a seed gives a different terrain, push and dispersion
 *   than the same seed in Gymnasium. The order and count of draws is the same:
 *   12 terrain heights, 2 initial-force components, 2 wind/turbulence offsets
 *   (only when wind is enabled), then 2 dispersion draws on every step
 *   (including the step that `reset` takes).
 * - Particles. Gymnasium creates particle bodies only when rendering, and they
 *   collide only with the ground, so they never touch the lander. Here they
 *   are not physics bodies at all: they are drawn-only points that fly
 *   ballistically, fade, and vanish at the ground (no bounce), created only when
 *   `renderMode` is rgb_array. The lander's dynamics are the same with or
 *   without rendering.
 * - Sleeping. "At rest" is planck's island sleep (same tolerances as Box2D
 *   2.3: 0.01 m/s, 2°/s, 0.5 s), so the +100 landing bonus arrives at a
 *   similar, not identical, step.
 * - Actions. An invalid discrete action or a non-finite continuous action
 *   throws `UserError` (Gymnasium asserts, or silently fires nothing for NaN).
 * - Observation: float32 as in Gymnasium; the shaping reward and the
 *   out-of-bounds test use the float64 values, as Gymnasium does.
 */
import { World, Vec2, Edge, Polygon, Box as BoxShape, RevoluteJoint } from 'planck';
import type { Body, Contact } from 'planck';
import { Env, type Info, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { UserError } from '../../src/errors.js';
import { renderLunarLanderFrame, type LanderScene } from './draw.js';

// Gymnasium's constants (pixels unless divided by SCALE).
const FPS = 50;
const SCALE = 30;
const MAIN_ENGINE_POWER = 13;
const SIDE_ENGINE_POWER = 0.6;
const INITIAL_RANDOM = 1000;
const LANDER_POLY: ReadonlyArray<readonly [number, number]> = [
  [-14, 17], [-17, 0], [-17, -10], [17, -10], [17, 0], [14, 17],
];
const LEG_AWAY = 20;
const LEG_DOWN = 18;
const LEG_W = 2;
const LEG_H = 8;
const LEG_SPRING_TORQUE = 40;
const SIDE_ENGINE_HEIGHT = 14;
const SIDE_ENGINE_AWAY = 12;
const MAIN_ENGINE_Y_LOCATION = 4;
export const VIEWPORT_W = 600;
export const VIEWPORT_H = 400;
const W = VIEWPORT_W / SCALE;
const H = VIEWPORT_H / SCALE;
const CHUNKS = 11;

// Outlines in body coordinates (world units), for drawing.
const LANDER_LOCAL = LANDER_POLY.map(([x, y]) => [x / SCALE, y / SCALE] as const);
const LEG_LOCAL = [
  [-LEG_W / SCALE, -LEG_H / SCALE],
  [LEG_W / SCALE, -LEG_H / SCALE],
  [LEG_W / SCALE, LEG_H / SCALE],
  [-LEG_W / SCALE, LEG_H / SCALE],
] as const;

const GROUND = 0x0001;
const LANDER_CATEGORY = 0x0010;
const LEG_CATEGORY = 0x0020;

export interface LunarLanderOptions {
  /** Box(-1, 1, [2]) throttle actions instead of Discrete(4). */
  continuous?: boolean;
  /** Gravity along y, strictly between −12 and 0 (default −10). */
  gravity?: number;
  enableWind?: boolean;
  /** Peak horizontal wind force (default 15; recommended 0–20). */
  windPower?: number;
  /** Peak wind torque (default 1.5; recommended 0–2). */
  turbulencePower?: number;
  renderMode?: 'ansi' | 'rgb_array';
}

const KNOWN_OPTIONS = ['continuous', 'gravity', 'enableWind', 'windPower', 'turbulencePower', 'renderMode'];

/** Accept Gymnasium's snake_case names as well as camelCase; reject unknown keys with one line. */
function readLanderOptions(raw: Record<string, unknown>): LunarLanderOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue;
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!KNOWN_OPTIONS.includes(camel)) {
      throw new UserError(`LunarLander: unknown option '${key}' (known: ${KNOWN_OPTIONS.join(', ')})`);
    }
    out[camel] = value;
  }
  for (const key of ['gravity', 'windPower', 'turbulencePower']) {
    if (key in out && !(typeof out[key] === 'number' && Number.isFinite(out[key]))) {
      throw new UserError(`LunarLander: ${key} must be a finite number (got ${String(out[key])})`);
    }
  }
  for (const key of ['continuous', 'enableWind']) {
    if (key in out && typeof out[key] !== 'boolean') throw new UserError(`LunarLander: ${key} must be true or false`);
  }
  return out as LunarLanderOptions;
}

/** A read-only snapshot of the lander's physical state (world units: metres, radians, seconds). */
export interface LanderState {
  x: number;
  y: number;
  vx: number;
  vy: number;
  angle: number;
  angularVelocity: number;
  awake: boolean;
  /** [legs[0], legs[1]] ground contact, as in the observation (legs[0] is on the +x side). */
  legContact: [boolean, boolean];
}

interface Particle {
  x: number;
  y: number;
  vx: number;
  vy: number;
  ttl: number;
}

/** tanh(sin(2k t) + sin(πk t)) with k = 0.01: Gymnasium's non-periodic wind profile. */
function windProfile(t: number): number {
  return Math.tanh(Math.sin(0.02 * t) + Math.sin(Math.PI * 0.01 * t));
}

abstract class LunarLanderBase<A> extends Env<Float32Array, A> {
  readonly observationSpace: Box;
  readonly continuous: boolean;
  readonly gravity: number;
  readonly enableWind: boolean;
  readonly windPower: number;
  readonly turbulencePower: number;
  override metadata = { renderModes: ['ansi', 'rgb_array'] as ('ansi' | 'rgb_array')[], renderFps: FPS };

  private world: World | null = null;
  private lander: Body | null = null;
  private legs: Body[] = [];
  private legContactFlags: [boolean, boolean] = [false, false];
  private gameOver = false;
  private prevShaping: number | null = null;
  private windIdx = 0;
  private torqueIdx = 0;
  private helipadX1 = 0;
  private helipadX2 = 0;
  private helipadY = 0;
  private terrainX: number[] = [];
  private terrainY: number[] = [];
  private particles: Particle[] = [];
  private lastObs: Float32Array = new Float32Array(8);

  constructor(continuous: boolean, rawOptions: LunarLanderOptions | Record<string, unknown> = {}) {
    super();
    const options = readLanderOptions(rawOptions as Record<string, unknown>);
    if (options.continuous !== undefined && options.continuous !== continuous) {
      throw new UserError(
        `LunarLander: continuous: ${options.continuous} does not match this class; use makeLunarLander or ` +
          (continuous ? 'LunarLander' : 'LunarLanderContinuous'),
      );
    }
    const gravity = options.gravity ?? -10;
    if (!(gravity > -12 && gravity < 0)) {
      throw new UserError(`LunarLander: gravity must be strictly between -12 and 0 (got ${gravity})`);
    }
    const windPower = options.windPower ?? 15;
    const turbulencePower = options.turbulencePower ?? 1.5;
    if (!(windPower >= 0 && windPower <= 20)) {
      process.emitWarning(`LunarLander: windPower is recommended to be within [0, 20] (got ${windPower})`);
    }
    if (!(turbulencePower >= 0 && turbulencePower <= 2)) {
      process.emitWarning(`LunarLander: turbulencePower is recommended to be within [0, 2] (got ${turbulencePower})`);
    }
    if (options.renderMode !== undefined && options.renderMode !== 'ansi' && options.renderMode !== 'rgb_array') {
      throw new UserError(`LunarLander: renderMode must be 'ansi' or 'rgb_array' (got ${String(options.renderMode)})`);
    }
    this.continuous = continuous;
    this.gravity = gravity;
    this.enableWind = options.enableWind ?? false;
    this.windPower = windPower;
    this.turbulencePower = turbulencePower;
    this.renderMode = options.renderMode;
    // v3 bounds: positions ±2.5, velocities ±10, angle ±2π, legs in {0, 1}.
    const tau = 2 * Math.PI;
    this.observationSpace = new Box(
      new Float32Array([-2.5, -2.5, -10, -10, -tau, -10, -0, -0]),
      new Float32Array([2.5, 2.5, 10, 10, tau, 10, 1, 1]),
      [8],
      'float32',
    );
  }

  /**
   * Main-engine power (0 or 0.5..1), side-engine power (0 or 0.5..1) and side
   * direction (−1 left engine, +1 right engine) of an action; throws on invalid input.
   */
  protected abstract decodeAction(action: A): [mPower: number, sPower: number, direction: number];

  /** The action that fires nothing (what `reset` steps with). */
  protected abstract noopAction(): A;

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    const rng = this.npRandom;
    // A fresh world every episode (Gymnasium v3 does the same, for determinism).
    const world = new World({ gravity: new Vec2(0, this.gravity) });
    this.world = world;
    this.gameOver = false;
    this.prevShaping = null;
    this.legContactFlags = [false, false];
    this.particles = [];

    // Terrain: 11 chunk edges over 12 random heights, the middle five flattened for the helipad.
    const height: number[] = [];
    for (let i = 0; i <= CHUNKS; i++) height.push(rng.uniform(0, H / 2));
    const chunkX: number[] = [];
    for (let i = 0; i < CHUNKS; i++) chunkX.push((W / (CHUNKS - 1)) * i);
    const mid = Math.floor(CHUNKS / 2);
    this.helipadX1 = chunkX[mid - 1]!;
    this.helipadX2 = chunkX[mid + 1]!;
    this.helipadY = H / 4;
    for (let k = mid - 2; k <= mid + 2; k++) height[k] = this.helipadY;
    // Gymnasium smooths with 0.33 (not 1/3) and its i − 1 = −1 wraps to the last height.
    const smoothY: number[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const prev = height[(i - 1 + height.length) % height.length]!;
      smoothY.push(0.33 * (prev + height[i]! + height[i + 1]!));
    }
    this.terrainX = chunkX;
    this.terrainY = smoothY;

    const moon = world.createBody({ type: 'static' });
    // The floor under everything; Box2D's default fixture friction is 0.2.
    moon.createFixture({ shape: new Edge(new Vec2(0, 0), new Vec2(W, 0)), density: 0, friction: 0.2 });
    for (let i = 0; i < CHUNKS - 1; i++) {
      moon.createFixture({
        shape: new Edge(new Vec2(chunkX[i]!, smoothY[i]!), new Vec2(chunkX[i + 1]!, smoothY[i + 1]!)),
        density: 0,
        friction: 0.1,
      });
    }

    const initialX = W / 2;
    const initialY = H;
    const lander = world.createBody({ type: 'dynamic', position: new Vec2(initialX, initialY), angle: 0 });
    lander.createFixture({
      shape: new Polygon(LANDER_LOCAL.map(([x, y]) => new Vec2(x, y))),
      density: 5,
      friction: 0.1,
      restitution: 0,
      filterCategoryBits: LANDER_CATEGORY,
      filterMaskBits: GROUND,
    });
    this.lander = lander;
    // A random push, held for the first physics step (forces are cleared after each step).
    const fx = rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
    const fy = rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
    lander.applyForceToCenter(new Vec2(fx, fy), true);

    if (this.enableWind) {
      // NumPy's integers(-9999, 9999): the upper end is exclusive.
      this.windIdx = -9999 + rng.integer(19998);
      this.torqueIdx = -9999 + rng.integer(19998);
    }

    this.legs = [];
    for (const i of [-1, 1]) {
      const leg = world.createBody({
        type: 'dynamic',
        position: new Vec2(initialX - (i * LEG_AWAY) / SCALE, initialY),
        angle: i * 0.05,
      });
      leg.createFixture({
        shape: new BoxShape(LEG_W / SCALE, LEG_H / SCALE),
        density: 1,
        friction: 0.2,
        restitution: 0,
        filterCategoryBits: LEG_CATEGORY,
        filterMaskBits: GROUND,
      });
      world.createJoint(
        new RevoluteJoint({
          bodyA: lander,
          bodyB: leg,
          localAnchorA: new Vec2(0, 0),
          localAnchorB: new Vec2((i * LEG_AWAY) / SCALE, LEG_DOWN / SCALE),
          // Box2D's joint definition defaults to 0; planck would infer the legs' initial tilt.
          referenceAngle: 0,
          enableMotor: true,
          enableLimit: true,
          maxMotorTorque: LEG_SPRING_TORQUE,
          motorSpeed: 0.3 * i, // slow, so the springy legs don't bounce the lander up
          lowerAngle: i === -1 ? 0.4 : -0.9,
          upperAngle: i === -1 ? 0.9 : -0.4,
        }),
      );
      this.legs.push(leg);
    }

    // The contact rules of Gymnasium's listener: any lander-body touch ends the game;
    // each leg's flag follows its latest begin/end event.
    world.on('begin-contact', (contact: Contact) => {
      const a = contact.getFixtureA().getBody();
      const b = contact.getFixtureB().getBody();
      if (a === this.lander || b === this.lander) this.gameOver = true;
      for (let k = 0; k < 2; k++) if (a === this.legs[k] || b === this.legs[k]) this.legContactFlags[k] = true;
    });
    world.on('end-contact', (contact: Contact) => {
      const a = contact.getFixtureA().getBody();
      const b = contact.getFixtureB().getBody();
      for (let k = 0; k < 2; k++) if (a === this.legs[k] || b === this.legs[k]) this.legContactFlags[k] = false;
    });

    // Like Gymnasium, reset takes one no-op step: it applies the push and sets the first shaping value.
    const [obs] = this.step(this.noopAction());
    return [obs, {}];
  }

  step(action: A): StepResult<Float32Array> {
    const lander = this.lander;
    const world = this.world;
    if (lander === null || world === null) {
      throw new UserError('LunarLander: call reset() before step()');
    }
    const [mPower, sPower, direction] = this.decodeAction(action);

    if (this.enableWind && !(this.legContactFlags[0] || this.legContactFlags[1])) {
      const windMag = windProfile(this.windIdx) * this.windPower;
      this.windIdx += 1;
      lander.applyForceToCenter(new Vec2(windMag, 0), true);
      const torqueMag = windProfile(this.torqueIdx) * this.turbulencePower;
      this.torqueIdx += 1;
      lander.applyTorque(torqueMag, true);
    }

    const angle = lander.getAngle();
    const tipX = Math.sin(angle);
    const tipY = Math.cos(angle);
    const sideX = -tipY;
    const sideY = tipX;
    // Drawn every step, fired or not, so the random stream does not depend on the actions.
    const d0 = this.npRandom.uniform(-1, 1) / SCALE;
    const d1 = this.npRandom.uniform(-1, 1) / SCALE;
    const pos = lander.getPosition();

    if (mPower > 0) {
      // The main nozzle sits 4 px below the origin, jittered by the dispersion.
      const ox = tipX * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * d0) + sideX * d1;
      const oy = -tipY * (MAIN_ENGINE_Y_LOCATION / SCALE + 2 * d0) - sideY * d1;
      const px = pos.x + ox;
      const py = pos.y + oy;
      const k = MAIN_ENGINE_POWER * mPower;
      if (this.renderMode === 'rgb_array') this.emitParticle(px, py, ox * k, oy * k, 3.5, mPower);
      lander.applyLinearImpulse(new Vec2(-ox * k, -oy * k), new Vec2(px, py), true);
    }

    if (sPower > 0) {
      const lateral = 3 * d1 + (direction * SIDE_ENGINE_AWAY) / SCALE;
      const ox = tipX * d0 + sideX * lateral;
      const oy = -tipY * d0 - sideY * lateral;
      // Gymnasium uses 17 px for the x offset and SIDE_ENGINE_HEIGHT (14 px) for y, so the
      // thrust point (and the torque) depends on the lander's orientation; kept as is.
      const px = pos.x + ox - (tipX * 17) / SCALE;
      const py = pos.y + oy + (tipY * SIDE_ENGINE_HEIGHT) / SCALE;
      const k = SIDE_ENGINE_POWER * sPower;
      if (this.renderMode === 'rgb_array') this.emitParticle(px, py, ox * k, oy * k, 0.7, sPower);
      lander.applyLinearImpulse(new Vec2(-ox * k, -oy * k), new Vec2(px, py), true);
    }

    world.step(1 / FPS, 6 * 30, 2 * 30);
    if (this.renderMode === 'rgb_array') this.moveParticles();

    const p = lander.getPosition();
    const v = lander.getLinearVelocity();
    const s0 = (p.x - W / 2) / (W / 2);
    const s1 = (p.y - (this.helipadY + LEG_DOWN / SCALE)) / (H / 2);
    const s2 = (v.x * (W / 2)) / FPS;
    const s3 = (v.y * (H / 2)) / FPS;
    const s4 = lander.getAngle();
    const s5 = (20 * lander.getAngularVelocity()) / FPS;
    const s6 = this.legContactFlags[0] ? 1 : 0;
    const s7 = this.legContactFlags[1] ? 1 : 0;

    const shaping =
      -100 * Math.sqrt(s0 * s0 + s1 * s1) - 100 * Math.sqrt(s2 * s2 + s3 * s3) - 100 * Math.abs(s4) + 10 * s6 + 10 * s7;
    let reward = this.prevShaping === null ? 0 : shaping - this.prevShaping;
    this.prevShaping = shaping;
    reward -= mPower * 0.3;
    reward -= sPower * 0.03;

    let terminated = false;
    if (this.gameOver || Math.abs(s0) >= 1) {
      terminated = true;
      reward = -100;
    }
    if (!lander.isAwake()) {
      terminated = true;
      reward = 100;
    }

    const obs = new Float32Array([s0, s1, s2, s3, s4, s5, s6, s7]);
    this.lastObs = obs;
    return [obs, reward, terminated, false, {}];
  }

  /** Drops the physics world (a later reset builds a new one). */
  override close(): void {
    this.world = null;
    this.lander = null;
    this.legs = [];
    this.particles = [];
  }

  /** The lander's physical state (null before the first reset). Read-only: a snapshot. */
  get landerState(): LanderState | null {
    const lander = this.lander;
    if (lander === null) return null;
    const p = lander.getPosition();
    const v = lander.getLinearVelocity();
    return {
      x: p.x,
      y: p.y,
      vx: v.x,
      vy: v.y,
      angle: lander.getAngle(),
      angularVelocity: lander.getAngularVelocity(),
      awake: lander.isAwake(),
      legContact: [this.legContactFlags[0], this.legContactFlags[1]],
    };
  }

  /** The shaping potential after the latest step (null before the first reset). */
  get shaping(): number | null {
    return this.prevShaping;
  }

  /** The helipad (world units) and the terrain's chunk points, for tests and drawing. */
  get terrain(): { helipadX1: number; helipadX2: number; helipadY: number; x: readonly number[]; y: readonly number[] } {
    return { helipadX1: this.helipadX1, helipadX2: this.helipadX2, helipadY: this.helipadY, x: this.terrainX, y: this.terrainY };
  }

  /** The current wind and torque phase indices (they advance only while the wind blows). */
  get windState(): { windIdx: number; torqueIdx: number } {
    return { windIdx: this.windIdx, torqueIdx: this.torqueIdx };
  }

  private emitParticle(x: number, y: number, ix: number, iy: number, density: number, ttl: number): void {
    // A Box2D circle of radius 2 px with this density, pushed by the exhaust impulse.
    const r = 2 / SCALE;
    const mass = density * Math.PI * r * r;
    this.particles.push({ x, y, vx: ix / mass, vy: iy / mass, ttl });
  }

  private moveParticles(): void {
    const dt = 1 / FPS;
    for (const q of this.particles) {
      q.vy += this.gravity * dt;
      q.x += q.vx * dt;
      q.y += q.vy * dt;
    }
    // Gymnasium's particles bounce off the ground; ours just go out there.
    this.particles = this.particles.filter((q) => q.y > this.terrainHeightAt(q.x));
  }

  override render(): string | RgbFrame | undefined {
    if (this.renderMode === 'ansi') return this.renderAnsi();
    if (this.renderMode === 'rgb_array') return this.renderRgb();
    return undefined;
  }

  private renderAnsi(): string {
    if (this.lander === null) return 'LunarLander (not reset)\n';
    const cols = 60;
    const rows = 20;
    const grid: string[][] = [];
    for (let r = 0; r < rows; r++) grid.push(new Array<string>(cols).fill(' '));
    const toCol = (x: number): number => Math.min(cols - 1, Math.max(0, Math.floor((x / W) * cols)));
    const toRow = (y: number): number => Math.min(rows - 1, Math.max(0, rows - 1 - Math.floor((y / H) * rows)));
    for (let c = 0; c < cols; c++) {
      const x = ((c + 0.5) / cols) * W;
      const ground = this.terrainHeightAt(x);
      for (let r = toRow(ground); r < rows; r++) grid[r]![c] = '#';
    }
    for (const fx of [this.helipadX1, this.helipadX2]) grid[Math.max(0, toRow(this.helipadY) - 1)]![toCol(fx)] = 'F';
    for (const leg of this.legs) {
      const lp = leg.getPosition();
      grid[toRow(lp.y)]![toCol(lp.x)] = '|';
    }
    const lp = this.lander.getPosition();
    grid[toRow(lp.y)]![toCol(lp.x)] = 'A';
    const o = this.lastObs;
    const f = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(2);
    const status =
      `x ${f(o[0]!)} y ${f(o[1]!)} vx ${f(o[2]!)} vy ${f(o[3]!)} angle ${f(o[4]!)} ` +
      `omega ${f(o[5]!)} legs ${o[6]!}${o[7]!}`;
    return grid.map((row) => row.join('')).join('\n') + '\n' + status + '\n';
  }

  /** Piecewise-linear terrain height at x (world units). */
  private terrainHeightAt(x: number): number {
    const xs = this.terrainX;
    const ys = this.terrainY;
    for (let i = 0; i < xs.length - 1; i++) {
      if (x <= xs[i + 1]!) {
        const t = (x - xs[i]!) / (xs[i + 1]! - xs[i]!);
        return ys[i]! + t * (ys[i + 1]! - ys[i]!);
      }
    }
    return ys[ys.length - 1]!;
  }

  private renderRgb(): RgbFrame {
    return renderLunarLanderFrame(this.frameScene());
  }

  /** What the frame shows, in pixels with y up (the rasteriser flips it). */
  private frameScene(): LanderScene {
    const bodyPoly = (body: Body, local: ReadonlyArray<readonly [number, number]>): [number, number][] =>
      local.map(([x, y]) => {
        const w = body.getWorldPoint(new Vec2(x, y));
        return [w.x * SCALE, w.y * SCALE];
      });
    // Particles fade a little on every rendered frame, as Gymnasium's do.
    for (const q of this.particles) q.ttl -= 0.15;
    this.particles = this.particles.filter((q) => q.ttl >= 0);
    return {
      width: VIEWPORT_W,
      height: VIEWPORT_H,
      terrain: this.terrainX.map((x, i) => [x * SCALE, this.terrainY[i]! * SCALE] as [number, number]),
      helipad: [this.helipadX1 * SCALE, this.helipadX2 * SCALE, this.helipadY * SCALE],
      lander: this.lander === null ? [] : bodyPoly(this.lander, LANDER_LOCAL),
      legs: this.legs.map((leg) => bodyPoly(leg, LEG_LOCAL)),
      particles: this.particles.map((q) => ({ x: q.x * SCALE, y: q.y * SCALE, ttl: q.ttl })),
    };
  }
}

/** LunarLander-v3: Discrete(4) — 0 nothing, 1 left engine, 2 main engine, 3 right engine. */
export class LunarLander extends LunarLanderBase<number> {
  readonly actionSpace = new Discrete(4);

  constructor(options: Omit<LunarLanderOptions, 'continuous'> | Record<string, unknown> = {}) {
    super(false, options);
  }

  protected decodeAction(action: number): [number, number, number] {
    if (!Number.isInteger(action) || action < 0 || action > 3) {
      throw new UserError(`LunarLander: action must be an integer in {0, 1, 2, 3} (got ${String(action)})`);
    }
    if (action === 2) return [1, 0, 0];
    if (action === 1 || action === 3) return [0, 1, action - 2];
    return [0, 0, 0];
  }

  protected noopAction(): number {
    return 0;
  }
}

/**
 * LunarLanderContinuous-v3: Box(-1, 1, [2]) — [main, lateral]. Main fires for main > 0 at
 * 50–100 % power; lateral fires the left (< −0.5) or right (> 0.5) engine at 50–100 %.
 */
export class LunarLanderContinuous extends LunarLanderBase<Float32Array> {
  readonly actionSpace = new Box(-1, 1, [2], 'float32');

  constructor(options: Omit<LunarLanderOptions, 'continuous'> | Record<string, unknown> = {}) {
    super(true, options);
  }

  protected decodeAction(action: Float32Array): [number, number, number] {
    if (action === null || typeof action !== 'object' || action.length !== 2) {
      throw new UserError(`LunarLanderContinuous: action must be 2 numbers [main, lateral] (got ${String(action)})`);
    }
    // Gymnasium 1.x clips to [−1, 1] and computes the powers in float64.
    const a0 = Math.min(1, Math.max(-1, Number(action[0])));
    const a1 = Math.min(1, Math.max(-1, Number(action[1])));
    if (!Number.isFinite(a0) || !Number.isFinite(a1)) {
      throw new UserError(`LunarLanderContinuous: action must be finite (got [${action[0]}, ${action[1]}])`);
    }
    const mPower = a0 > 0 ? (a0 + 1) * 0.5 : 0;
    let sPower = 0;
    let direction = 0;
    if (Math.abs(a1) > 0.5) {
      direction = Math.sign(a1);
      sPower = Math.min(1, Math.abs(a1));
    }
    return [mPower, sPower, direction];
  }

  protected noopAction(): Float32Array {
    return new Float32Array(2);
  }
}

/** `make`'s entry point for LunarLander-v3: `continuous: true` gives the Box-action version, as in Gymnasium. */
export function makeLunarLander(options: LunarLanderOptions | Record<string, unknown> = {}): LunarLander | LunarLanderContinuous {
  const { continuous, ...rest } = readLanderOptions(options as Record<string, unknown>);
  return continuous ? new LunarLanderContinuous(rest) : new LunarLander(rest);
}

/**
 * InvertedPendulum-v5 on MuJoCo (mujoco-js, the official WebAssembly build).
 *
 * The model is our own MJCF of Gymnasium's: a capsule cart (radius 0.1, half-length 0.1)
 * sliding on x within ±1 m, a capsule pole (radius 0.049, 0.6 m long, hinged at the
 * cart) within ±90°, damping 1 on both joints, masses and inertias from the geoms
 * (density 1000), a motor on the slider with gear 100 and control range ±3, RK4 at a
 * 0.02 s timestep, and 2 physics steps per env step (dt = 0.04 s).
 *
 * As Gymnasium's v5: reward 1 for every step that ends healthy and 0 on the step that
 * terminates; terminated when |hinge angle| > 0.2 rad or the state is not finite;
 * reset to qpos0 = qvel0 = 0 plus uniform noise on [−0.01, 0.01] (qpos first, then
 * qvel); actions outside ±3 are clamped by MuJoCo's control limit; info.reward_survive.
 *
 * Differences: the observation is float32 (Gymnasium's is float64; termination is
 * decided on the float64 state, as there); a non-finite or wrongly shaped action throws
 * a UserError instead of reaching the simulator; the reset noise comes from
 * `src/random`'s stream, not NumPy's, so a seed gives different numbers than in
 * Gymnasium. The physics is MuJoCo itself (mujoco-js 0.0.7 is MuJoCo 3.3.8), so from
 * equal states and actions it should agree with Gymnasium on the same MuJoCo version up
 * to floating-point differences between builds (not checked here: no Python MuJoCo on
 * this machine). The MJCF leaves out Gymnasium's `<size nstack=...>` (a memory size,
 * deprecated in MuJoCo 3, no effect on the physics). `rgb_array` is our own flat side
 * view, not MuJoCo's OpenGL renderer.
 *
 * The WebAssembly module must be loaded first: `await mujocoReady()` (see runtime.ts).
 */
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import { Env, type Info, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import { Canvas, type Color } from '../render/canvas.js';
import { Box } from '../spaces/box.js';
import { UserError } from '../../src/errors.js';
import { compiledModel, mujocoModule } from './runtime.js';

const NAME = 'InvertedPendulum';

/** The cart-pole model: Gymnasium's geometry, masses, limits, actuator and integrator. */
export const INVERTED_PENDULUM_XML = `<mujoco model="inverted_pendulum">
  <!-- Masses and inertias come from the capsules at MuJoCo's default density. -->
  <compiler inertiafromgeom="true" angle="degree"/>
  <option timestep="0.02" integrator="RK4" gravity="0 0 -9.81"/>
  <default>
    <joint damping="1" armature="0" limited="true"/>
    <!-- contype 0: nothing collides; the pole and cart only feel joints and gravity. -->
    <geom contype="0" friction="1 0.1 0.1" rgba="0.7 0.7 0 1"/>
    <motor ctrlrange="-3 3"/>
  </default>
  <worldbody>
    <geom name="rail" type="capsule" size="0.02 1" pos="0 0 0" quat="0.707 0 0.707 0" rgba="0.3 0.3 0.7 1"/>
    <body name="cart" pos="0 0 0">
      <joint name="slider" type="slide" axis="1 0 0" pos="0 0 0" range="-1 1"/>
      <geom name="cart" type="capsule" size="0.1 0.1" pos="0 0 0" quat="0.707 0 0.707 0"/>
      <body name="pole" pos="0 0 0">
        <joint name="hinge" type="hinge" axis="0 1 0" pos="0 0 0" range="-90 90"/>
        <geom name="cpole" type="capsule" fromto="0 0 0 0.001 0 0.6" size="0.049 0.3" rgba="0 0.7 0.7 1"/>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="slide" joint="slider" gear="100" ctrllimited="true" ctrlrange="-3 3"/>
  </actuator>
</mujoco>
`;

export interface InvertedPendulumOptions {
  /** Physics steps per env step (default 2, so dt = 0.04 s). */
  frameSkip?: number;
  /** Half-width of the uniform reset noise on qpos and qvel (default 0.01). */
  resetNoiseScale?: number;
  renderMode?: 'ansi' | 'rgb_array';
}

const KNOWN_OPTIONS = ['frameSkip', 'resetNoiseScale', 'renderMode'];

// MjData lives in the WebAssembly heap: free it if an env is dropped without close().
const finalizer = new FinalizationRegistry<MjData>((data) => {
  if (!data.isDeleted()) data.delete();
});

export class InvertedPendulum extends Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box(-Infinity, Infinity, [4], 'float32');
  /** From the actuator's control range. */
  readonly actionSpace = new Box(-3, 3, [1], 'float32');
  readonly frameSkip: number;
  readonly resetNoiseScale: number;
  /** Seconds per env step: timestep × frameSkip. */
  readonly dt: number;
  override metadata: { renderModes: ('ansi' | 'rgb_array')[]; renderFps: number };

  private readonly mj: MainModule;
  private readonly model: MjModel;
  private data: MjData | null;
  private hasReset = false;
  // Cached heap views; re-fetched when the heap grows (which detaches the old buffer).
  private qposView: Float64Array | null = null;
  private qvelView: Float64Array | null = null;
  private ctrlView: Float64Array | null = null;

  constructor(rawOptions: InvertedPendulumOptions | Record<string, unknown> = {}) {
    super();
    const options = readOptions(rawOptions as Record<string, unknown>);
    const frameSkip = options.frameSkip ?? 2;
    if (!Number.isInteger(frameSkip) || frameSkip < 1) {
      throw new UserError(`${NAME}: frameSkip must be a positive integer (got ${String(frameSkip)})`);
    }
    const noise = options.resetNoiseScale ?? 0.01;
    if (typeof noise !== 'number' || !(noise >= 0) || !Number.isFinite(noise)) {
      throw new UserError(`${NAME}: resetNoiseScale must be a finite number ≥ 0 (got ${String(noise)})`);
    }
    if (options.renderMode !== undefined && options.renderMode !== 'ansi' && options.renderMode !== 'rgb_array') {
      throw new UserError(`${NAME}: renderMode must be 'ansi' or 'rgb_array' (got ${String(options.renderMode)})`);
    }
    this.frameSkip = frameSkip;
    this.resetNoiseScale = noise;
    this.renderMode = options.renderMode;
    this.mj = mujocoModule(`${NAME}-v5`);
    this.model = compiledModel(this.mj, 'inverted_pendulum', INVERTED_PENDULUM_XML);
    if (this.model.nq !== 2 || this.model.nv !== 2 || this.model.nu !== 1) {
      throw new Error(`${NAME}: unexpected model sizes nq=${this.model.nq} nv=${this.model.nv} nu=${this.model.nu}`);
    }
    this.dt = this.model.opt.timestep * frameSkip;
    this.metadata = { renderModes: ['ansi', 'rgb_array'], renderFps: Math.round(1 / this.dt) };
    this.data = new this.mj.MjData(this.model);
    finalizer.register(this, this.data, this);
  }

  private liveData(): MjData {
    if (this.data === null) throw new UserError(`${NAME}: the env is closed`);
    return this.data;
  }

  private views(): [Float64Array, Float64Array, Float64Array] {
    if (this.qposView === null || this.qposView.buffer.byteLength === 0) {
      const d = this.liveData();
      this.qposView = d.qpos as Float64Array;
      this.qvelView = d.qvel as Float64Array;
      this.ctrlView = d.ctrl as Float64Array;
    }
    return [this.qposView, this.qvelView!, this.ctrlView!];
  }

  override reset(opts: ResetOptions = {}): [Float32Array, Info] {
    super.reset(opts);
    const d = this.liveData();
    this.mj.mj_resetData(this.model, d);
    const [qpos, qvel] = this.views();
    const s = this.resetNoiseScale;
    const qpos0 = this.model.qpos0 as Float64Array;
    for (let i = 0; i < 2; i++) qpos[i] = qpos0[i]! + this.npRandom.uniform(-s, s);
    for (let i = 0; i < 2; i++) qvel[i] = this.npRandom.uniform(-s, s);
    this.mj.mj_forward(this.model, d);
    this.hasReset = true;
    return [this.observation(), {}];
  }

  step(action: Float32Array): StepResult<Float32Array> {
    if (!this.hasReset) throw new UserError(`${NAME}: call reset() before step()`);
    if (action === null || typeof action !== 'object' || action.length !== 1) {
      throw new UserError(`${NAME}: action must hold exactly 1 number (got ${String(action)})`);
    }
    const u = Number(action[0]);
    if (!Number.isFinite(u)) throw new UserError(`${NAME}: action must be finite (got ${String(action[0])})`);
    const d = this.liveData();
    const [qpos, qvel, ctrl] = this.views();
    ctrl[0] = u; // MuJoCo clamps it to the actuator's ±3 range
    for (let k = 0; k < this.frameSkip; k++) this.mj.mj_step(this.model, d);
    // Stepping never grows the heap, but re-check anyway so a stale view can never be read.
    const [p, v] = qpos.buffer.byteLength === 0 ? this.views() : [qpos, qvel];
    const terminated =
      !(Number.isFinite(p[0]!) && Number.isFinite(p[1]!) && Number.isFinite(v[0]!) && Number.isFinite(v[1]!)) ||
      Math.abs(p[1]!) > 0.2;
    const reward = terminated ? 0 : 1;
    return [this.observation(), reward, terminated, false, { reward_survive: reward }];
  }

  private observation(): Float32Array {
    const [qpos, qvel] = this.views();
    return new Float32Array([qpos[0]!, qpos[1]!, qvel[0]!, qvel[1]!]);
  }

  /** [cart x, pole angle, cart velocity, pole angular velocity] in float64 (a copy). */
  get state(): Float64Array {
    const [qpos, qvel] = this.views();
    return new Float64Array([qpos[0]!, qpos[1]!, qvel[0]!, qvel[1]!]);
  }

  /** Set [x, angle, ẋ, angular velocity] (Gymnasium's set_state), e.g. to replay from a given state. */
  set state(value: ArrayLike<number>) {
    if (value === null || typeof value !== 'object' || value.length !== 4) {
      throw new UserError(`${NAME}: state must be 4 numbers [x, angle, xdot, angle_dot]`);
    }
    const d = this.liveData();
    const [qpos, qvel] = this.views();
    qpos[0] = value[0]!;
    qpos[1] = value[1]!;
    qvel[0] = value[2]!;
    qvel[1] = value[3]!;
    this.mj.mj_forward(this.model, d);
    this.hasReset = true;
  }

  /** Simulated time (s) since reset. */
  get time(): number {
    return this.liveData().time;
  }

  override render(): string | RgbFrame | undefined {
    if (this.renderMode === 'rgb_array') return this.renderRgb();
    if (this.renderMode !== 'ansi') return undefined;
    if (!this.hasReset) return `${NAME} (not reset)\n`;
    const [x, angle, xd, ad] = this.state;
    // The rail spans x ∈ [−1, 1]: 41 columns, the cart as 'C', the pole's lean as an arrow.
    const cols = 41;
    const c = Math.max(0, Math.min(cols - 1, Math.round(((x! + 1) / 2) * (cols - 1))));
    const rail = Array.from({ length: cols }, (_, i) => (i === c ? 'C' : '-')).join('');
    const lean = angle! > 0.02 ? '/' : angle! < -0.02 ? '\\' : '|';
    const pole = ' '.repeat(c) + lean;
    const f = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(3);
    return `${pole}\n${rail}\nx ${f(x!)} angle ${f(angle!)} xdot ${f(xd!)} angle_dot ${f(ad!)}\n`;
  }

  /**
   * A flat side view (x to the right, z up), 480×480 like Gymnasium's default frame size,
   * in the model's colours: not MuJoCo's 3-D renderer, which mujoco-js does not run under Node.
   */
  private renderRgb(): RgbFrame {
    const size = 480;
    const scale = 200; // pixels per metre: the ±1 m rail spans 400 px
    const c = new Canvas(size, size, [40, 48, 64]);
    const [x, angle] = this.hasReset ? this.state : new Float64Array(4);
    const px = (mx: number): number => size / 2 + mx * scale;
    const py = (mz: number): number => size * 0.6 - mz * scale; // rows grow downwards
    const capsule = (ax: number, az: number, bx: number, bz: number, r: number, color: Color): void => {
      c.line(px(ax), py(az), px(bx), py(bz), color, 2 * r * scale);
      c.fillCircle(px(ax), py(az), r * scale, color);
      c.fillCircle(px(bx), py(bz), r * scale, color);
    };
    capsule(-1, 0, 1, 0, 0.02, [77, 77, 179]); // rail
    capsule(x! - 0.1, 0, x! + 0.1, 0, 0.1, [179, 179, 0]); // cart
    // The pole's top: (0.001, 0, 0.6) in the pole frame, turned by the hinge angle about y.
    const tipX = x! + 0.001 * Math.cos(angle!) + 0.6 * Math.sin(angle!);
    const tipZ = -0.001 * Math.sin(angle!) + 0.6 * Math.cos(angle!);
    capsule(x!, 0, tipX, tipZ, 0.049, [0, 179, 179]);
    return c.toFrame();
  }

  override close(): void {
    if (this.data !== null) {
      finalizer.unregister(this);
      this.data.delete();
      this.data = null;
      this.qposView = this.qvelView = this.ctrlView = null;
    }
  }
}

/** Accept Gymnasium's snake_case names as well as camelCase; reject unknown keys with one line. */
function readOptions(raw: Record<string, unknown>): InvertedPendulumOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (value === undefined) continue;
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (!KNOWN_OPTIONS.includes(camel)) {
      throw new UserError(`${NAME}: unknown option '${key}' (known: ${KNOWN_OPTIONS.join(', ')})`);
    }
    out[camel] = value;
  }
  return out as InvertedPendulumOptions;
}

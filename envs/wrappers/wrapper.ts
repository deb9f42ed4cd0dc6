// The base of every wrapper: forwards everything to the wrapped env unless a
// subclass overrides it, as Gymnasium's `Wrapper`.
import { UserError } from '../../src/errors.js';
import { Env, type EnvSpec, type Info, type RenderMode, type ResetOptions, type RgbFrame, type StepResult } from '../core/env.js';
import type { Space } from '../spaces/space.js';

export class Wrapper<O = unknown, A = unknown, InnerO = O, InnerA = A> extends Env<O, A> {
  readonly env: Env<InnerO, InnerA>;
  private ownObservationSpace?: Space<O>;
  private ownActionSpace?: Space<A>;
  protected ownSpec?: EnvSpec = undefined; // read by the prototype accessors below
  protected ownMetadata?: Env['metadata'] = undefined;

  constructor(env: Env<InnerO, InnerA>) {
    super();
    if (!(env instanceof Env)) throw new UserError(`${new.target.name}: expected an Env to wrap`);
    this.env = env;
  }

  get observationSpace(): Space<O> {
    return this.ownObservationSpace ?? (this.env.observationSpace as unknown as Space<O>);
  }

  set observationSpace(space: Space<O>) {
    this.ownObservationSpace = space;
  }

  get actionSpace(): Space<A> {
    return this.ownActionSpace ?? (this.env.actionSpace as unknown as Space<A>);
  }

  set actionSpace(space: Space<A>) {
    this.ownActionSpace = space;
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    return this.env.reset(opts) as unknown as [O, Info];
  }

  step(action: A): StepResult<O> {
    return this.env.step(action as unknown as InnerA) as unknown as StepResult<O>;
  }

  override render(): string | RgbFrame | undefined {
    return this.env.render();
  }

  override close(): void {
    this.env.close();
  }

  override get unwrapped(): Env<unknown, unknown> {
    return this.env.unwrapped;
  }

  override getWrapperAttr(name: string): unknown {
    if (name in this) return (this as unknown as Record<string, unknown>)[name];
    return this.env.getWrapperAttr(name);
  }

  override setWrapperAttr(name: string, value: unknown): void {
    // Set it where it lives, so wrapped envs' own properties (e.g. `state`) are reached.
    let e: Env<unknown, unknown> = this as Env<unknown, unknown>;
    for (;;) {
      if (Object.hasOwn(e, name) || name in Object.getPrototypeOf(e)) {
        (e as unknown as Record<string, unknown>)[name] = value;
        return;
      }
      if (!(e instanceof Wrapper)) break;
      e = e.env as Env<unknown, unknown>;
    }
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  override toString(): string {
    return `${this.constructor.name}<${this.env.toString()}>`;
  }
}

// spec, renderMode and metadata read through to the wrapped env (a wrapper may
// set its own spec or metadata). Env only declares them, so these prototype
// accessors are not shadowed; defining them per instance instead would turn
// every wrapper into a slow dictionary-mode object.
type Internals = { env: Env<unknown, unknown>; ownSpec?: EnvSpec; ownMetadata?: Env['metadata'] };
Object.defineProperties(Wrapper.prototype, {
  spec: {
    get(this: Internals) {
      return this.ownSpec ?? this.env.spec;
    },
    set(this: Internals, v: EnvSpec | undefined) {
      this.ownSpec = v;
    },
    configurable: true,
  },
  renderMode: {
    get(this: Internals) {
      return this.env.renderMode;
    },
    set(this: Internals, v: RenderMode | undefined) {
      this.env.renderMode = v;
    },
    configurable: true,
  },
  metadata: {
    get(this: Internals) {
      return this.ownMetadata ?? this.env.metadata;
    },
    set(this: Internals, v: Env['metadata']) {
      this.ownMetadata = v;
    },
    configurable: true,
  },
});

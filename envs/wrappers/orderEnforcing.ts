// Rejects `step` (and, by default, `render`) before the first `reset`.
import { UserError } from '../../src/errors.js';
import type { Env, Info, ResetOptions, RgbFrame, StepResult } from '../core/env.js';
import { Wrapper } from './wrapper.js';

export interface OrderEnforcingOptions {
  disableRenderOrderEnforcing?: boolean;
}

export class OrderEnforcing<O, A> extends Wrapper<O, A> {
  private resetCalled = false;
  private readonly enforceRender: boolean;

  constructor(env: Env<O, A>, opts: OrderEnforcingOptions = {}) {
    super(env);
    this.enforceRender = !opts.disableRenderOrderEnforcing;
  }

  get hasReset(): boolean {
    return this.resetCalled;
  }

  private name(): string {
    return this.spec?.id ?? this.unwrapped.constructor.name;
  }

  override reset(opts: ResetOptions = {}): [O, Info] {
    this.resetCalled = true;
    return this.env.reset(opts);
  }

  override step(action: A): StepResult<O> {
    if (!this.resetCalled) throw new UserError(`${this.name()}: step() called before reset(); call env.reset() first`);
    return this.env.step(action);
  }

  override render(): string | RgbFrame | undefined {
    if (this.enforceRender && !this.resetCalled) {
      throw new UserError(`${this.name()}: render() called before reset(); call env.reset() first`);
    }
    return this.env.render();
  }
}

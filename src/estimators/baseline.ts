// An exponential moving average of f, the classic REINFORCE baseline.
export class MovingAverage {
  private value_ = 0;
  private initialised = false;

  constructor(readonly decay = 0.99) {}

  get value(): number {
    return this.value_;
  }

  /** Set the value (when loading a saved agent). */
  restore(value: number): void {
    this.value_ = value;
    this.initialised = true;
  }

  /** Fold in a new observation (e.g. the batch mean of f(b)); the first one initialises. */
  update(x: number): void {
    this.value_ = this.initialised ? this.decay * this.value_ + (1 - this.decay) * x : x;
    this.initialised = true;
  }
}

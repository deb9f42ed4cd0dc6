// Progress for long loops. On a terminal: a live cli-progress bar. Elsewhere
// (CI, redirected output, nohup) a bar would print nothing useful or flood
// the log with carriage returns, so we print a plain line every few seconds
// and at each further 10 %.
import cliProgress from 'cli-progress';

export type ProgressPayload = Record<string, number | string | boolean | null | undefined>;

export interface ProgressLogger {
  info(message: string, fields?: Record<string, unknown>): void;
}

export interface ProgressOptions {
  /** Value at completion (e.g. total steps or episodes). */
  total: number;
  /** Shown before the bar or at the start of each line. */
  label?: string;
  /** Off a TTY, lines go through this logger (else to stderr). */
  logger?: ProgressLogger;
  /** Off a TTY, the longest quiet time between lines; default 10 s. */
  intervalSeconds?: number;
  /** Force bar (true) or lines (false); default: whether stderr is a TTY. */
  tty?: boolean;
  /** Stream for the bar or the plain lines; default process.stderr. */
  stream?: NodeJS.WritableStream;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

export class Progress {
  private readonly total: number;
  private readonly label: string;
  private readonly logger: ProgressLogger | undefined;
  private readonly intervalMs: number;
  private readonly stream: NodeJS.WritableStream;
  private readonly now: () => number;
  private readonly bar: cliProgress.SingleBar | undefined;
  private readonly start: number;
  private value = 0;
  private payload: ProgressPayload = {};
  private lastLineAt: number;
  private lastLineValue = Number.NaN;
  private lastDecile = 0;
  private stopped = false;

  constructor(options: ProgressOptions) {
    if (!(options.total >= 0) || !Number.isFinite(options.total)) {
      throw new Error(`Progress: total must be a finite non-negative number, got ${options.total}`);
    }
    this.total = options.total;
    this.label = options.label ?? 'progress';
    this.logger = options.logger;
    this.intervalMs = (options.intervalSeconds ?? 10) * 1000;
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.start = this.now();
    this.lastLineAt = this.start;
    const tty = options.tty ?? Boolean(process.stderr.isTTY);
    if (tty) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${this.label} [{bar}] {percentage}% | {value}/{total} | {duration_formatted} eta {eta_formatted} {info}`,
          stream: this.stream as NodeJS.WriteStream,
          hideCursor: true,
          etaBuffer: 50,
          fps: 5,
          barsize: 30,
          // cli-progress rounds the ETA to 5 s multiples in its own format ("8m60s"); use ours.
          formatTime: (seconds: number) => duration(seconds * 1000),
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(this.total, 0, { info: '' });
    }
  }

  /** Set the current value (e.g. steps done) and what to show beside it. */
  update(value: number, payload?: ProgressPayload): void {
    if (this.stopped) return;
    this.value = value;
    if (payload) this.payload = { ...this.payload, ...payload };
    if (this.bar) {
      this.bar.update(value, { info: fields(this.payload) });
      return;
    }
    const t = this.now();
    const decile = this.total > 0 ? Math.floor((10 * value) / this.total) : 10;
    if (t - this.lastLineAt >= this.intervalMs || decile > this.lastDecile) {
      this.lastDecile = Math.max(this.lastDecile, decile);
      this.line(t);
    }
  }

  increment(delta = 1, payload?: ProgressPayload): void {
    this.update(this.value + delta, payload);
  }

  /** Finish: stop the bar, or print a last line unless the latest value was just printed. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.bar) {
      this.bar.stop();
      return;
    }
    if (this.value !== this.lastLineValue) this.line(this.now());
  }

  private line(t: number): void {
    this.lastLineAt = t;
    this.lastLineValue = this.value;
    const pct = this.total > 0 ? Math.min(100, Math.floor((100 * this.value) / this.total)) : 100;
    const elapsed = t - this.start;
    const eta = this.value > 0 && this.value < this.total ? (elapsed * (this.total - this.value)) / this.value : undefined;
    const message =
      `${this.label} ${pct}% ${this.value}/${this.total} ${duration(elapsed)}` + (eta !== undefined ? ` eta ${duration(eta)}` : '');
    if (this.logger) {
      this.logger.info(message, { ...this.payload });
    } else {
      const extra = fields(this.payload);
      this.stream.write(message + (extra ? ` ${extra}` : '') + '\n');
    }
  }
}

function fields(payload: ProgressPayload): string {
  return Object.entries(payload)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(4))) : String(v)}`)
    .join(' ');
}

/** 75_000 ms → "1m15s"; under a minute "12.3s". */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)}s`; // not "60.0s"
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

// One logger per run: short human lines on the console, JSON lines in a file.
// Both sinks write synchronously so that the lines before a crash are on disk
// and closing only has to drain winston's own stream.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFields = Record<string, unknown>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line; it shares this one's sinks. */
  child(fields: LogFields): Logger;
  /** Flush and release the sinks; later calls are ignored. Idempotent. */
  close(): Promise<void>;
  /** The underlying winston logger, for anything this wrapper does not cover. */
  readonly winston: winston.Logger;
}

export interface LoggerOptions {
  /** JSON-lines log file (parent folders are created; appended to). */
  file?: string;
  /** Lowest level shown on the console (and in the file unless `fileLevel`). Default 'info'. */
  level?: LogLevel;
  fileLevel?: LogLevel;
  /** Write human lines to the console stream. Default true. */
  console?: boolean;
  /** Console stream, default process.stderr (stdout stays free for results). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Colour the level names; default: when the stream is a TTY. */
  color?: boolean;
}

// winston keeps the formatted line under this symbol (triple-beam's MESSAGE).
const MESSAGE = Symbol.for('message');
const RESERVED = new Set(['level', 'message', 'timestamp']);

// At run time winston exports the transport base class as `Transport`; its
// typings only declare a non-constructible `transport` namespace.
const TransportBase = (winston as unknown as { Transport: new (options?: object) => winston.transport }).Transport;

// Writes every formatted line to a synchronous sink.
class SinkTransport extends TransportBase {
  constructor(
    private readonly sink: (line: string) => void,
    options: { level?: string; format?: winston.Logform.Format },
  ) {
    super(options);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.sink(String(info[MESSAGE]));
    next();
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const transports: winston.transport[] = [];
  let fd: number | undefined;

  if (options.console ?? true) {
    const stream = options.stream ?? process.stderr;
    const color = options.color ?? Boolean(stream.isTTY);
    transports.push(
      new SinkTransport((line) => stream.write(line + '\n'), {
        level,
        format: winston.format.printf((info) => consoleLine(info, color)),
      }),
    );
  }
  if (options.file !== undefined) {
    mkdirSync(dirname(options.file), { recursive: true });
    const fileFd = openSync(options.file, 'a');
    fd = fileFd;
    transports.push(
      new SinkTransport((line) => writeSync(fileFd, line + '\n'), {
        level: options.fileLevel ?? level,
        format: winston.format.printf((info) => jsonLine(info)),
      }),
    );
  }

  const base = winston.createLogger({
    // The logger passes everything; each transport filters by its own level.
    level: 'debug',
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    format: winston.format.timestamp(),
    transports,
    exitOnError: false,
  });
  // A logger with no transport makes winston print a warning on every call.
  if (transports.length === 0) base.silent = true;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= drain(base, transports).finally(() => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    });
    return closing;
  };
  return wrap(base, () => closing !== undefined, close);
}

function wrap(target: winston.Logger, isClosed: () => boolean, close: () => Promise<void>): Logger {
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (isClosed()) return;
    target.log({ ...(fields ?? {}), level, message });
  };
  return {
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    child: (fields) => wrap(target.child(fields), isClosed, close),
    close,
    winston: target,
  };
}

// Ending the logger ends the piped transports; once each has finished, every
// line has passed through the synchronous sinks. The timer only guards against
// a transport that never finishes holding the process open.
function drain(logger: winston.Logger, transports: winston.transport[]): Promise<void> {
  return new Promise<void>((resolve) => {
    let pending = transports.length;
    const timer = setTimeout(resolve, 2000);
    timer.unref();
    const done = () => {
      pending -= 1;
      if (pending <= 0) {
        clearTimeout(timer);
        resolve();
      }
    };
    if (pending === 0) {
      clearTimeout(timer);
      logger.end();
      resolve();
      return;
    }
    for (const t of transports) t.once('finish', done);
    logger.end();
  });
}

const COLORS: Record<string, string> = { error: '31', warn: '33', info: '32', debug: '90' };

function consoleLine(info: winston.Logform.TransformableInfo, color: boolean): string {
  const time = clock(info.timestamp);
  const lvl = String(info.level);
  const padded = lvl.padEnd(5);
  const shown = color && COLORS[lvl] ? `\x1b[${COLORS[lvl]}m${padded}\x1b[0m` : padded;
  const parts = [`${time} ${shown} ${String(info.message)}`];
  for (const [key, value] of fieldsOf(info)) parts.push(`${key}=${humanValue(value)}`);
  return parts.join(' ');
}

function jsonLine(info: winston.Logform.TransformableInfo): string {
  const record: Record<string, unknown> = {
    timestamp: info.timestamp,
    level: info.level,
    message: info.message,
  };
  for (const [key, value] of fieldsOf(info)) record[key] = value;
  return JSON.stringify(record, (_k, v: unknown) => jsonValue(v));
}

function fieldsOf(info: winston.Logform.TransformableInfo): [string, unknown][] {
  return Object.entries(info).filter(([key]) => !RESERVED.has(key));
}

function clock(timestamp: unknown): string {
  const d = typeof timestamp === 'string' ? new Date(timestamp) : new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function humanValue(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Number(value.toPrecision(4)));
  }
  if (typeof value === 'string') return /[\s="]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value instanceof Error) return JSON.stringify(value.message);
  if (value === undefined || value === null || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value, (_k, v: unknown) => jsonValue(v)) ?? String(value);
}

// Errors carry their message and stack (JSON.stringify would give {}); non-finite
// numbers are kept as strings instead of silently becoming null.
function jsonValue(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

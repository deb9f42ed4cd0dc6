// Result files are written whole or not at all: a run killed mid-write must
// never leave a half-written config.json or summary behind.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';

/**
 * Write `data` to `path` atomically: write a temporary file beside it, fsync,
 * then rename over the target (rename is atomic within one file system, which
 * is why the temporary file lives in the same folder). Creates parent folders.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    let offset = 0;
    while (offset < bytes.length) {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw err;
  }
  syncDir(dir);
}

/** Pretty-printed JSON with a trailing newline, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Read and parse a JSON file. A missing or malformed file is the user's
 * mistake (wrong folder, interrupted run), so it becomes a one-line UserError.
 */
export function readJson<T = unknown>(path: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: file not found`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a folder, expected a JSON file`);
    throw new UserError(`${path}: cannot read (${code ?? oneLine(String(err))})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${oneLine((err as Error).message)})`);
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

// Make the rename itself durable. Directories cannot be opened for fsync on
// every platform (Windows), and losing this only weakens durability, so
// failures are ignored.
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // best effort
      }
    }
  }
}

// The Redis behind a BullMQ sweep queue: the URL, a reachability check that
// fails in seconds with one line (ioredis would otherwise retry forever), the
// connection BullMQ wants, and the relax-pg version the queue's sweep needs.
import { Redis, type RedisOptions } from 'ioredis';
import { UserError } from '../../src/errors.js';

export const QUEUE_NAME = 'relax-pg-sweep';
const VERSION_KEY = 'relax-pg:sweep:version';
const CONNECT_MS = 3000;

export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`--queue ${url}: not a URL (give redis://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new UserError(`--queue ${url}: not a redis:// URL (give redis://HOST:PORT)`);
  if (!u.hostname) throw new UserError(`--queue ${url}: no host (give redis://HOST:PORT)`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UserError(`--queue ${url}: '${u.pathname.slice(1)}' is not a database number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    db,
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ's workers need unlimited retries per command (they block on the queue).
    maxRetriesPerRequest: null,
  };
}

/** One client, connected, or a UserError within a few seconds saying why not. */
export async function connectRedis(url: string): Promise<Redis> {
  const options = redisOptions(url);
  const client = new Redis({ ...options, lazyConnect: true, connectTimeout: CONNECT_MS, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than connect()'s 'Connection is closed'.
      new Promise((_, reject) => client.on('error', reject)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), CONNECT_MS + 500);
      }),
    ]);
  } catch (error) {
    client.on('error', () => {}); // later echoes of the same failure
    client.disconnect();
    const e = error as { code?: string; message?: string };
    throw new UserError(`cannot reach the queue at ${url} (${e.code ?? e.message ?? 'error'}): is redis-server running there?`);
  } finally {
    clearTimeout(timer);
  }
  return client;
}

export async function setQueueVersion(client: Redis, version: string): Promise<void> {
  await client.set(VERSION_KEY, version);
}

/** The version the queue's last sweep was submitted with (none yet: undefined). */
export async function queueVersion(client: Redis): Promise<string | undefined> {
  return (await client.get(VERSION_KEY)) ?? undefined;
}

export function versionMismatch(mine: string, theirs: string, url: string): string {
  return `this worker is relax-pg ${mine} but the sweep on ${url} was submitted by relax-pg ${theirs}: run workers of the same version`;
}

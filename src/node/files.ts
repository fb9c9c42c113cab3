/**
 * Low-level file helpers of numnet/node's `save`/`load` (src/node/save.ts): bounded directory
 * creation, synced and atomic writes, the per-folder save lock, and reading files that must lie
 * inside a model folder. The design is described in docs/saving.md ("Threat model: loading an
 * untrusted model folder").
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, open, readlink, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { NumnetError } from '../errors.js';

let counter = 0;
/** A name part no other save (of this or another process) uses. */
export function tempToken(): string {
  return `${process.pid}-${(counter++).toString(36)}-${randomBytes(4).toString('hex')}`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** A file system step of a save; its failure becomes INVALID_ARGUMENT saying what could not be done and why. */
export async function fsStep<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof NumnetError) throw e;
    throw new NumnetError('INVALID_ARGUMENT', `save(): could not ${what}: ${(e as Error)?.message ?? String(e)}`);
  }
}

// ------------------------------------------------------------------------------------- writing

/**
 * Creates `dir` and its missing parents one level at a time. Node's `mkdir(…, { recursive: true })`
 * loops forever where a parent exists but refuses new entries with ENOENT (/proc/self/x); here each
 * level is tried at most twice, so a failure comes back at once.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const problem = await fsStep(`create the directory ${dir}`, () => makeLevel(resolve(dir)));
  if (problem) throw new NumnetError('INVALID_ARGUMENT', `save(): could not create the directory ${dir}: ${problem}`);
}

/** Creates `dir` (and its missing parents); undefined when done, else what went wrong. */
async function makeLevel(dir: string): Promise<string | undefined> {
  const first = await tryMkdir(dir);
  if (first !== 'ENOENT') return first;
  const parent = dirname(dir);
  if (parent === dir) return `${dir} does not exist`;
  const above = await makeLevel(parent);
  if (above) return above;
  const again = await tryMkdir(dir);
  return again === 'ENOENT' ? `ENOENT: the system refuses to create ${dir} in the existing directory ${parent}` : again;
}

/** mkdir of one level: undefined (done, or already a directory), 'ENOENT' (a parent is missing), a problem, or throws. */
async function tryMkdir(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir);
    return undefined;
  } catch (e) {
    if (errno(e) === 'ENOENT') return 'ENOENT';
    if (errno(e) !== 'EEXIST') throw e;
    const info = await stat(dir).catch(() => undefined);
    return info?.isDirectory() ? undefined : `${dir} exists and is not a directory`;
  }
}

/** Writes `data` to a new file `path` (never an existing one, never through a link) and flushes it to disk; removes the file on failure. */
export async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  await fsStep(`write ${path}`, async () => {
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await unlink(path).catch(() => {});
      throw e;
    }
    await fh.close();
  });
}

/** Replaces `target` with `data` atomically: a synced temporary file in the same directory, renamed over it. */
export async function writeAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${target}.${tempToken()}.tmp`;
  await writeSynced(tmp, data);
  await renameStep(tmp, target).catch(async (e) => {
    await unlink(tmp).catch(() => {});
    throw e;
  });
  await syncDirectory(dirname(target));
}

/** rename(from, to) as a save step (its failure an INVALID_ARGUMENT naming both). */
export function renameStep(from: string, to: string): Promise<void> {
  return fsStep(`rename ${from} to ${to}`, () => rename(from, to));
}

/** Flushes a directory's entries (the renames) to disk where the platform allows it. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not supported everywhere (Windows); the rename itself is still atomic.
  }
}

// ------------------------------------------------------------------------------------- the save lock

/** The lock file a TF.js save holds in the model folder while it renames its files into place. */
export const LOCK_FILE = '.numnet-save.lock';
/** A lock older than this (by its modification time, refreshed every LOCK_STALE_MS / 3 while held) is taken as left by a crash, and broken. */
export const LOCK_STALE_MS = 30_000;
/** A save waits at most this long for another save's lock, then fails with INVALID_ARGUMENT. */
export const LOCK_WAIT_MS = 60_000;

interface LockSeen {
  dev: bigint;
  ino: bigint;
  mtimeNs: bigint;
  mtimeMs: number;
  pid?: number;
  host?: string;
}

/**
 * Takes the save lock of `dir`: `dir/.numnet-save.lock`, created with O_EXCL, holding
 * `{ pid, host, time }`. A lock whose process is gone (same host) or older than LOCK_STALE_MS is
 * broken (under a second lock file, so two savers never break the same lock twice); a live one
 * is waited for, up to LOCK_WAIT_MS. While held, the lock's time is refreshed every LOCK_STALE_MS / 3.
 * Returns the release function (which removes the lock only if it is still this one).
 */
export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'wx');
    } catch (e) {
      if (errno(e) !== 'EEXIST') return fsStep(`create the lock file ${path}`, () => Promise.reject(e));
    }
    if (fh) {
      let mine: { dev: bigint; ino: bigint; mtimeNs: bigint };
      try {
        await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }));
        mine = await fh.stat({ bigint: true });
      } catch (e) {
        await fh.close().catch(() => {});
        await unlink(path).catch(() => {});
        return fsStep(`write the lock file ${path}`, () => Promise.reject(e));
      }
      await fh.close().catch(() => {});
      const stillMine = async () => {
        const now = await lstat(path, { bigint: true }).catch(() => undefined);
        return now !== undefined && now.dev === mine.dev && now.ino === mine.ino && now.mtimeNs === mine.mtimeNs;
      };
      // A save held up (a slow disk) keeps its lock fresh, so it is not taken as left by a crash.
      let beat: Promise<void> | undefined;
      const heartbeat = setInterval(() => {
        beat = (async () => {
          if (!(await stillMine())) return;
          const t = new Date();
          await utimes(path, t, t);
          mine = await lstat(path, { bigint: true });
        })().catch(() => {});
      }, LOCK_STALE_MS / 3);
      heartbeat.unref?.();
      return async () => {
        clearInterval(heartbeat);
        await beat;
        if (await stillMine()) await unlink(path).catch(() => {});
      };
    }
    const seen = await readLock(path);
    if (seen === undefined && attempt % 8 !== 7) continue; // released in between: try again at once (mostly)
    if (seen !== undefined && isStale(seen) && (await breakLock(path, seen))) continue;
    const waited = Date.now() - start;
    if (waited > LOCK_WAIT_MS) {
      const holder = seen?.pid === undefined ? '' : ` (pid ${seen.pid}${seen.host !== undefined && seen.host !== hostname() ? ` on ${JSON.stringify(seen.host.slice(0, 60))}` : ''})`;
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `save(): ${dir} is being saved by another process${holder}: its lock file ${path} has been held for ${Math.round(waited / 1000)} s; try again, or delete the lock file if no save is running`,
      );
    }
    await sleep(Math.min(1 + attempt, 25) * (0.5 + Math.random()));
  }
}

/** What a lock file says (undefined once it is gone); never blocks (a FIFO there is not read). */
async function readLock(path: string): Promise<LockSeen | undefined> {
  const info = await lstat(path, { bigint: true }).catch(() => undefined);
  if (!info) return undefined;
  const seen: LockSeen = { dev: info.dev, ino: info.ino, mtimeNs: info.mtimeNs, mtimeMs: Number(info.mtimeMs) };
  if (!info.isFile() || info.size > 4096n) return seen;
  try {
    const fh = await open(path, READ_FLAGS);
    try {
      const body = Buffer.alloc(Number(info.size));
      await fh.read(body, 0, body.length, 0);
      const o = JSON.parse(body.toString('utf8')) as { pid?: unknown; host?: unknown };
      if (Number.isSafeInteger(o.pid) && (o.pid as number) > 0) seen.pid = o.pid as number;
      if (typeof o.host === 'string') seen.host = o.host;
    } finally {
      await fh.close();
    }
  } catch {
    // Unreadable or not yet written: judged by its age alone.
  }
  return seen;
}

function isStale(seen: LockSeen): boolean {
  if (seen.pid !== undefined && seen.host === hostname() && !processAlive(seen.pid)) return true;
  return Date.now() - seen.mtimeMs > LOCK_STALE_MS;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

/** Removes the lock `seen` if it is still there (the same file, unmodified); true when it is gone. */
async function breakLock(path: string, seen: LockSeen): Promise<boolean> {
  const guard = `${path}.break`;
  let g: FileHandle;
  try {
    g = await open(guard, 'wx');
  } catch (e) {
    if (errno(e) === 'EEXIST') {
      const info = await lstat(guard).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > LOCK_STALE_MS) await unlink(guard).catch(() => {}); // a breaker that crashed
    }
    return false;
  }
  try {
    await g.close();
    const now = await lstat(path, { bigint: true }).catch(() => undefined);
    if (now && now.dev === seen.dev && now.ino === seen.ino && now.mtimeNs === seen.mtimeNs) await unlink(path);
    return true;
  } catch {
    return false;
  } finally {
    await unlink(guard).catch(() => {});
  }
}

// ------------------------------------------------------------------------------------- reading inside a folder

/** Why a file of a model folder could not be opened (the caller words the message and picks the code). */
export class FileProblem extends Error {
  constructor(
    /** missing: a system error (code in the message); outside: a link leading out of the folder; not-file; changed: changed while read. */
    readonly kind: 'missing' | 'outside' | 'not-file' | 'changed',
    message: string,
  ) {
    super(message);
  }
}

/** O_RDONLY, not through a link at the last step, and never blocking on a FIFO. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
/** Symbolic links followed in one path at most (as Linux's ELOOP limit). */
const MAX_LINKS = 40;

/** The identity of an opened file. */
export interface FileId {
  dev: bigint;
  ino: bigint;
  size: number;
}

/**
 * The real path of `rel` (a '/'-separated relative path, already checked) inside the real folder
 * `realDir`, resolved one component at a time: a symbolic link is followed only when its target is
 * relative and never climbs above the folder (an absolute target, or one climbing out — even to
 * come back — is 'outside', whether or not the target exists: nothing outside is even looked at).
 * The result is a regular file, or a FileProblem.
 */
async function resolveInside(realDir: string, rel: string): Promise<string> {
  const queue = rel.split('/');
  let current = realDir;
  let links = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (current === realDir) throw new FileProblem('outside', 'leads outside the model folder (through a symbolic link)');
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    let info;
    try {
      info = await lstat(next);
    } catch (e) {
      throw new FileProblem('missing', `cannot be read (${errno(e) ?? 'error'})`);
    }
    if (info.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new FileProblem('missing', 'cannot be read (ELOOP: too many symbolic links)');
      let target: string;
      try {
        target = await readlink(next);
      } catch (e) {
        throw new FileProblem('missing', `cannot be read (${errno(e) ?? 'error'})`);
      }
      if (target === '' || target.startsWith('/') || target.startsWith('\\') || /^[A-Za-z]:/.test(target)) {
        throw new FileProblem('outside', 'leads outside the model folder (through a symbolic link with an absolute target)');
      }
      queue.unshift(...target.split(/[\\/]/));
      continue;
    }
    if (queue.some((p) => p !== '' && p !== '.') && !info.isDirectory()) throw new FileProblem('missing', 'cannot be read (ENOTDIR)');
    if (!info.isFile() && !info.isDirectory()) throw new FileProblem('not-file', 'is not a regular file');
    current = next;
  }
  if (current === realDir) throw new FileProblem('not-file', 'is not a regular file (it is the model folder)');
  return current;
}

/**
 * Opens the regular file `rel` of the real folder `realDir` for reading (see resolveInside),
 * without following a link at the last step and without blocking, and checks after opening that
 * the path still resolves inside the folder to the very file opened (so a concurrent swap of a
 * folder for a link cannot redirect it).
 */
export async function openInside(realDir: string, rel: string): Promise<{ fh: FileHandle; id: FileId }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const real = await resolveInside(realDir, rel);
    let fh: FileHandle;
    try {
      fh = await open(real, READ_FLAGS);
    } catch (e) {
      if (errno(e) === 'ELOOP') continue; // became a link since it was resolved
      throw new FileProblem('missing', `cannot be read (${errno(e) ?? 'error'})`);
    }
    try {
      const info = await fh.stat({ bigint: true });
      if (!info.isFile()) throw new FileProblem('not-file', 'is not a regular file');
      const again = await stat(await resolveInside(realDir, rel), { bigint: true });
      if (again.dev === info.dev && again.ino === info.ino) return { fh, id: { dev: info.dev, ino: info.ino, size: Number(info.size) } };
    } catch (e) {
      await fh.close().catch(() => {});
      throw e;
    }
    await fh.close().catch(() => {});
  }
  throw new FileProblem('changed', 'kept changing while being opened');
}

/** The identity of the file `rel` of the folder resolves to now (undefined if none). */
export async function idInside(realDir: string, rel: string): Promise<{ dev: bigint; ino: bigint } | undefined> {
  try {
    return await stat(await resolveInside(realDir, rel), { bigint: true });
  } catch {
    return undefined;
  }
}

/** Reads exactly `size` bytes of `fh` into `into` at `offset`; a file that is shorter or longer than that changed while being read. */
export async function readExactly(fh: FileHandle, into: Uint8Array, offset: number, size: number): Promise<void> {
  const read = async (buffer: Uint8Array, at: number, length: number, position: number) => {
    try {
      return (await fh.read(buffer, at, length, position)).bytesRead;
    } catch (e) {
      throw new FileProblem('missing', `cannot be read (${errno(e) ?? 'error'})`);
    }
  };
  let got = 0;
  while (got < size) {
    const bytesRead = await read(into, offset + got, Math.min(size - got, 1 << 24), got);
    if (bytesRead === 0) throw new FileProblem('changed', `ended after ${got} of its ${size} bytes (it changed while being read)`);
    got += bytesRead;
  }
  if ((await read(new Uint8Array(1), 0, 1, size)) !== 0) throw new FileProblem('changed', `grew beyond its ${size} bytes while being read`);
}

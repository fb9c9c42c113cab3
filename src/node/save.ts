import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { NumnetError, describe, withinLimits } from '../errors.js';
import { Sequential } from '../models/sequential.js';
import { fromTFJS, parseTFJSModelJSON, toTFJS, toTFJSModelJSON } from '../io/tfjs.js';

/** The file formats of `save`. */
export type SaveFormat = 'numnet' | 'tfjs';

/** Options of `save`. */
export interface SaveOptions {
  /**
   * 'numnet' (default): `<dir>/model.json`, the native lossless format (float64 weights,
   * optimizer and random state). 'tfjs': `<dir>/model.json` + `<dir>/weights.bin`, the TF.js layers
   * format (float32), for `tf.loadLayersModel` and the tfjs converter to Keras.
   */
  format?: SaveFormat;
}

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * Saves `model` into the directory `dir` (created if missing): `model.json` for the native format,
 * `model.json` + `weights.bin` for TF.js. Atomic: every file is written to a temporary file in the
 * same directory, flushed to disk and renamed over the old one, in an order such that at every
 * moment `model.json` and the weights it points to form one complete model, the old or the new one
 * (see docs/saving.md). A model that cannot be saved is refused (INVALID_ARGUMENT) before any file
 * is touched; a failed write (INVALID_ARGUMENT naming the file and the system's reason) leaves the
 * previous model in place.
 */
export async function save(model: Sequential, dir: string, options: SaveOptions = {}): Promise<void> {
  if (!(model instanceof Sequential)) throw new NumnetError('INVALID_ARGUMENT', `save() takes a Sequential model, got ${describe(model)}`);
  if (typeof dir !== 'string' || dir === '') throw new NumnetError('INVALID_ARGUMENT', `save(): the path must be a directory name, got ${describe(dir)}`);
  if (options === null || typeof options !== 'object') throw new NumnetError('INVALID_ARGUMENT', `save() options must be an object, got ${describe(options)}`);
  const format = options.format ?? 'numnet';
  if (format !== 'numnet' && format !== 'tfjs') {
    throw new NumnetError('INVALID_ARGUMENT', `save(): format must be 'numnet' or 'tfjs', got ${describe(format)}`);
  }
  // Serialize first: a model that cannot be saved changes no file.
  if (format === 'numnet') {
    const text = withinLimits('save(): the model', () => JSON.stringify(model.toJSON()));
    await fsStep(`create the directory ${dir}`, () => mkdir(dir, { recursive: true }));
    await writeAtomic(join(dir, MODEL_FILE), text);
    return;
  }
  const artifacts = toTFJS(model);
  const weights = new Uint8Array(artifacts.weightData);
  await fsStep(`create the directory ${dir}`, () => mkdir(dir, { recursive: true }));
  const token = tempToken();
  const staged = `${WEIGHTS_FILE}.${token}.tmp`;
  const stagedPath = join(dir, staged);
  // 1. The new weights under a name of their own. Until step 2, the old model is untouched.
  await writeSynced(stagedPath, weights);
  // 2. model.json → the staged weights: the new model is complete, in one rename.
  try {
    await writeAtomic(join(dir, MODEL_FILE), JSON.stringify(toTFJSModelJSON(artifacts, staged)));
  } catch (e) {
    await unlink(stagedPath).catch(() => {});
    throw e;
  }
  // 3. weights.bin ← the same bytes (model.json does not point at it yet), then 4. model.json →
  // weights.bin. A failure here leaves model.json pointing at the staged file, which is kept.
  const second = join(dir, `${WEIGHTS_FILE}.${token}.link.tmp`);
  try {
    await link(stagedPath, second);
  } catch {
    await writeSynced(second, weights);
  }
  await fsStep(`rename ${second} to ${WEIGHTS_FILE}`, () => rename(second, join(dir, WEIGHTS_FILE))).catch(async (e) => {
    await unlink(second).catch(() => {});
    throw e;
  });
  await syncDirectory(dir);
  await writeAtomic(join(dir, MODEL_FILE), JSON.stringify(toTFJSModelJSON(artifacts, WEIGHTS_FILE)));
  await unlink(stagedPath).catch(() => {});
}

/**
 * Loads a model saved by `save` (or any TF.js layers model.json with its weight files): `path` is
 * the directory, or the model.json file itself. The format is detected from the JSON: `format:
 * 'numnet'` is the native format (`Sequential.fromJSON`), a `modelTopology` is TF.js (`fromTFJS`,
 * reading the weight files its manifest lists, relative to model.json). A bad or truncated file, a
 * missing or wrong-length weights file: INVALID_FORMAT naming it. A path with no model:
 * INVALID_ARGUMENT.
 */
export async function load(path: string): Promise<Sequential> {
  if (typeof path !== 'string' || path === '') throw new NumnetError('INVALID_ARGUMENT', `load(): the path must be a directory or file name, got ${describe(path)}`);
  let file = path;
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new NumnetError('INVALID_ARGUMENT', `load(): there is no model at ${path} (${e.code ?? e.message})`);
  });
  if (info.isDirectory()) file = join(path, MODEL_FILE);
  await requireFile(file, 'INVALID_ARGUMENT', `load(): ${file}`);
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new NumnetError('INVALID_ARGUMENT', `load(): cannot read ${file} (${e.code ?? e.message})`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NumnetError('INVALID_FORMAT', `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)}); is the file truncated?`);
  }
  const o = json as Record<string, unknown> | null;
  if (o !== null && typeof o === 'object' && !Array.isArray(o) && o.format === 'numnet') return prefixed(file, () => Sequential.fromJSON(o));
  if (o !== null && typeof o === 'object' && !Array.isArray(o) && o.modelTopology !== undefined) {
    const { modelTopology, weightSpecs, paths } = prefixed(file, () => parseTFJSModelJSON(o));
    const base = dirname(file);
    const parts: Uint8Array[] = [];
    for (const p of paths) {
      const rel = normalize(p);
      if (isAbsolute(p) || rel === '..' || rel.startsWith(`..${sep}`)) {
        throw new NumnetError('INVALID_FORMAT', `${file}: weightsManifest path ${JSON.stringify(p)} leaves the model's directory`);
      }
      const wf = join(base, rel);
      await requireFile(wf, 'INVALID_FORMAT', `${file}: its weights file ${wf}`);
      parts.push(
        await readFile(wf).catch((e: NodeJS.ErrnoException) => {
          throw new NumnetError('INVALID_FORMAT', `${file}: its weights file ${wf} cannot be read (${e.code ?? e.message})`);
        }),
      );
    }
    const data = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of parts) {
      data.set(b, at);
      at += b.length;
    }
    return prefixed(file, () => fromTFJS({ modelTopology, weightSpecs, weightData: data }));
  }
  throw new NumnetError('INVALID_FORMAT', `${file}: neither a numnet model (format "numnet") nor a TF.js model.json (modelTopology)`);
}

/** Throws unless `path` is a regular file (a device such as /dev/zero would never end). */
async function requireFile(path: string, code: 'INVALID_ARGUMENT' | 'INVALID_FORMAT', what: string): Promise<void> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new NumnetError(code, `${what} cannot be read (${e.code ?? e.message})`);
  });
  if (!info.isFile()) throw new NumnetError(code, `${what} is not a regular file`);
}

/** Runs f; an INVALID_FORMAT error gets the file name in front. */
function prefixed<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NumnetError && e.code === 'INVALID_FORMAT') throw new NumnetError('INVALID_FORMAT', `${file}: ${e.message}`);
    throw e;
  }
}

let counter = 0;
function tempToken(): string {
  return `${process.pid}-${(counter++).toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A file system step; its failure becomes INVALID_ARGUMENT saying what could not be done and why. */
async function fsStep<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof NumnetError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new NumnetError('INVALID_ARGUMENT', `save(): could not ${what}: ${err.message ?? String(e)}`);
  }
}

/** Writes `data` to a new file `path` and flushes it to disk; removes the file on failure. */
async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
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
async function writeAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${target}.${tempToken()}.tmp`;
  await writeSynced(tmp, data);
  try {
    await fsStep(`rename ${tmp} to ${target}`, () => rename(tmp, target));
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await syncDirectory(dirname(target));
}

/** Flushes a directory's entries (the renames) to disk where the platform allows it. */
async function syncDirectory(dir: string): Promise<void> {
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

import { link, realpath, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NumnetError, checkInteger, checkOptions, describe, withinLimits } from '../errors.js';
import { Sequential } from '../models/sequential.js';
import { TFJSArtifacts, fromTFJS, parseTFJSModelJSON, toTFJS, toTFJSModelJSON } from '../io/tfjs.js';
import {
  FileId, FileProblem, idInside, lockFolder, makeDirectory, openInside, readExactly, renameStep, sleep, syncDirectory, tempToken, writeAtomic, writeSynced,
} from './files.js';

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

/** Options of `load`: the limits it enforces before reading (defaults in {@link LOAD_LIMITS}). */
export interface LoadOptions {
  /** The largest model.json read, in bytes (its size is checked before it is read). */
  maxModelJSONBytes?: number;
  /** The most weight bytes a TF.js manifest may declare (shape × 4 for float32, all weights). */
  maxWeightBytes?: number;
  /** The most weight files (`weightsManifest[].paths`, all groups) a TF.js model.json may name. */
  maxWeightFiles?: number;
}

/**
 * The default limits of `load` (docs/saving.md, "Threat model"): a model.json of at most 256 MiB,
 * TF.js weights of at most 256 MiB (64 M float32 values) in at most 256 files. Pass other values
 * in `load`'s options to read larger models.
 */
export const LOAD_LIMITS: Readonly<Required<LoadOptions>> = Object.freeze({
  maxModelJSONBytes: 256 * 2 ** 20,
  maxWeightBytes: 256 * 2 ** 20,
  maxWeightFiles: 256,
});

/** How often `load` starts over when model.json is replaced (by a save) while it reads. */
const LOAD_ATTEMPTS = 100;
const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * Saves `model` into the directory `dir` (created if missing): `model.json` for the native format,
 * `model.json` + `weights.bin` for TF.js. Atomic: every file is written under a name of its own,
 * flushed to disk and renamed into place, in an order such that at every moment `model.json` and
 * the weights it names form one complete model, the old or the new one; concurrent saves into one
 * folder (TF.js saves take the folder's lock file for their renames) leave one complete model, and
 * loads meanwhile read a complete one (see docs/saving.md). A model that cannot be saved, or bad
 * options (an unknown key, anything but a plain object), are refused (INVALID_ARGUMENT) before any
 * file is touched; a failed write (INVALID_ARGUMENT naming the file and the system's reason) leaves
 * the previous model in place.
 */
export async function save(model: Sequential, dir: string, options?: SaveOptions): Promise<void> {
  if (!(model instanceof Sequential)) throw new NumnetError('INVALID_ARGUMENT', `save() takes a Sequential model, got ${describe(model)}`);
  checkPath(dir, 'save(): the path must be a directory name');
  const format = ownOptions(options, ['format'], 'save()').format ?? 'numnet';
  if (format !== 'numnet' && format !== 'tfjs') {
    throw new NumnetError('INVALID_ARGUMENT', `save(): format must be 'numnet' or 'tfjs', got ${describe(format)}`);
  }
  // Serialize first: a model that cannot be saved changes no file.
  if (format === 'numnet') {
    const text = withinLimits('save(): the model', () => JSON.stringify(model.toJSON()));
    await makeDirectory(dir);
    await writeAtomic(join(dir, MODEL_FILE), text); // one rename: the last save to rename wins, whole
    return;
  }
  const artifacts = toTFJS(model);
  const weights = new Uint8Array(artifacts.weightData);
  await makeDirectory(dir);
  await saveTFJS(dir, artifacts, weights);
}

/**
 * The TF.js save. Outside the lock: the weights and both model.json versions under names of this
 * save. Under the folder's lock: (2) model.json → the staged weights (the new model, complete, in
 * one rename), (3) weights.bin ← the same bytes (a hard link, renamed into place), (4) model.json →
 * weights.bin. weights.bin changes only between two renames of model.json that name another file,
 * which `load` relies on; the lock keeps two saves from interleaving those steps.
 */
async function saveTFJS(dir: string, artifacts: TFJSArtifacts, weights: Uint8Array): Promise<void> {
  const token = tempToken();
  const stagedName = `${WEIGHTS_FILE}.${token}.tmp`;
  const staged = join(dir, stagedName);
  const jsonStaged = join(dir, `${MODEL_FILE}.${token}.staged.tmp`);
  const jsonFinal = join(dir, `${MODEL_FILE}.${token}.tmp`);
  const second = join(dir, `${WEIGHTS_FILE}.${token}.link.tmp`);
  const leftovers = new Set<string>(); // removed if the save fails
  try {
    // 1. Everything new under names of its own; until step 2, the old model is untouched.
    await writeSynced(staged, weights);
    leftovers.add(staged);
    await writeSynced(jsonStaged, JSON.stringify(toTFJSModelJSON(artifacts, stagedName)));
    leftovers.add(jsonStaged);
    await writeSynced(jsonFinal, JSON.stringify(toTFJSModelJSON(artifacts, WEIGHTS_FILE)));
    leftovers.add(jsonFinal);
    const unlock = await lockFolder(dir);
    try {
      await renameStep(jsonStaged, join(dir, MODEL_FILE));
      leftovers.delete(jsonStaged);
      leftovers.delete(staged); // model.json names it now: kept if a later step fails
      await syncDirectory(dir);
      try {
        await link(staged, second);
      } catch {
        await writeSynced(second, weights);
      }
      leftovers.add(second);
      await renameStep(second, join(dir, WEIGHTS_FILE));
      leftovers.delete(second);
      await syncDirectory(dir);
      await renameStep(jsonFinal, join(dir, MODEL_FILE));
      leftovers.delete(jsonFinal);
      await syncDirectory(dir);
    } finally {
      await unlock();
    }
  } catch (e) {
    for (const f of leftovers) await unlink(f).catch(() => {});
    throw e;
  }
  // 5. No model.json names the staged file any more (a load that read an earlier one starts over).
  await unlink(staged).catch(() => {});
}

/** Internal: model.json was replaced while it was being read; start over. */
class Replaced extends Error {}

/**
 * Loads a model saved by `save` (or any TF.js layers model.json with its weight files): `path` is
 * the directory, or the model.json file itself. The format is detected from the JSON: `format:
 * 'numnet'` is the native format (`Sequential.fromJSON`), a `modelTopology` is TF.js (`fromTFJS`,
 * reading the weight files its manifest lists, relative to model.json). Every file read must lie
 * inside the (real) folder of model.json — a symbolic link leading out of it is refused — and sizes
 * are checked against `options`' limits ({@link LOAD_LIMITS}) and the manifest before anything is
 * read. A bad, truncated or oversized file, a missing or wrong-length weights file: INVALID_FORMAT
 * naming it (never quoting a file's bytes). A path with no model, bad options: INVALID_ARGUMENT.
 * A save into the folder meanwhile makes it start over, so it returns one complete model.
 */
export async function load(path: string, options?: LoadOptions): Promise<Sequential> {
  checkPath(path, 'load(): the path must be a directory or file name');
  const limits = loadLimits(options);
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new NumnetError('INVALID_ARGUMENT', `load(): there is no model at ${path} (${e.code ?? e.message})`);
  });
  const isDir = info.isDirectory();
  const file = isDir ? join(path, MODEL_FILE) : path;
  const name = isDir ? MODEL_FILE : basename(path);
  const realDir = await realpath(isDir ? path : dirname(path)).catch((e: NodeJS.ErrnoException) => {
    throw new NumnetError('INVALID_ARGUMENT', `load(): there is no model at ${path} (${e.code ?? e.message})`);
  });
  for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
    let opened: { fh: FileHandle; id: FileId };
    try {
      opened = await openInside(realDir, name);
    } catch (e) {
      if (!(e instanceof FileProblem)) throw e;
      if (e.kind === 'outside') throw new NumnetError('INVALID_FORMAT', `${file} ${e.message}`);
      throw new NumnetError('INVALID_ARGUMENT', `load(): ${file} ${e.message}`);
    }
    const { fh, id } = opened;
    const current = async () => {
      const now = await idInside(realDir, name);
      return now !== undefined && now.dev === id.dev && now.ino === id.ino;
    };
    try {
      return await readModel(fh, id, { file, realDir, limits, current });
    } catch (e) {
      if (!(e instanceof Replaced) && (await current())) {
        if (e instanceof NumnetError) throw e;
        throw new NumnetError('INVALID_FORMAT', `${file} cannot be read (${(e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : describe(e))})`);
      }
    } finally {
      await fh.close().catch(() => {});
    }
    await sleep(Math.min(1 + attempt, 20));
  }
  throw new NumnetError('INVALID_ARGUMENT', `load(): ${file} was replaced ${LOAD_ATTEMPTS} times while being read (saves in progress); try again`);
}

interface ReadContext {
  /** model.json as the caller named it (for messages). */
  file: string;
  /** The real path of its folder: every file read lies inside. */
  realDir: string;
  limits: Required<LoadOptions>;
  /** Whether model.json is still the file opened. */
  current: () => Promise<boolean>;
}

async function readModel(fh: FileHandle, id: FileId, c: ReadContext): Promise<Sequential> {
  const { file, limits } = c;
  if (id.size > limits.maxModelJSONBytes) {
    throw new NumnetError('INVALID_FORMAT', `${file} is ${id.size} bytes, more than the limit of ${limits.maxModelJSONBytes} (the load option maxModelJSONBytes)`);
  }
  const bytes = new Uint8Array(id.size);
  await readExactly(fh, bytes, 0, id.size).catch(fileError(`${file}`));
  let text: string;
  try {
    text = new TextDecoder().decode(bytes);
  } catch {
    throw new NumnetError('INVALID_FORMAT', `${file} is too large to decode as text`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new NumnetError('INVALID_FORMAT', `${file}: ${jsonProblem(e)}`);
  }
  const o = json as Record<string, unknown> | null;
  const isObject = o !== null && typeof o === 'object' && !Array.isArray(o);
  if (isObject && o.format === 'numnet') return prefixed(file, () => Sequential.fromJSON(o));
  if (isObject && o.modelTopology !== undefined) return readTFJS(o, id, c);
  throw new NumnetError('INVALID_FORMAT', `${file}: neither a numnet model (format "numnet") nor a TF.js model.json (modelTopology)`);
}

/** A TF.js model: its weight files checked (names, count, sizes against the specs) and opened before any is read. */
async function readTFJS(o: Record<string, unknown>, jsonId: FileId, c: ReadContext): Promise<Sequential> {
  const { file, limits } = c;
  const { modelTopology, weightSpecs, paths } = prefixed(file, () => parseTFJSModelJSON(o));
  if (paths.length > limits.maxWeightFiles) {
    throw new NumnetError('INVALID_FORMAT', `${file}: the weightsManifest names ${paths.length} weight files, more than the limit of ${limits.maxWeightFiles} (the load option maxWeightFiles)`);
  }
  const rels = new Map<string, string>(); // checked relative path → as written
  for (const p of paths) {
    const rel = manifestPath(file, p);
    const before = rels.get(rel);
    if (before !== undefined) throw new NumnetError('INVALID_FORMAT', `${file}: the weightsManifest names the weights file ${describe(p)}${before === p ? '' : ` (${describe(before)})`} twice`);
    rels.set(rel, p);
  }
  const declared = declaredBytes(weightSpecs);
  if (declared === undefined) {
    // Not float32 weights with shapes: fromTFJS says precisely what is wrong.
    prefixed(file, () => fromTFJS({ modelTopology, weightSpecs, weightData: new Uint8Array(0) }));
    throw new NumnetError('INVALID_FORMAT', `${file}: weightsManifest: the weight specs are not float32 weights with shapes`);
  }
  if (declared > limits.maxWeightBytes) {
    throw new NumnetError('INVALID_FORMAT', `${file}: the weight specs declare ${declared} bytes, more than the limit of ${limits.maxWeightBytes} (the load option maxWeightBytes)`);
  }
  const files: { fh: FileHandle; size: number }[] = [];
  try {
    const seen = new Map<string, string>([[`${jsonId.dev}:${jsonId.ino}`, MODEL_FILE]]);
    let total = 0;
    for (const [rel, p] of rels) {
      const what = `${file}: its weights file ${join(dirname(file), escaped(rel))}`;
      const { fh, id } = await openInside(c.realDir, rel).catch(fileError(what));
      files.push({ fh, size: id.size });
      const key = `${id.dev}:${id.ino}`;
      const same = seen.get(key);
      if (same !== undefined && id.ino !== 0n) {
        throw new NumnetError('INVALID_FORMAT', `${file}: the weightsManifest names one file twice: ${describe(p)} is ${same === MODEL_FILE ? 'model.json itself' : describe(same)}`);
      }
      seen.set(key, p);
      total += id.size;
    }
    if (total !== declared) {
      throw new NumnetError(
        'INVALID_FORMAT',
        `${file}: weightData: holds ${total} bytes but the weight specs need ${declared} (${declared / 4} float32 values) in ${[...rels.values()].map((p) => describe(p)).join(', ') || 'no file'}; is a weights file truncated or from another model?`,
      );
    }
    // Every weight file was opened while model.json was still this one, so they belong to it (saves
    // replace files, never rewrite them: an opened file's bytes stay those of its model).
    if (!(await c.current())) throw new Replaced();
    const data = withinLimits(`load(): ${file}: the weights`, () => new Uint8Array(declared));
    let at = 0;
    for (const [k, rel] of [...rels.keys()].entries()) {
      await readExactly(files[k]!.fh, data, at, files[k]!.size).catch(fileError(`${file}: its weights file ${join(dirname(file), escaped(rel))}`));
      at += files[k]!.size;
    }
    return prefixed(file, () => fromTFJS({ modelTopology, weightSpecs, weightData: data }));
  } finally {
    for (const f of files) await f.fh.close().catch(() => {});
  }
}

/**
 * A weightsManifest path, checked and without "." segments: relative, '/'-separated, no "..",
 * no empty segment, no backslash, colon or NUL, at most 1024 characters. INVALID_FORMAT otherwise.
 */
function manifestPath(file: string, p: string): string {
  const bad = (why: string) => new NumnetError('INVALID_FORMAT', `${file}: weightsManifest path ${describe(p)} ${why}`);
  if (p === '') throw bad('is empty');
  if (p.length > 1024) throw bad('is longer than 1024 characters');
  if (p.includes('\0')) throw bad('contains a NUL character');
  if (p.includes('\\')) throw bad('contains a backslash (the paths are /-separated)');
  if (p.includes(':')) throw bad('contains a colon (drive letters, URLs and stream names are not weight files)');
  if (p.startsWith('/')) throw bad('is absolute (the paths are relative to model.json)');
  const parts = p.split('/');
  if (parts.includes('..')) throw bad("leaves the model's directory ('..')");
  if (parts.includes('')) throw bad('has an empty segment');
  const kept = parts.filter((s) => s !== '.');
  if (kept.length === 0) throw bad('names no file');
  return kept.join('/');
}

/** The bytes the specs declare (4 per float32 value; may exceed any limit), or undefined if they are not float32 specs with shapes. */
function declaredBytes(specs: readonly unknown[]): number | undefined {
  let bytes = 0;
  for (const s of specs) {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return undefined;
    const { shape, dtype, quantization } = s as Record<string, unknown>;
    if (dtype !== 'float32' || (quantization !== undefined && quantization !== null) || !Array.isArray(shape)) return undefined;
    let count = 1;
    for (const d of shape) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return undefined;
      count *= d;
    }
    bytes += count * 4;
  }
  return bytes;
}

/** A name from a file, shown without quotes but with control characters escaped (as JSON does), cut at 200 characters. */
function escaped(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name).slice(1, -1);
}

/** JSON.parse's complaint without the text it quotes (a file's bytes never appear in messages). */
function jsonProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  if (/Unexpected end of JSON input/.test(message)) return 'not valid JSON (it ends early); is the file truncated?';
  const at = /at position (\d+)/.exec(message);
  return `not valid JSON${at ? ` (at character ${at[1]})` : ''}; is the file truncated?`;
}

/** Turns a FileProblem about `what` into INVALID_FORMAT. */
function fileError(what: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof FileProblem) throw new NumnetError('INVALID_FORMAT', `${what} ${e.message}`);
    throw e;
  };
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

function checkPath(p: unknown, what: string): asserts p is string {
  if (typeof p !== 'string' || p === '' || p.includes('\0')) throw new NumnetError('INVALID_ARGUMENT', `${what}, got ${describe(p)}`);
}

/**
 * The own properties `known` of an options object (undefined gives {}): INVALID_ARGUMENT for an
 * unknown key or anything but a plain object (an array, a Map, a class instance). Inherited keys
 * (a polluted Object.prototype) are never read.
 */
function ownOptions(options: unknown, known: readonly string[], what: string): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  if (options === undefined) return out;
  try {
    if (options !== null && typeof options === 'object' && !Array.isArray(options)) {
      const proto: unknown = Object.getPrototypeOf(options);
      const plain = proto === null || (Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(options) === '[object Object]');
      if (!plain) throw new NumnetError('INVALID_ARGUMENT', `${what} options must be a plain object ({ … }), got ${describe(options)}`);
    }
    const o = checkOptions(options as object, known, what) as Record<string, unknown>;
    for (const k of known) if (Object.prototype.hasOwnProperty.call(o, k)) out[k] = o[k];
    return out;
  } catch (e) {
    if (e instanceof NumnetError) throw e;
    throw new NumnetError('INVALID_ARGUMENT', `${what} options could not be read (${e instanceof Error ? e.message : describe(e)})`);
  }
}

function loadLimits(options: unknown): Required<LoadOptions> {
  const keys = Object.keys(LOAD_LIMITS) as (keyof LoadOptions)[];
  const o = ownOptions(options, keys, 'load()');
  const limits = { ...LOAD_LIMITS };
  for (const k of keys) if (o[k] !== undefined) limits[k] = checkInteger(o[k], `load() option ${k}`, 1);
  return limits;
}

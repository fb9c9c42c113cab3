import { NumnetError, describe } from '../errors.js';
import type { WeightShape } from '../layers/spec.js';
import { Tensor } from '../tensor/tensor.js';
import { FormatReader, fmtShape, product, sameShape } from './format.js';

/**
 * The weights of the TF.js layers format: float32, little-endian, concatenated in `weightSpecs`
 * order (one buffer, or shards), each named `<layer>/<weight>`.
 */

/** One weight of the TF.js manifest. */
export interface TFJSWeightSpec {
  /** `layer/kernel`, `layer/bias` or `layer/alpha`. */
  name: string;
  /** The weight's shape. */
  shape: number[];
  /** Always 'float32'. */
  dtype: 'float32';
}

/** The weights of the manifest, rounded to float32 (INVALID_ARGUMENT beyond its range). */
export class TFJSWeightWriter {
  readonly specs: TFJSWeightSpec[] = [];
  private readonly values: Float32Array[] = [];

  add(name: string, data: Float64Array, shape: readonly number[]): void {
    const f = Float32Array.from(data);
    for (let i = 0; i < f.length; i++) {
      if (!Number.isFinite(f[i]!)) throw new NumnetError('INVALID_ARGUMENT', `toTFJS(): ${name}[${i}] = ${data[i]} is beyond the float32 range`);
    }
    this.specs.push({ name, shape: shape.slice(), dtype: 'float32' });
    this.values.push(f);
  }

  /** Every weight, float32 little-endian, in order. */
  data(): ArrayBuffer {
    const total = this.values.reduce((n, v) => n + v.length, 0);
    const weightData = new ArrayBuffer(total * 4);
    const view = new DataView(weightData);
    let o = 0;
    for (const v of this.values) {
      for (let i = 0; i < v.length; i++, o += 4) view.setFloat32(o, v[i]!, true);
    }
    return weightData;
  }
}

/** The `expected` weights from the weight specs and data, matched by name (or a unique `…/name` suffix). */
export function readWeights(r: FormatReader, expected: WeightShape[], weightSpecs: unknown, weightData: unknown): Tensor[] {
  const specs = r.array(weightSpecs ?? [], 'weightSpecs');
  const data = weightBytes(r, weightData);
  const entries = specs.map((sv, i) => {
    const sp = `weightSpecs[${i}]`;
    const so = r.object(sv, sp);
    const wname = r.string(r.required(so, 'name', sp), `${sp}.name`);
    const wshape = r.shape(r.required(so, 'shape', sp), `${sp}.shape`);
    if (so.dtype !== 'float32') throw r.error(`${sp}.dtype`, `is ${describe(so.dtype)} (${wname}); numnet reads float32 weights only`);
    if (so.quantization !== undefined && so.quantization !== null) throw r.error(`${sp}.quantization`, `${wname} is quantized; numnet reads unquantized float32 weights only`);
    return { name: wname, shape: wshape, path: sp, offset: 0 };
  });
  let offset = 0;
  for (const e of entries) {
    e.offset = offset;
    offset += product(e.shape) * 4;
  }
  if (offset !== data.byteLength) {
    throw r.error('weightData', `holds ${data.byteLength} bytes but the weight specs need ${offset} (${entries.length} float32 weights); is weights.bin truncated or from another model?`);
  }
  const usedSpecs = new Set<number>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments = expected.reduce((n, w) => Math.max(n, w.name.split('/').length), 1);
  const { byName, bySuffix } = nameIndex(entries, segments);
  const tensors = expected.map((w) => {
    let k = byName.get(w.name) ?? -1;
    if (k < 0) {
      const matches = bySuffix.get(w.name);
      if (matches !== undefined && matches !== -1) k = matches;
    }
    if (k < 0 || usedSpecs.has(k)) {
      throw r.error('weightSpecs', `has no weight ${JSON.stringify(w.name)} ${fmtShape(w.shape)} (it has ${entries.map((e) => e.name).join(', ') || 'none'})`);
    }
    usedSpecs.add(k);
    const e = entries[k]!;
    if (!sameShape(e.shape, w.shape)) throw r.error(`${e.path}.shape`, `is ${fmtShape(e.shape)} but ${w.name} has shape ${fmtShape(w.shape)}`);
    const n = product(w.shape);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = view.getFloat32(e.offset + i * 4, true);
      if (!Number.isFinite(v)) throw r.error('weightData', `${w.name}[${i}] is ${v}`);
      values[i] = v;
    }
    return new Tensor(values, w.shape);
  });
  const unused = entries.filter((_e, i) => !usedSpecs.has(i));
  if (unused.length) throw r.error('weightSpecs', `has weights no layer uses: ${unused.map((e) => e.name).join(', ')}`);
  return tensors;
}

/**
 * The first entry of each name, and for each `…/suffix` of up to `segments` parts the unique entry
 * ending with it (−1 when several do): linear in the number of entries (suffixes are taken from the
 * end, never more than the expected names have parts), so matching n weights is O(n), not O(n²).
 */
function nameIndex(entries: readonly { name: string }[], segments: number): { byName: Map<string, number>; bySuffix: Map<string, number> } {
  const byName = new Map<string, number>();
  const bySuffix = new Map<string, number>();
  entries.forEach((e, j) => {
    if (!byName.has(e.name)) byName.set(e.name, j);
    let at = e.name.length;
    for (let k = 0; k < segments; k++) {
      at = e.name.lastIndexOf('/', at - 1);
      if (at < 0) break;
      const suffix = e.name.slice(at + 1);
      bySuffix.set(suffix, bySuffix.has(suffix) ? -1 : j);
    }
  });
  return { byName, bySuffix };
}

function weightBytes(r: FormatReader, wd: unknown): Uint8Array {
  if (wd === undefined || wd === null) return new Uint8Array(0);
  if (wd instanceof ArrayBuffer) return new Uint8Array(wd);
  if (ArrayBuffer.isView(wd)) return new Uint8Array(wd.buffer, wd.byteOffset, wd.byteLength);
  if (Array.isArray(wd)) {
    const parts = wd.map((b, i) => {
      if (!(b instanceof ArrayBuffer)) throw r.error(`weightData[${i}]`, `must be an ArrayBuffer, got ${describe(b)}`);
      return new Uint8Array(b);
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  throw r.error('weightData', `must be an ArrayBuffer or an array of them, got ${describe(wd)}`);
}

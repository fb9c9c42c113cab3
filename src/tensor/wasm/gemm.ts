import { GEMM_WASM_BASE64 } from './gemm-binary.js';

/**
 * The WebAssembly SIMD GEMM (gemm.wat), instantiated synchronously on first use from the bytes the
 * package embeds. Operands are copied into the module's memory, multiplied there and copied back.
 * `undefined` where WebAssembly or its SIMD extension is missing: the JS kernels serve then.
 */
interface GemmExports {
  memory: WebAssembly.Memory;
  gemm(m: number, n: number, k: number, a: number, rs: number, cs: number, b: number, c: number, acc: number): void;
}

let instance: GemmExports | null | undefined;
let heap: Float64Array | undefined;

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function load(): GemmExports | null {
  try {
    if (typeof WebAssembly !== 'object' || typeof atob !== 'function') return null;
    const bytes = decodeBase64(GEMM_WASM_BASE64);
    if (!WebAssembly.validate(bytes)) return null;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    return inst.exports as unknown as GemmExports;
  } catch {
    return null;
  }
}

/** True when the WebAssembly kernel is available here (and not disabled). */
export function wasmAvailable(): boolean {
  if (instance === undefined) instance = load();
  return instance !== null;
}

/** A float64 view of the module's memory holding at least `doubles` values. */
function memoryFor(doubles: number): Float64Array {
  const mem = instance!.memory;
  const need = doubles * 8;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  if (!heap || heap.buffer !== mem.buffer) heap = new Float64Array(mem.buffer);
  return heap;
}

/**
 * C = op(A)·op(B) (C += … with `accumulate`), op(A) m×k (A stored k×m when `transA`), op(B) k×n
 * (B stored n×k when `transB`: it is transposed while copied in), all row-major, through the
 * WebAssembly kernel. The caller checks `wasmAvailable()` first.
 */
export function wasmGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  accumulate: boolean,
): void {
  const sizeA = m * k;
  const sizeB = k * n;
  const sizeC = m * n;
  const h = memoryFor(sizeA + sizeB + sizeC);
  const offB = sizeA;
  const offC = sizeA + sizeB;
  h.set(A.length === sizeA ? A : A.subarray(0, sizeA), 0);
  if (!transB) h.set(B.length === sizeB ? B : B.subarray(0, sizeB), offB);
  else {
    for (let j = 0; j < n; j++) {
      const row = j * k;
      for (let p = 0; p < k; p++) h[offB + p * n + j] = B[row + p]!;
    }
  }
  if (accumulate) h.set(C.subarray(0, sizeC), offC);
  const rs = transA ? 8 : 8 * k;
  const cs = transA ? 8 * m : 8;
  instance!.gemm(m, n, k, 0, rs, cs, offB * 8, offC * 8, accumulate ? 1 : 0);
  C.set(h.subarray(offC, offC + sizeC));
}

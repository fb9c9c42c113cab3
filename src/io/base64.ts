import { NumnetError } from '../errors.js';

/**
 * Base64 (RFC 4648, standard alphabet, with `=` padding) and little-endian float64 packing for
 * the native format. Browser-safe: no Buffer, no atob/btoa (which work on binary strings).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** The base64 text of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const b1 = i + 1 < n ? bytes[i + 1]! : 0;
    const v = (bytes[i]! << 16) | (b1 << 8);
    chunk += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + (i + 1 < n ? ALPHABET[(v >>> 6) & 63]! : '=') + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * The bytes of base64 `text`: strict (length a multiple of 4, only the alphabet, at most two `=`
 * at the end, unused bits zero), so a corrupted string is an error rather than other bytes.
 * INVALID_FORMAT naming `what` otherwise.
 */
export function decodeBase64(text: string, what: string): Uint8Array {
  if (typeof text !== 'string') throw new NumnetError('INVALID_FORMAT', `${what} must be a base64 string`);
  const len = text.length;
  if (len % 4 !== 0) {
    throw new NumnetError('INVALID_FORMAT', `${what} is not valid base64: its length ${len} is not a multiple of 4 (truncated?)`);
  }
  const pad = len === 0 ? 0 : text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((len / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const last = i + 4 === len;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      let d = c < 128 ? DECODE[c]! : -1;
      if (d < 0 && c === 61 /* = */ && last && k >= 4 - pad) d = 0;
      if (d < 0) {
        throw new NumnetError('INVALID_FORMAT', `${what} is not valid base64: character ${JSON.stringify(text[i + k])} at ${i + k}`);
      }
      v = (v << 6) | d;
    }
    if (last && pad > 0 && (v & (pad === 2 ? 0xffff : 0xff)) !== 0) {
      throw new NumnetError('INVALID_FORMAT', `${what} is not valid base64: nonzero bits in its padding`);
    }
    out[o++] = v >>> 16;
    if (o < out.length) out[o++] = (v >>> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** The little-endian IEEE 754 bytes of `values`, as base64. */
export function float64ToBase64(values: Float64Array): string {
  const bytes = new Uint8Array(values.length * 8);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  }
  return encodeBase64(bytes);
}

/**
 * The float64 values of base64 `text` (little-endian), exactly `count` of them and all finite;
 * INVALID_FORMAT naming `what` otherwise.
 */
export function base64ToFloat64(text: string, count: number, what: string): Float64Array {
  if (typeof text === 'string' && text.length !== Math.ceil((count * 8) / 3) * 4) {
    throw new NumnetError(
      'INVALID_FORMAT',
      `${what} holds ${describeLength(text.length)} of base64, but ${values(count)} need ${Math.ceil((count * 8) / 3) * 4}`,
    );
  }
  const bytes = decodeBase64(text, what);
  if (bytes.length !== count * 8) {
    throw new NumnetError('INVALID_FORMAT', `${what} decodes to ${bytes.length} bytes, but ${values(count)} take ${count * 8} bytes`);
  }
  const out = new Float64Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  }
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(out[i]!)) throw new NumnetError('INVALID_FORMAT', `${what} holds ${out[i]} at index ${i}`);
  }
  return out;
}

function values(n: number): string {
  return `${n} float64 value${n === 1 ? '' : 's'}`;
}

function describeLength(n: number): string {
  return `${n} character${n === 1 ? '' : 's'}`;
}

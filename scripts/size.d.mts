/** Types for scripts/size.mjs, so that tests written in TypeScript can import it. */
export interface SizeRow {
  name: string;
  minified: number | undefined;
  gzip: number;
  brotli: number | undefined;
}
export interface SizeReport {
  numnet: string;
  esbuild: string;
  node: string;
  rows: SizeRow[];
  tfjs: SizeRow & { version: string | undefined; measured: boolean; es2017Gzip?: number };
}
export declare const CASES: { name: string; code: string }[];
export declare const TFJS_GZIP_BYTES_QUOTED: number;
export declare function bundleForBrowser(
  code: string,
  options?: { root?: string; minify?: boolean },
): Promise<{ bytes: Uint8Array; text: string; metafile: unknown }>;
export declare function measure(options?: { root?: string; tfjs?: boolean }): Promise<SizeReport>;
export declare function toMarkdown(m: SizeReport): string;
export declare function toTable(m: SizeReport): string;

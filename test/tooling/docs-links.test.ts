/**
 * Every relative link and image in README.md and docs/*.md points at a file that exists, and every
 * #anchor at a heading of its page (GitHub's heading ids). External links are not fetched.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pages = [
  resolve(root, 'README.md'),
  ...readdirSync(resolve(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => resolve(root, 'docs', f)),
];

/** The text outside fenced code blocks and inline code spans. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
}

/** GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens, -1, -2 for repeats. */
function anchors(markdown: string): Set<string> {
  const ids = new Set<string>();
  const count = new Map<string, number>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = text!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
    const n = count.get(base) ?? 0;
    count.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

/** Link and image targets of a page: [text](target), ![alt](target), <img src="target">. */
function targets(markdown: string): string[] {
  const text = prose(markdown);
  const out: string[] = [];
  for (const [, t] of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(t!);
  for (const [, t] of text.matchAll(/<img\s[^>]*src="([^"]+)"/g)) out.push(t!);
  return out;
}

describe('documentation links', () => {
  it('there are pages with links', () => {
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.flatMap((p) => targets(readFileSync(p, 'utf8'))).length).toBeGreaterThan(20);
  });

  for (const page of pages) {
    it(`${relative(root, page)}: relative links and images resolve`, () => {
      const broken: string[] = [];
      for (const target of targets(readFileSync(page, 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
        if (!existsSync(file)) {
          broken.push(`${target}: no file ${relative(root, file)}`);
          continue;
        }
        if (anchor !== undefined && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) {
          broken.push(`${target}: no heading #${anchor} in ${relative(root, file)}`);
        }
      }
      expect(broken).toEqual([]);
    });
  }

  it('every SVG picture in docs/images is shown somewhere', () => {
    const shown = pages.flatMap((p) => targets(readFileSync(p, 'utf8')).map((t) => resolve(dirname(p), t.split('#')[0]!)));
    const images = readdirSync(resolve(root, 'docs/images'))
      .filter((f) => f.endsWith('.svg'))
      .map((f) => resolve(root, 'docs/images', f));
    expect(images.filter((f) => !shown.includes(f)).map((f) => relative(root, f))).toEqual([]);
  });
});

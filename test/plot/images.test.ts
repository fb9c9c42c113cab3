/**
 * docs/images/*.svg are exactly what `npx tsx scripts/make-images.ts` makes (fixed seeds, so byte for
 * byte): after changing numnet/plot or the script, run it and commit the new pictures.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGES_DIR, renderImages } from '../../scripts/make-images.js';

describe('docs/images', () => {
  it('the generator reproduces every committed SVG byte for byte, and there is no other', async () => {
    const images = await renderImages();
    const committed = readdirSync(IMAGES_DIR).filter((f) => f.endsWith('.svg')).sort();
    expect(committed).toEqual(Object.keys(images).sort());
    for (const [name, svg] of Object.entries(images)) {
      expect(readFileSync(resolve(IMAGES_DIR, name), 'utf8'), `docs/images/${name} is stale: run npx tsx scripts/make-images.ts`).toBe(svg);
    }
  });

  it('renders the same bytes twice in one process', async () => {
    const [a, b] = [await renderImages(), await renderImages()];
    expect(a).toEqual(b);
  });
});

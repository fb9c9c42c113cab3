/**
 * Writes the pictures of docs/ (docs/images/*.svg) with `numnet/plot`, from fixed seeds, so the
 * same code gives the same bytes (test/plot/images.test.ts checks that the committed files are what
 * this script makes). Run: npx tsx scripts/make-images.ts   (`--check` compares instead of writing.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Adagrad, Adam, Conv2D, Dense, Dropout, Flatten, LeakyReLU, MaxPooling2D, RMSprop, Random, SGD, Sequential, reshape } from '../src/index.js';
import { SURFACES, plotActivations, plotFeatureMaps, plotFilters, plotHistory, plotOptimizerPaths } from '../src/plot/index.js';
import { loadMnist } from '../examples/lib/mnist.js';

/** Where the images go. */
export const IMAGES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'images');

/** Noisy XOR: 200 points of [−1, 1]², label 1 where x·y > 0, 10% of the labels flipped. */
function noisyXor(seed: number): { x: number[][]; y: number[][] } {
  const rng = new Random(seed);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 200; i++) {
    const p = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    const label = p[0]! * p[1]! > 0 ? 1 : 0;
    x.push(p);
    y.push([rng.next() < 0.1 ? 1 - label : label]);
  }
  return { x, y };
}

/**
 * The network of examples/mnist-cnn.ts trained for 1 epoch on 2,000 digits, without the example's
 * shifts (a few seconds; the example trains 10 epochs on 8,000): its first layer's filters, and
 * what they make of the first held-out digit.
 */
async function cnnImages(images: Record<string, string>): Promise<void> {
  const { xTrain, yTrain, xTest } = loadMnist(1, 2000, 2000);
  const model = new Sequential([
    new Conv2D({ filters: 16, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 32, kernelSize: 5, activation: 'relu' }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dropout({ rate: 0.25 }),
    new Dense({ units: 10, activation: 'softmax' }),
  ], { seed: 1 });
  model.compile({ optimizer: new Adam({ learningRate: 0.002 }), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  await model.fit(reshape(xTrain, [2000, 28, 28, 1]), yTrain, { epochs: 1, batchSize: 32 });
  images['cnn-filters.svg'] = plotFilters(model, {
    title: 'The 16 first-layer filters (5×5) of examples/mnist-cnn.ts, 1 epoch on 2,000 digits',
  });
  const digit = reshape(xTest.slice(0, 1), [28, 28, 1]);
  images['cnn-feature-maps.svg'] = plotFeatureMaps(model, digit, {
    title: 'A held-out digit and its 16 feature maps after the first Conv2D (5×5, ReLU)',
  });
}

/** Every image, by file name. */
export async function renderImages(): Promise<Record<string, string>> {
  const images: Record<string, string> = {};

  images['activations.svg'] = plotActivations(['step', 'linear', 'sigmoid', 'tanh', 'relu', 'elu'], {
    xRange: [-4, 4],
    title: 'Activation functions of the slides and their derivatives',
  });
  images['sigmoid-derivative.svg'] = plotActivations(['sigmoid'], {
    xRange: [-6, 6],
    referenceLines: [{ y: 0.25, label: 'max σ′ = σ′(0) = 0.25' }],
    title: 'The sigmoid and its derivative: at most 0.25, hence vanishing gradients',
  });
  images['relu-family.svg'] = plotActivations(
    [
      'relu',
      { label: 'LeakyReLU (α = 0.1)', activation: new LeakyReLU({ alpha: 0.1 }).activation },
      { label: 'PReLU (α = 0.25, learned)', activation: new LeakyReLU({ alpha: 0.25 }).activation },
      'elu',
    ],
    { xRange: [-3, 3], title: 'The ReLU family: ReLU, Leaky ReLU, PReLU, ELU' },
  );
  images['activations-more.svg'] = plotActivations(['selu', 'softplus', 'softsign', 'swish', 'gelu'], {
    xRange: [-4, 4],
    title: 'More activations: selu, softplus, softsign, swish, gelu',
  });

  const { x, y } = noisyXor(1);
  const model = new Sequential(
    [new Dense({ units: 16, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1, activation: 'sigmoid' })],
    { seed: 1 },
  );
  model.compile({ optimizer: new Adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['acc'] });
  const history = await model.fit(x, y, { epochs: 80, batchSize: 16, validationSplit: 0.25 });
  images['history-xor.svg'] = plotHistory(history, {
    title: 'Noisy XOR, 2-16-1 tanh, Adam(0.02): fit(x, y, { epochs: 80, validationSplit: 0.25 })',
  });

  images['optimizer-paths-quadratic.svg'] = plotOptimizerPaths(
    SURFACES.quadratic,
    [
      new SGD({ learningRate: 0.45 }),
      new SGD({ learningRate: 0.05, momentum: 0.9 }),
      new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }),
      new Adagrad({ learningRate: 2 }),
      new RMSprop({ learningRate: 0.3 }),
      new Adam({ learningRate: 0.5 }),
    ],
    { steps: 60, levels: [0.05, 0.2, 0.5, 1, 2, 4, 7, 11, 16, 22, 30, 40] },
  );
  images['optimizer-paths-beale.svg'] = plotOptimizerPaths(
    { ...SURFACES.beale, xRange: [-1, 4.5], yRange: [-1.5, 2] },
    [
      new SGD({ learningRate: 0.01 }),
      new SGD({ learningRate: 0.001, momentum: 0.9 }),
      new SGD({ learningRate: 0.001, momentum: 0.9, nesterov: true }),
      new Adagrad({ learningRate: 1 }),
      new RMSprop({ learningRate: 0.01 }),
      new Adam({ learningRate: 0.1 }),
    ],
    { steps: 300 },
  );
  await cnnImages(images);
  return images;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const images = await renderImages();
  let stale = 0;
  for (const [name, svg] of Object.entries(images)) {
    const file = resolve(IMAGES_DIR, name);
    if (check) {
      let old = '';
      try {
        old = readFileSync(file, 'utf8');
      } catch {
        // missing: stale
      }
      if (old !== svg) {
        stale++;
        console.log(`stale: docs/images/${name}`);
      }
    } else {
      writeFileSync(file, svg);
      console.log(`wrote docs/images/${name} (${svg.length.toLocaleString('en-US')} bytes)`);
    }
  }
  if (stale > 0) {
    console.log('run: npx tsx scripts/make-images.ts');
    process.exitCode = 1;
  } else if (check) {
    console.log(`docs/images: all ${Object.keys(images).length} pictures are up to date`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();

/**
 * summary() draws Keras 3's table (keras/src/utils/summary_utils.py through rich). The expected
 * texts are Keras's own output, written by summary-reference.py (Keras 3.15.1, torch backend, floatx
 * float64 so that the sizes count 8 bytes a value, as numnet's weights do).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Adam, BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential } from '../../src/index.js';
import { columnWidths, memorySize, wrap } from '../../src/models/summary.js';

const keras = JSON.parse(readFileSync(new URL('./summary-reference.json', import.meta.url), 'utf8')) as Record<string, string>;
const quiet = { printFn: () => {} };

const cnn = () =>
  new Sequential(
    [
      new Conv2D({ filters: 8, kernelSize: 3, inputShape: [28, 28, 1], name: 'conv2d' }),
      new BatchNormalization({ name: 'batch_normalization' }),
      new MaxPooling2D({ name: 'max_pooling2d' }),
      new Flatten({ name: 'flatten' }),
      new Dense({ units: 10, name: 'a_dense_layer_with_a_name_longer_than_its_column' }),
    ],
    { name: 'a_very_long_model_name' },
  );

describe("summary() as Keras 3 draws it (Keras's own text)", () => {
  it('the MNIST MLP', () => {
    const m = new Sequential([new Dense({ units: 100, activation: 'sigmoid', inputShape: [784] }), new Dropout({ rate: 0.2 }), new Dense({ units: 10, activation: 'softmax' })]);
    expect(m.summary(quiet)).toBe(keras.mlp);
  });

  it('a CNN: a wrapped class name, a word cut with …, non-trainable weights', () => {
    expect(cnn().summary(quiet)).toBe(keras.cnn);
  });

  it('after Adam has updated: the optimizer’s values counted (slots, step count, learning rate)', () => {
    const m = cnn();
    m.compile({ optimizer: new Adam(), loss: 'mse' });
    m.trainOnBatch(new Array(2).fill(0).map(() => new Array(28).fill(0).map(() => new Array(28).fill([0]))), [new Array(10).fill(0), new Array(10).fill(0)]);
    expect(m.summary(quiet)).toBe(keras.cnnAfterAdam);
  });

  it('lineLength as Keras’s line_length (rich crops Keras’s own 88-wide table at 80 columns: the columns it shows)', () => {
    const widths = columnWidths(88);
    expect(widths).toEqual([36, 27, 15]);
    const m = cnn().summary({ ...quiet, lineLength: 88 });
    const lines = m.split('\n');
    const kerasLines = keras.cnn88!.split('\n');
    // Keras's rows are cut at 80 characters; numnet's are whole (88).
    for (let i = 0; i < 16; i++) expect(lines[i]!.slice(0, 80)).toBe(kerasLines[i]);
    expect(lines[1]!.length).toBe(88);
  });

  it('the parts: rich’s widths for other lengths, wrapping, Keras’s memory sizes', () => {
    expect(columnWidths(76)).toEqual([31, 22, 13]);
    expect(wrap('batch_normalization (BatchNormalization)', 31)).toEqual(['batch_normalization', '(BatchNormalization)']);
    expect(wrap('abcdef gh', 4)).toEqual(['abc…', 'gh']);
    // Python: '{:.2f} {}'.format(...) over powers of 1024; ties of the binary value to even.
    expect([0, 1023, 1024, 1152, 1536, 1048576 * 3.5].map(memorySize)).toEqual(['0.00 B', '1023.00 B', '1.00 KB', '1.12 KB', '1.50 KB', '3.50 MB']);
    expect(() => cnn().summary({ ...quiet, lineLength: 10 })).toThrow(/lineLength/);
  });
});

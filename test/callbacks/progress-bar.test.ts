/** The core's ProgressBar (verbose 1 on a TTY and not, verbose 2; steps counted as Keras) and fit's progress routing. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dense, EpochLogger, ProgressBar, Sequential, SGD, formatNumber, setProgressFactory } from '../../src/index.js';
import type { CallbackHooks, Logs, TrainingParams } from '../../src/index.js';
import { progressCallback } from '../../src/callbacks/progress.js';

/** A fake output stream collecting what is written. */
function fakeStream(isTTY: boolean, columns?: number) {
  const s = {
    out: '',
    isTTY,
    columns,
    write(chunk: string) {
      s.out += chunk;
      return true;
    },
  };
  return s;
}

/**
 * A fake clock in ms, advanced by a plain callback that must come before the bar in the callback
 * list: each batch takes `perBatch` ms, each validation pass `validation` ms.
 */
function fakeClock(perBatch: number, validation = 0) {
  let t = 1_000_000;
  const now = () => t;
  const hooks: CallbackHooks = {
    onBatchBegin: () => void (t += perBatch),
    onEpochEnd: () => void (t += validation),
  };
  return { now, hooks };
}

/** Records the batch logs fit reports. */
function batchRecorder() {
  const logs: Logs[] = [];
  return { logs, hooks: { onBatchEnd: (_b: number, l?: Logs) => void logs.push({ ...l }) } as CallbackHooks };
}

// 20 training samples in 5 batches of 4, 8 validation samples.
const rows = (n: number, offset: number) =>
  Array.from({ length: n }, (_, i) => [Math.sin(i + offset), Math.cos(2 * i + offset), ((i + offset) % 5) / 5]);
const x = rows(20, 0);
const y = x.map((r) => [0.5 * r[0]! - r[1]! + 0.25 * r[2]!]);
const vx = rows(8, 100);
const vy = vx.map((r) => [0.5 * r[0]! - r[1]! + 0.25 * r[2]!]);

function model() {
  const m = new Sequential([new Dense({ units: 4, activation: 'tanh', inputShape: [3] }), new Dense({ units: 1 })], { seed: 1 });
  m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] });
  return m;
}

const f = formatNumber;
const epochTail = (h: Record<string, number[]>, e: number) =>
  `loss: ${f(h.loss![e]!)} - mae: ${f(h.mae![e]!)} - val_loss: ${f(h.val_loss![e]!)} - val_mae: ${f(h.val_mae![e]!)}`;

beforeEach(() => setProgressFactory(undefined));
afterEach(() => {
  setProgressFactory(undefined);
  vi.restoreAllMocks();
});

describe('ProgressBar, verbose 1', () => {
  it('without a TTY prints the epoch header and only the final line, no \\r', async () => {
    const stream = fakeStream(false);
    const clock = fakeClock(600, 100);
    const bar = new ProgressBar({ stream, now: clock.now });
    const h = await model().fit(x, y, {
      epochs: 2, batchSize: 4, shuffle: false, validationData: [vx, vy], callbacks: [clock.hooks, bar],
    });
    // 5 batches × 600 ms + 100 ms of validation = 3.1 s, 620 ms per batch.
    expect(stream.out).toBe(
      'Epoch 1/2\n' +
        `5/5 [==============================] - 3s 620ms/step - ${epochTail(h.history, 0)}\n` +
        'Epoch 2/2\n' +
        `5/5 [==============================] - 3s 620ms/step - ${epochTail(h.history, 1)}\n`,
    );
    expect(stream.out).not.toContain('\r');
  });

  it('on a TTY redraws the bar with \\r after the batches (ETA, running means), then the final line', async () => {
    const stream = fakeStream(true);
    const clock = fakeClock(800, 100);
    const rec = batchRecorder();
    const bar = new ProgressBar({ stream, now: clock.now });
    const h = await model().fit(x, y, {
      epochs: 1, batchSize: 4, shuffle: false, validationData: [vx, vy], callbacks: [clock.hooks, rec.hooks, bar],
    });
    const bars = [
      '1/5 [=====>........................]',
      '2/5 [===========>..................]',
      '3/5 [=================>............]',
      '4/5 [=======================>......]',
      '5/5 [==============================]',
    ];
    // ETA = mean time per step so far × steps left: 800 ms × 4, 800 × 3, …
    const etas = ['3s', '2s', '1s', '0s', '0s'];
    const expected = [
      'Epoch 1/1\n',
      ...bars.map((b, i) => `${b} - ETA: ${etas[i]} - loss: ${f(rec.logs[i]!.loss!)} - mae: ${f(rec.logs[i]!.mae!)}`),
      `5/5 [==============================] - 4s 820ms/step - ${epochTail(h.history, 0)}`,
    ];
    const segments = stream.out.split('\r');
    expect(segments).toHaveLength(expected.length);
    expect(segments[0]).toBe(expected[0]);
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i]!.trimEnd()).toBe(expected[i]);
      // A shorter redraw blanks out the rest of the previous line.
      const drawn = segments[i]!.replace(/\n$/, '');
      expect(drawn.length).toBe(Math.max(expected[i]!.length, i > 1 ? expected[i - 1]!.length : 0));
    }
    expect(stream.out.endsWith('\n')).toBe(true);
    expect(stream.out.split('\n')).toHaveLength(3); // header, bar line, nothing after the final '\n'
  });

  it('on a TTY redraws at most every 50 ms but always after the last batch, cut to the terminal width', async () => {
    const stream = fakeStream(true, 45);
    const clock = fakeClock(10);
    const bar = new ProgressBar({ stream, now: clock.now });
    const h = await model().fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, callbacks: [clock.hooks, bar] });
    const segments = stream.out.split('\r').slice(1);
    // Batch 1 (t = 10 ms) and batch 5 (the last); batches 2–4 come within 50 ms of the first draw.
    expect(segments).toHaveLength(3);
    expect(segments[0]).toBe('1/5 [=====>........................] - ETA: '); // 44 = columns - 1
    expect(segments[1]).toBe('5/5 [==============================] - ETA: ');
    // The final line is not cut: it ends with a newline, wrapping does no harm.
    expect(segments[2]).toBe(`5/5 [==============================] - 50ms 10ms/step - loss: ${f(h.history.loss![0]!)} - mae: ${f(h.history.mae![0]!)}\n`);
  });
});

describe('ProgressBar, verbose 2', () => {
  it('prints the epoch header and one line per epoch: steps, elapsed, time per step, logs', async () => {
    const stream = fakeStream(true); // a TTY changes nothing at verbose 2
    const clock = fakeClock(8, 2);
    const bar = new ProgressBar({ stream, verbose: 2, now: clock.now });
    const h = await model().fit(x, y, {
      epochs: 2, batchSize: 4, shuffle: false, validationData: [vx, vy], callbacks: [clock.hooks, bar],
    });
    expect(stream.out).toBe(
      'Epoch 1/2\n' +
        `5/5 - 42ms - 8ms/step - ${epochTail(h.history, 0)}\n` +
        'Epoch 2/2\n' +
        `5/5 - 42ms - 8ms/step - ${epochTail(h.history, 1)}\n`,
    );
  });
});

describe('ProgressBar time formats', () => {
  /** Drives the hooks by hand: `steps` batches of `perBatchMs` over `samples` samples. */
  function drive(verbose: 1 | 2, isTTY: boolean, samples: number, steps: number, perBatchMs: number) {
    const stream = fakeStream(isTTY);
    let t = 0;
    const bar = new ProgressBar({ stream, verbose, now: () => t });
    const params: TrainingParams = {
      epochs: 10, initialEpoch: 2, samples, steps, batchSize: Math.ceil(samples / steps), verbose, metrics: ['loss'],
    };
    bar.params = params;
    bar.onEpochBegin(2);
    for (let b = 0; b < steps; b++) {
      t += perBatchMs;
      bar.onBatchEnd(b, { batch: b, size: Math.min(params.batchSize, samples - b * params.batchSize), loss: 0.5 });
    }
    bar.onEpochEnd(2, { loss: 0.25 });
    return stream.out;
  }

  it('seconds, milliseconds and microseconds per step as Keras', () => {
    expect(drive(2, false, 8000, 250, 8)).toBe('Epoch 3/10\n250/250 - 2s - 8ms/step - loss: 0.2500\n');
    expect(drive(2, false, 100, 10, 0.12)).toBe('Epoch 3/10\n10/10 - 1ms - 120us/step - loss: 0.2500\n');
    expect(drive(1, false, 100, 4, 2400)).toBe(
      'Epoch 3/10\n4/4 [==============================] - 10s 2s/step - loss: 0.2500\n',
    );
  });

  it('ETA in minutes and hours on long epochs', () => {
    const minutes = drive(1, true, 1000, 10, 15_000).split('\r');
    expect(minutes[1]).toBe(' 1/10 [==>...........................] - ETA: 2:15 - loss: 0.5000');
    const hours = drive(1, true, 1000, 10, 600_000).split('\r');
    expect(hours[1]).toBe(' 1/10 [==>...........................] - ETA: 1:30:00 - loss: 0.5000');
  });
});

describe('fit verbose routing', () => {
  it('in Node, with no import but the core, verbose 1 and 2 get the ProgressBar; without process.stdout the EpochLogger', () => {
    const [one, two] = [progressCallback(1), progressCallback(2)];
    expect(one).toBeInstanceOf(ProgressBar);
    expect((one as ProgressBar).verbose).toBe(1);
    expect(two).toBeInstanceOf(ProgressBar);
    expect((two as ProgressBar).verbose).toBe(2);
    vi.stubGlobal('process', undefined);
    try {
      expect(progressCallback(1)).toBeInstanceOf(EpochLogger);
      expect(() => new ProgressBar()).toThrow(/no Node standard output; pass \{ stream \}/);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(progressCallback(1)).toBeInstanceOf(ProgressBar);
  });

  it('fit({ verbose: 1 }) draws the bar on process.stdout with nothing but the core imported', async () => {
    vi.resetModules();
    const fresh = await import('../../src/index.js');
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const m = new fresh.Sequential([new fresh.Dense({ units: 1, inputShape: [3] })], { seed: 1 });
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 1 });
      await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 2 });
    } finally {
      fresh.setProgressFactory(undefined);
      vi.restoreAllMocks();
    }
    const out = writes.join('');
    expect(out).toMatch(/^Epoch 1\/1\n/);
    expect(out).toMatch(/5\/5 \[={30}\] - \d+m?s \d+[mu]?s\/step - loss: \d\.\d{4}\n/);
    expect(out).toMatch(/\nEpoch 1\/1\n5\/5 - \d+m?s - \d+[mu]?s\/step - loss: \d\.\d{4}\n$/);
  });

  it('setProgressFactory routes verbose 1 to an injected ProgressBar', async () => {
    const stream = fakeStream(false);
    const clock = fakeClock(5);
    setProgressFactory((verbose) => new ProgressBar({ verbose, stream, now: clock.now }));
    const h = await model().fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 1, callbacks: clock.hooks });
    expect(stream.out).toBe(
      `Epoch 1/1\n5/5 [==============================] - 25ms 5ms/step - loss: ${f(h.history.loss![0]!)} - mae: ${f(h.history.mae![0]!)}\n`,
    );
  });

  it('where there is no process.stdout (a browser), verbose 1 is the EpochLogger on console.log', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    setProgressFactory(() => new EpochLogger());
    const h = await model().fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 1, validationData: [vx, vy] });
    expect(log.mock.calls).toEqual([
      [`Epoch 1/2 - ${epochTail(h.history, 0)}`],
      [`Epoch 2/2 - ${epochTail(h.history, 1)}`],
    ]);
  });

  it('verbose 0 prints nothing', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const stream = fakeStream(true);
    setProgressFactory((verbose) => new ProgressBar({ verbose, stream }));
    await model().fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(log).not.toHaveBeenCalled();
    expect(stream.out).toBe('');
  });
});

/**
 * Keras's `BackupAndRestore`, with `ModelCheckpoint` and `initialEpoch`: the recipe of
 * docs/saving.md ("Backup and restore"), run as written there (the doc imports from 'numnet/node';
 * this file imports the same names from the source).
 *
 * A training run is interrupted at the start of epoch 4 (as Keras's own example does, by raising in
 * a callback); running the same code again resumes from the last backup and finishes. The resumed
 * run ends with exactly the weights — every bit — and the losses of a run that was never
 * interrupted: the backup is numnet's native format, which holds the weights, the optimizer state
 * (Adam's moments and step count) and the random generators (the shuffle order, Dropout's masks).
 *
 * Run: npx tsx examples/backup-and-restore.ts
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, Dense, Dropout, LambdaCallback, ModelCheckpoint, Random, Sequential, load } from '../src/node/index.js';
import type { CallbackHooks, History } from '../src/node/index.js';

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`backup-and-restore: ${what}`);
  console.log(`  ok: ${what}`);
}

// Data and model of the example: a small regression with Dropout, shuffled every epoch.
const rng = new Random(7);
const x = Array.from({ length: 64 }, () => [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]);
const y = x.map(([a, b, c]) => [Math.sin(a!) + b! * c!]);
const EPOCHS = 8;

function makeModel(): Sequential {
  const model = new Sequential([
    new Dense({ units: 16, activation: 'relu', inputShape: [3] }),
    new Dropout({ rate: 0.2 }),
    new Dense({ units: 1 }),
  ], { seed: 3 });
  model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'mse' });
  return model;
}

// ------------------------------------------------------------------ the recipe (docs/saving.md)
/** The backups in `dir`: epoch-N holds the model at the end of epoch N (1-based, as `{epoch}`). */
function lastBackup(dir: string): number {
  if (!existsSync(dir)) return 0;
  const done = readdirSync(dir)
    .map((name) => /^epoch-(\d+)$/.exec(name))
    .filter((m) => m !== null && existsSync(join(dir, m[0], 'model.json'))) // a save cut short has no model.json
    .map((m) => Number(m![1]));
  return Math.max(0, ...done);
}

async function trainWithBackup(dir: string, extra: CallbackHooks[] = []): Promise<{ model: Sequential; history: History }> {
  // Restore: the last complete backup and the epoch it ended, or a new model from epoch 0.
  const initialEpoch = lastBackup(dir);
  const model = initialEpoch > 0 ? await load(join(dir, `epoch-${initialEpoch}`)) : makeModel();
  const history = await model.fit(x, y, {
    epochs: EPOCHS,
    batchSize: 8,
    initialEpoch,
    callbacks: [
      new ModelCheckpoint(join(dir, 'epoch-{epoch}')), // a backup at each epoch end, written atomically
      new LambdaCallback({
        // Then the one before it goes: one backup at a time, as Keras keeps.
        onEpochEnd: (epoch) => rmSync(join(dir, `epoch-${epoch}`), { recursive: true, force: true }),
      }),
      ...extra,
    ],
  });
  rmSync(dir, { recursive: true, force: true }); // training completed: the backup is deleted, as Keras does
  return { model, history };
}
// ------------------------------------------------------------------ end of the recipe

const bits = (m: Sequential) => m.getWeights().flatMap((t) => Array.from(t.data));
const root = mkdtempSync(join(tmpdir(), 'numnet-backup-'));
try {
  console.log(`Uninterrupted: ${EPOCHS} epochs`);
  const reference = makeModel();
  const full = await reference.fit(x, y, { epochs: EPOCHS, batchSize: 8 });

  console.log('Interrupted at the start of epoch 4 (index 3), then run again');
  const backup = join(root, 'backup');
  const interrupt: CallbackHooks = {
    onEpochBegin(epoch) {
      if (epoch === 3) throw new Error('Interrupting!');
    },
  };
  const first = await trainWithBackup(backup, [interrupt]).then(() => 'finished', (e: Error) => e.message);
  check(first === 'Interrupting!', 'the first run was interrupted');
  check(lastBackup(backup) === 3 && readdirSync(backup).length === 1, 'one backup was left: the end of epoch 3 (epoch-3)');

  const { model, history } = await trainWithBackup(backup);
  check(history.epoch.join() === '3,4,5,6,7', `the second run resumed at epoch index 3 and ran ${history.epoch.length} epochs`);
  check(
    history.history.loss!.every((l, i) => Object.is(l, full.history.loss![i + 3])),
    'its losses are bit-identical to epochs 3–7 of the uninterrupted run',
  );
  const a = bits(model);
  const b = bits(reference);
  check(a.length === b.length && a.every((v, i) => Object.is(v, b[i])), `its ${a.length} final weights are bit-identical to the uninterrupted run's`);
  check(!existsSync(backup), 'the backup was deleted when training completed');
} finally {
  rmSync(root, { recursive: true, force: true });
}

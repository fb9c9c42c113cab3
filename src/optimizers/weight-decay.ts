/**
 * Decoupled weight decay (Keras 3, keras/src/optimizers/base_optimizer.py `_apply_weight_decay`):
 * before the update step of every optimizer, w ← w − αλw, with α the learning rate of that step
 * (a schedule's value at t) and λ the optimizer's `weightDecay`. It is not a gradient term: the
 * decay is the same whatever the optimizer does with g (Loshchilov & Hutter's AdamW; for SGD it
 * equals an L2 penalty of λ/2·‖w‖², for adaptive optimizers it does not).
 *
 * `Optimizer.apply` calls it inside its transaction, after clipping, weight by weight just before
 * that weight's `updateStep` (each weight's decay reads only that weight, so this is Keras's "all
 * weights first" order); a failure later in the step restores the decayed weights too.
 */
export function decayWeights(w: Float64Array, lr: number, weightDecay: number): void {
  // (α·λ)·w, the product of AdamW's loop before the decay moved here: the same doubles.
  for (let i = 0; i < w.length; i++) w[i]! -= lr * weightDecay * w[i]!;
}

/**
 * RMSprop's momentum and every optimizer's decoupled weight decay, against Keras 3's values.
 *
 * REFERENCE holds NumPy float64 values (numpy 2.4, run with python3 for this file; not numnet's
 * output): a line-by-line transcription of Keras 3's optimizers — keras/src/optimizers/
 * base_optimizer.py (`_backend_apply_gradients`: clip, then `_apply_weight_decay`
 * w ← w − w·wd·lr with the learning rate of that step, then `update_step`), rmsprop.py, sgd.py,
 * adagrad.py, adadelta.py, adamax.py, adam.py, and schedules ExponentialDecay — on one small
 * problem, five steps: L(w) = ½Σ aᵢ(wᵢ − tᵢ)², a = [1, 10, 0.5, 3], t = [0.3, −0.2, 1.5, −1],
 * from w = [1, −2, 0.5, 2.5]. The generator, in short:
 *
 *   w = W0; for it in range(5):
 *     g = A*(w - T); lr = schedule(it)                       # iterations before the step
 *     if wd is not None: w = w - w*wd*lr                     # _apply_weight_decay
 *     w = update_step(w, g, lr, t=it+1)                      # each optimizer's update_step
 *   rmsprop: v = rho*v + (1-rho)*g²; centered: a = rho*a + (1-rho)*g, den = v - a² + eps, else
 *            den = v + eps; inc = lr*g/√den; momentum > 0: m = momentum*m + inc, w -= m; else w -= inc
 *   adam:    alpha = lr*√(1-β₂ᵗ)/(1-β₁ᵗ); m += (g-m)(1-β₁); v += (g²-v)(1-β₂); w -= m*alpha/(√v + eps)
 *   (sgd, adagrad, adadelta, adamax: their update_step the same way.)
 *
 * Keras's Adam adds ε to √v where numnet adds it to √v̂ (docs/optimizers.md); with ε = 1e-300 both
 * are the same equation, so Adam and AdamW are compared there. Tolerance: specification §10.
 */
import { describe, expect, it } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, Adamax, Optimizer, RMSprop, SGD, exponentialDecay } from '../../src/index.js';
import { expectClose } from '../helpers/golden.js';
import { parameter } from './helpers.js';

const A = [1, 10, 0.5, 3];
const T = [0.3, -0.2, 1.5, -1];
const W0 = [1, -2, 0.5, 2.5];

/** The weights after each of five steps, from NumPy following Keras 3's sources (see above). */
const REFERENCE: Record<string, number[][]> = {
  'rmsprop momentum 0.9': [
    [0.9683772556664062, -1.9683772234471169, 0.5316227133563203, 2.4683772235417303],
    [0.91748409235225, -1.9171687393244783, 0.5826723301840449, 2.41707403995005],
    [0.8537064386465709, -1.8523313126523961, 0.6469801716768308, 2.3519249170546366],
    [0.7813404704924951, -1.7776800690058505, 0.7205002313691778, 2.2766180561202303],
    [0.7036294201207149, -1.6959332462546244, 0.8002709968358699, 2.1937460732447276],
  ],
  'rmsprop centered momentum 0.5': [
    [0.9666667044594973, -1.9666666667238226, 0.5333332592595061, 2.466666666834635],
    [0.9251083309126072, -1.9247365255344073, 0.5750763802108886, 2.4246252956775756],
    [0.8830931817396298, -1.881742955310056, 0.6175814349692658, 2.381344631451799],
    [0.8429307554226116, -1.839886242510685, 0.658598842752412, 2.3390011284816024],
    [0.8050277270372167, -1.7995207449230035, 0.6977543983841855, 2.2979437145143637],
  ],
  'rmsprop momentum 0.9 weightDecay 0.1': [
    [0.9673772556664062, -1.9663772234471169, 0.5311227133563203, 2.4658772235417303],
    [0.9155334071366044, -1.9132147872873029, 0.5816469171292453, 2.412116040910329],
    [0.8508845790670128, -1.8464962415186439, 0.6453886411710565, 2.344574957395784],
    [0.7777491883473753, -1.770055488553455, 0.7182927988619738, 2.2669588965275898],
    [0.6993882646598086, -1.6866246736513282, 0.7973934898771509, 2.181872666012483],
  ],
  'sgd weightDecay 0.1': [
    [0.96, -1.0899999999999999, 0.5225, 1.9625],
    [0.9221999999999999, -0.63955, 0.544325, 1.5083125],
    [0.8864789999999999, -0.41657725, 0.56549525, 1.1245240625],
    [0.8527226549999999, -0.30620573874999996, 0.5860303925, 0.8002228328124998],
    [0.8208229089749999, -0.25157184068125, 0.605949480725, 0.5261882937265624],
  ],
  'sgd nesterov 0.9 weightDecay 0.1': [
    [0.9285, -0.28, 0.545, 1.4899999999999998],
    [0.8358, 0.5264000000000002, 0.6078875, 0.3476499999999998],
    [0.7297507499999999, 0.5221880000000002, 0.68478715625, -0.7234285000000003],
    [0.6177034499999999, 0.15895646000000002, 0.771958483671875, -1.5791077100000002],
    [0.5062131971249999, -0.18242089930000008, 0.8658741111775392, -2.14219603885],
  ],
  'adagrad weightDecay 0.2': [
    [0.8888677700364933, -1.8600154285428638, 0.5745154133992221, 2.3500453206911707],
    [0.8102485695642151, -1.7550263537976136, 0.6246348474910778, 2.2339145929214044],
    [0.7474084734621772, -1.666319390816133, 0.6624905342441952, 2.1337278544044036],
    [0.6946107804115577, -1.5878805030172352, 0.6926390255948551, 2.0436824811010657],
    [0.6490534049498785, -1.5168536639260164, 0.717380894969933, 1.9610110348268834],
  ],
  'adadelta weightDecay 0.05': [
    [0.9485857893237681, -1.8985857864419917, 0.4764142079055528, 2.3735857864504544],
    [0.8997785305131484, -1.802265334106734, 0.454041883588972, 2.2535001825605123],
    [0.8534720111536235, -1.7108030826763359, 0.4328207333148624, 2.139440560305076],
    [0.809551808367458, -1.6239644204981756, 0.41269164299541333, 2.0311115852775896],
    [0.7679034671240283, -1.5415219573062084, 0.39359852610927853, 1.928229501501962],
  ],
  'adamax weightDecay 0.1': [
    [0.9890000014285713, -1.9880000000555555, 0.5094999980000005, 2.4875000000952383],
    [0.9780837823824483, -1.9760371129429393, 0.5189504559785117, 2.4750213059885287],
    [0.9672537245002576, -1.9641124532196792, 0.5283498526240241, 2.462564527020449],
    [0.9565121566102976, -1.9522271238465962, 0.5376966906338086, 2.450130268161572],
    [0.945861347554641, -1.9403822134221314, 0.5469895008771036, 2.43771912858918],
  ],
  'adam weightDecay 0.1 eps 1e-300': [
    [0.989, -1.988, 0.5095, 2.4875000000000003],
    [0.9780154419273456, -1.976013799443359, 0.5189878980755362, 2.475013448582213],
    [0.9670493527900428, -1.9640425934746237, 0.5284619480293706, 2.4625409655606725],
    [0.9561048095345321, -1.952087579557483, 0.537920392789749, 2.450083168973358],
    [0.9451849323738971, -1.940149954696275, 0.5473614685897505, 2.4376406736524063],
  ],
  'adamw 0.004 eps 1e-300': [
    [0.98996, -1.98992, 0.50998, 2.4899],
    [0.9799244279476991, -1.9798419063923782, 0.5199568606765523, 2.4798011677065],
    [0.9698960386654404, -1.9697667287521772, 0.5299287247666771, 2.4697040132014183],
    [0.9598776326998617, -1.959695479366391, 0.5398937173204122, 2.459609045840318],
    [0.9498720502771205, -1.949629170924675, 0.5498499499533366, 2.4495167731067564],
  ],
  'rmsprop weightDecay 0.1 exponentialDecay': [
    [0.836886278332031, -1.8318861172355838, 0.6556135667816017, 2.329386117708651],
    [0.7636364380841151, -1.7481654426665623, 0.7276283532922424, 2.241986691788879],
    [0.7224593983232603, -1.698856894832183, 0.7684745706261513, 2.1899036681025033],
    [0.697111972958616, -1.6678035037163155, 0.7936314586639021, 2.156929741000324],
    [0.6807288602674759, -1.647538522897072, 0.8098251328642607, 2.135368540150012],
  ],
};

const CASES: [string, () => Optimizer][] = [
  ['rmsprop momentum 0.9', () => new RMSprop({ learningRate: 0.01, momentum: 0.9 })],
  ['rmsprop centered momentum 0.5', () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
  ['rmsprop momentum 0.9 weightDecay 0.1', () => new RMSprop({ learningRate: 0.01, momentum: 0.9, weightDecay: 0.1 })],
  ['sgd weightDecay 0.1', () => new SGD({ learningRate: 0.05, weightDecay: 0.1 })],
  ['sgd nesterov 0.9 weightDecay 0.1', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 })],
  ['adagrad weightDecay 0.2', () => new Adagrad({ learningRate: 0.1, weightDecay: 0.2 })],
  ['adadelta weightDecay 0.05', () => new Adadelta({ learningRate: 1, weightDecay: 0.05 })],
  ['adamax weightDecay 0.1', () => new Adamax({ learningRate: 0.01, weightDecay: 0.1 })],
  ['adam weightDecay 0.1 eps 1e-300', () => new Adam({ learningRate: 0.01, epsilon: 1e-300, weightDecay: 0.1 })],
  ['adamw 0.004 eps 1e-300', () => new AdamW({ learningRate: 0.01, epsilon: 1e-300 })],
  ['rmsprop weightDecay 0.1 exponentialDecay', () => new RMSprop({ weightDecay: 0.1, learningRate: exponentialDecay({ initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.5 }) })],
];

describe('five steps on L = ½Σaᵢ(wᵢ − tᵢ)² equal Keras 3 (NumPy transcription of its sources)', () => {
  for (const [name, make] of CASES) {
    it(name, () => {
      const o = make();
      const p = parameter('w', W0);
      REFERENCE[name]!.forEach((expected, k) => {
        const w = p.value.data;
        for (let i = 0; i < w.length; i++) p.grad[i] = A[i]! * (w[i]! - T[i]!);
        o.apply([p]);
        expectClose(p.value.data, expected, `${name}, step ${k + 1}`);
      });
    });
  }

  it('every case is in the reference, and the reference has no case left untested', () => {
    expect(CASES.map(([n]) => n).sort()).toEqual(Object.keys(REFERENCE).sort());
  });

  it('the decay is not a gradient term: with weightDecay the weights differ from plain SGD on L + λ/2·‖w‖² only by the rounding (SGD) — and clearly for RMSprop', () => {
    // For SGD, w − αλw − αg = w − α(g + λw): decoupled decay is the L2 gradient. For RMSprop it is not.
    const run = (o: Optimizer, l2: number) => {
      const p = parameter('w', W0);
      for (let k = 0; k < 5; k++) {
        const w = p.value.data;
        for (let i = 0; i < w.length; i++) p.grad[i] = A[i]! * (w[i]! - T[i]!) + l2 * w[i]!;
        o.apply([p]);
      }
      return Array.from(p.value.data);
    };
    expectClose(run(new SGD({ learningRate: 0.05, weightDecay: 0.1 }), 0), run(new SGD({ learningRate: 0.05 }), 0.1), 'SGD');
    const decoupled = run(new RMSprop({ learningRate: 0.01, weightDecay: 0.1 }), 0);
    const coupled = run(new RMSprop({ learningRate: 0.01 }), 0.1);
    expect(Math.max(...decoupled.map((v, i) => Math.abs(v - coupled[i]!)))).toBeGreaterThan(1e-4);
  });
});

describe("Keras 3's own test values (keras/src/optimizers/rmsprop_test.py, rmsprop.py's docstring)", () => {
  const step = (o: Optimizer, w: number[], g: number[]) => {
    const p = parameter('w', w);
    p.grad.set(g);
    o.apply([p]);
    return Array.from(p.value.data);
  };

  it('test_weight_decay: w = 2, g = 0, α = 1, weight_decay 0.004, applied by three optimizers: 1.9760959', () => {
    let w = [2];
    for (let k = 0; k < 3; k++) w = step(new RMSprop({ learningRate: 1, weightDecay: 0.004 }), w, [0]);
    expect(w[0]).toBeCloseTo(1.9760959, 6);
  });

  it('test_single_step: RMSprop(0.5), g = [1, 6, 7, 2] on [1, 2, 3, 4] gives [−0.5811, 0.4189, 1.4189, 2.4189]', () => {
    const w = step(new RMSprop({ learningRate: 0.5 }), [1, 2, 3, 4], [1, 6, 7, 2]);
    [-0.5811, 0.4189, 1.4189, 2.4189].forEach((v, i) => expect(Math.abs(w[i]! - v)).toBeLessThan(1e-4));
  });

  it('the docstring: RMSprop(0.1) on var1 = 10, loss var1²/2 gives 9.683772', () => {
    expect(step(new RMSprop({ learningRate: 0.1 }), [10], [10])[0]).toBeCloseTo(9.683772, 6);
  });

  it('test_correctness_with_golden: centered, a first step of 0.01 then g = 0.1 … 1.0', () => {
    const golden = [0.9967, 0.9933, 0.9908, 0.9885, 0.9864];
    const o = new RMSprop({ centered: true });
    const p = parameter('x', new Array(10).fill(1));
    p.grad.fill(0.01);
    o.apply([p]);
    for (const expected of golden) {
      for (const v of p.value.data) expect(Math.abs(v - expected)).toBeLessThanOrEqual(5e-4 + 5e-4 * Math.abs(expected));
      p.grad.forEach((_, i) => (p.grad[i] = 0.1 * (i + 1)));
      o.apply([p]);
    }
  });
});

/**
 * numnet: float64 neural networks with a Keras-style API, exact gradients, and every number of
 * the course reproducible. This entry point is browser-safe; file I/O lives in `numnet/node`.
 * @packageDocumentation
 * @module numnet
 */
export { NumnetError } from './errors.js';
export type { NumnetErrorCode } from './errors.js';
export { Random, setSeed } from './random.js';
export type { RandomState } from './random.js';

export { Tensor, tensor, zeros, ones, fill, randomUniform, randomNormal, reshape, toTensor } from './tensor/tensor.js';
export type { NestedArray, NumericArray, TensorLike, RandomOptions } from './tensor/tensor.js';
export {
  add, sub, mul, div, pow, map, exp, log, sqrt, abs, matMul, transpose, sum, mean, max, argMax, argmax,
  slice, gather, concat, broadcastShapes,
} from './tensor/ops.js';
export { checkedGemm as gemm, setKernelBackend, getKernelBackend } from './tensor/kernels.js';
export type { KernelBackend } from './tensor/kernels.js';
export { setThreads, getThreads } from './tensor/wasm/threads.js';
export { erf, erfc } from './math/special.js';

export { ACTIVATIONS, getActivation, activate, activationGradient, makeGelu } from './activations/activations.js';
export type { Activation as ActivationFunction } from './activations/activations.js';

export { Layer } from './layers/layer.js';
export type { LayerConfig, LayerShapes, Parameter, PreparedBuild, WeightShape } from './layers/layer.js';
export * from './layers/index.js';
export {
  getInitializer, glorotUniform, glorotNormal, heUniform, heNormal, lecunNormal, constant,
  randomUniformInitializer, randomNormalInitializer,
} from './layers/initializers.js';
export type { Initializer, InitializerSpec } from './layers/initializers.js';
export { Regularizer, l1, l2, l1l2 } from './layers/regularizers.js';

export {
  Loss, MeanSquaredError, MeanAbsoluteError, Huber, BinaryCrossentropy, CategoricalCrossentropy,
  SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, LogCosh,
  CosineSimilarity, getLoss, EPSILON,
} from './losses/losses.js';
export {
  getMetric, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy,
} from './losses/metrics.js';
export type { Metric } from './losses/metrics.js';

export {
  Optimizer, SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, OPTIMIZERS, getOptimizer,
  exponentialDecay, piecewiseConstantDecay, cosineDecay,
} from './optimizers/index.js';
export { hyperparameterChecks } from './optimizers/hyperparameters.js';
export type {
  LearningRate, OptimizerConfig, SGDConfig, AdagradConfig, RMSpropConfig, AdadeltaConfig, AdamConfig,
  AdamWConfig, AdamaxConfig, Slots, Schedule,
} from './optimizers/index.js';
export type { Hyperparameter, Hyperparameters, HyperparameterTable } from './optimizers/hyperparameters.js';
export { scheduleConfig, scheduleFromConfig } from './optimizers/schedules.js';
export type { ScheduleConfig } from './optimizers/schedules.js';

export { Callback, History } from './callbacks/callback.js';
export { EarlyStopping } from './callbacks/early-stopping.js';
export type { EarlyStoppingConfig } from './callbacks/early-stopping.js';
export type { MonitorDirection, MonitorMode } from './callbacks/monitor.js';
export { ReduceLROnPlateau } from './callbacks/reduce-lr-on-plateau.js';
export type { ReduceLROnPlateauConfig } from './callbacks/reduce-lr-on-plateau.js';
export { LearningRateScheduler } from './callbacks/learning-rate-scheduler.js';
export type { EpochSchedule } from './callbacks/learning-rate-scheduler.js';
export { TerminateOnNaN } from './callbacks/terminate-on-nan.js';
export { LambdaCallback } from './callbacks/lambda-callback.js';
export type { LambdaCallbackConfig } from './callbacks/lambda-callback.js';
export type { CallbackHooks, Logs, TrainingParams } from './callbacks/callback.js';
export { EpochLogger, setProgressFactory } from './callbacks/progress.js';
export type { ProgressFactory } from './callbacks/progress.js';
export { formatLogs, formatNumber } from './callbacks/format.js';
export { ProgressBar } from './callbacks/progress-bar.js';
export type { ProgressBarOptions, ProgressStream } from './callbacks/progress-bar.js';

export { Sequential } from './models/sequential.js';
export { MAX_LAYERS } from './io/format.js';
export { Trainer } from './training/trainer.js';
export type { CompileConfig } from './training/trainer.js';
export type { Batch, BatchIterable, ClassWeight, FitConfig } from './training/data.js';
export type { CallbackModel } from './callbacks/callback.js';
export type { NumnetModelJSON, LayerJSON, WeightJSON } from './io/native.js';
export { NUMNET_FORMAT, NUMNET_FORMAT_VERSION } from './io/native.js';
export { toTFJS, fromTFJS, toTFJSModelJSON, parseTFJSModelJSON } from './io/tfjs.js';
export type { TFJSArtifacts, TFJSArtifactsLike, TFJSModelJSON, TFJSWeightSpec } from './io/tfjs.js';
export { layerFromConfig, layerToConfig } from './layers/registry.js';
export { Perceptron } from './models/perceptron.js';
export type { PerceptronHistory, PerceptronUpdate } from './models/perceptron.js';

export { numericalGradient, gradCheck, relativeError } from './gradcheck/gradcheck.js';
export type { ParameterCheck, NumericalGradientOptions } from './gradcheck/gradcheck.js';

import { NumnetError, describe } from '../errors.js';
import { LAYER_CLASSES } from './index.js';
import { Layer } from './layer.js';
import { LayerClass, LayerSpec, hasOwnSpec } from './spec.js';

/**
 * The layer registry: the layer classes a saved model may hold, found by their saved class name
 * and by their TF.js class name, each with the `spec` it declares. The built-in registry is
 * derived from `LAYER_CLASSES`, the export list in ./index.ts. The readers and writers of
 * src/io take a registry, so classes of your own can be passed to them
 * (`builtInLayers.with([MyLayer])`) without changing anything global.
 */
export class LayerRegistry {
  /** The classes, in the order messages list them. */
  readonly classes: readonly LayerClass[];
  private readonly byName = new Map<string, LayerClass>();
  private readonly byTFJS = new Map<string, LayerClass>();

  /** INVALID_ARGUMENT unless every class declares its own spec and no two share a saved or TF.js class name. */
  constructor(classes: readonly LayerClass[]) {
    if (!Array.isArray(classes)) throw new NumnetError('INVALID_ARGUMENT', `a layer registry takes an array of layer classes, got ${describe(classes)}`);
    for (const cls of classes) {
      if (!hasOwnSpec(cls) || !(cls.prototype instanceof Layer)) {
        throw new NumnetError('INVALID_ARGUMENT', `a layer class must extend Layer and declare its own static readonly spec (a LayerSpec), got ${describe(cls)}`);
      }
      const { className, tfjs } = cls.spec;
      if (this.byName.has(className)) throw new NumnetError('INVALID_ARGUMENT', `two layer classes are saved as ${JSON.stringify(className)}`);
      this.byName.set(className, cls);
      if (tfjs === undefined) continue;
      if (this.byTFJS.has(tfjs.className)) throw new NumnetError('INVALID_ARGUMENT', `two layer classes are read from TF.js class ${JSON.stringify(tfjs.className)}`);
      this.byTFJS.set(tfjs.className, cls);
    }
    this.classes = Object.freeze(classes.slice());
  }

  /** The saved class names, in order. */
  get classNames(): string[] {
    return this.classes.map((c) => c.spec.className);
  }

  /** This registry and `classes` (a class of your own, say). */
  with(classes: readonly LayerClass[]): LayerRegistry {
    if (!Array.isArray(classes)) throw new NumnetError('INVALID_ARGUMENT', `with() takes an array of layer classes, got ${describe(classes)}`);
    return new LayerRegistry([...this.classes, ...classes]);
  }

  /** The spec of the class saved as `className` (INVALID_ARGUMENT listing the classes otherwise). */
  spec(className: unknown): LayerSpec {
    const cls = typeof className === 'string' ? this.byName.get(className) : undefined;
    if (cls) return cls.spec;
    throw new NumnetError('INVALID_ARGUMENT', `unknown layer class ${describe(className)}; the layer classes are ${this.classNames.join(', ')}`);
  }

  /** The spec of `layer`'s class when it is exactly one of these classes (a subclass may differ), else undefined. */
  specOf(layer: Layer): LayerSpec | undefined {
    const cls = this.byName.get(layer.className);
    return cls !== undefined && layer.constructor === cls ? cls.spec : undefined;
  }

  /** The spec of the class read from TF.js class `className`, or undefined. */
  tfjsSpec(className: string): LayerSpec | undefined {
    return this.byTFJS.get(className)?.spec;
  }

  /**
   * A layer rebuilt from its saved `{ className, config }`: only the class's own keys (plus `name`
   * and `inputShape`) are accepted, so a misspelt option is an error rather than a silent default.
   */
  fromConfig(className: unknown, config: unknown): Layer {
    const spec = this.spec(className);
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new NumnetError('INVALID_ARGUMENT', `a ${String(className)} config must be an object, got ${describe(config)}`);
    }
    const allowed = ['name', 'inputShape', 'trainable', ...spec.keys];
    for (const key of Object.keys(config)) {
      if (!allowed.includes(key)) {
        throw new NumnetError('INVALID_ARGUMENT', `${String(className)} has no option ${JSON.stringify(key)}; its options are ${allowed.join(', ')}`);
      }
    }
    return spec.fromConfig(config as Record<string, unknown>);
  }

  /** `{ className, config }` of a layer, or INVALID_ARGUMENT when it cannot be saved (see `layerToConfig`). */
  toConfig(layer: Layer): { className: string; config: Record<string, unknown> } {
    if (!(layer instanceof Layer)) throw new NumnetError('INVALID_ARGUMENT', `layerToConfig() takes a layer, got ${describe(layer)}`);
    const spec = this.specOf(layer);
    if (!spec) {
      throw new NumnetError(
        'INVALID_ARGUMENT',
        `layer ${layer.name} (${layer.className}) is not a built-in layer class and cannot be saved; the saveable classes are ${this.classNames.join(', ')}`,
      );
    }
    return { className: spec.className, config: spec.toConfig(layer) };
  }
}

/** The layer classes numnet exports (`LAYER_CLASSES`). */
export const builtInLayers = new LayerRegistry(LAYER_CLASSES);

/**
 * A layer rebuilt from its saved `{ className, config }`: only the class's own keys (plus `name`
 * and `inputShape`) are accepted, so a misspelt option is an error rather than a silent default.
 */
export function layerFromConfig(className: unknown, config: unknown): Layer {
  return builtInLayers.fromConfig(className, config);
}

/**
 * `{ className, config }` of a layer, or INVALID_ARGUMENT when it cannot be saved: a layer class of
 * your own, or a custom activation, initializer or regularizer inside a built-in one.
 */
export function layerToConfig(layer: Layer): {
  /** The layer's class name. */
  className: string;
  /** Its options (`layer.getConfig()`). */
  config: Record<string, unknown>;
} {
  return builtInLayers.toConfig(layer);
}

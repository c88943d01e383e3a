/**
 * Adam (Kingma and Ba, 2015) with optional decoupled weight decay
 * (AdamW), written out so its whole state (moments and per-weight step
 * counts) can be saved in a checkpoint and restored bit for bit.
 */
import { tf } from '../engine/index.js';

/** Hyperparameters of `Adam`. */
export interface AdamOptions {
  /** Exponential decay of the first moment, for example 0.9. */
  beta1: number;
  /** Exponential decay of the second moment, for example 0.98. */
  beta2: number;
  /** Added to the root of the second moment, for example 1e-8. */
  epsilon: number;
  /**
   * Decoupled weight decay per step, multiplied by the learning rate
   * (AdamW); 0 turns it off.
   */
  weightDecay: number;
}

/** Adam state in a form a checkpoint can store. */
export interface AdamState {
  /** Update count per weight name; bias correction uses it. */
  steps: Record<string, number>;
  /** First and second moments by `m/<weight>` and `v/<weight>`. */
  moments: Map<string, Float32Array>;
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
  step: number;
}

/**
 * Adam over named variables. Each weight keeps its own step count, so a
 * weight frozen for some epochs starts its bias correction when it first
 * receives a gradient.
 */
export class Adam {
  private readonly options: AdamOptions;
  private readonly slots = new Map<string, Slot>();

  constructor(options: AdamOptions) {
    this.options = options;
  }

  /**
   * Applies one update to each variable in `grads`, with the learning rate
   * `learningRates(name)`. Call inside `tf.tidy`; the gradients are not
   * disposed here.
   */
  apply(
    variables: Map<string, tf.Variable>,
    grads: Record<string, tf.Tensor>,
    learningRates: (name: string) => number,
  ): void {
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    for (const [name, grad] of Object.entries(grads)) {
      const variable = variables.get(name);
      if (!variable) {
        throw new Error(
          `Internal error: gradient for unknown weight \`${name}\`.`,
        );
      }
      const slot = this.slot(name, variable);
      slot.step += 1;
      const lr = learningRates(name);
      const m = tf.add(tf.mul(slot.m, beta1), tf.mul(grad, 1 - beta1));
      const v = tf.add(
        tf.mul(slot.v, beta2),
        tf.mul(tf.square(grad), 1 - beta2),
      );
      const mHat = tf.div(m, 1 - beta1 ** slot.step);
      const vHat = tf.div(v, 1 - beta2 ** slot.step);
      let update = tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon));
      if (weightDecay > 0)
        update = tf.add(update, tf.mul(variable, weightDecay));
      slot.m.assign(m);
      slot.v.assign(v);
      variable.assign(tf.sub(variable, tf.mul(update, lr)));
    }
  }

  /** Copies the state out, for a checkpoint. */
  async state(): Promise<AdamState> {
    const steps: Record<string, number> = {};
    const moments = new Map<string, Float32Array>();
    for (const [name, slot] of this.slots) {
      steps[name] = slot.step;
      moments.set(`m/${name}`, (await slot.m.data()) as Float32Array);
      moments.set(`v/${name}`, (await slot.v.data()) as Float32Array);
    }
    return { steps, moments };
  }

  /** Replaces the state with a saved one. */
  restore(state: AdamState, variables: Map<string, tf.Variable>): void {
    this.dispose();
    for (const [name, step] of Object.entries(state.steps)) {
      const variable = variables.get(name);
      const m = state.moments.get(`m/${name}`);
      const v = state.moments.get(`v/${name}`);
      if (!variable || !m || !v) {
        throw new Error(
          `Checkpoint optimizer state for \`${name}\` does not match the ` +
            'model: delete the checkpoint folder to start over.',
        );
      }
      this.slots.set(name, {
        m: variableFrom(m, variable.shape),
        v: variableFrom(v, variable.shape),
        step,
      });
    }
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
  }

  private slot(name: string, variable: tf.Variable): Slot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = {
        m: tf.variable(tf.zerosLike(variable), false),
        v: tf.variable(tf.zerosLike(variable), false),
        step: 0,
      };
      this.slots.set(name, slot);
    }
    return slot;
  }
}

// A non-trainable variable holding `values`; the temporary tensor is freed
// because the variable keeps its own reference to the data.
function variableFrom(values: Float32Array, shape: number[]): tf.Variable {
  const initial = tf.tensor(values, shape);
  const variable = tf.variable(initial, false);
  initial.dispose();
  return variable;
}

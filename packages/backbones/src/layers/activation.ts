import * as tf from '@tensorflow/tfjs';

/**
 * Activation names as Hugging Face configs spell them (`hidden_act`,
 * `activation_function`, `hidden_activation`). `gelu` is the exact erf form; `gelu_new`,
 * `gelu_fast` and `gelu_pytorch_tanh` are the tanh approximation GPT-2 uses.
 */
export const ACTIVATION_NAMES = ['gelu', 'gelu_new', 'gelu_fast', 'gelu_pytorch_tanh', 'quick_gelu', 'relu', 'silu', 'swish', 'tanh', 'linear'] as const;

export type ActivationName = (typeof ACTIVATION_NAMES)[number];

export type Activation = (x: tf.Tensor) => tf.Tensor;

const SQRT_HALF = Math.SQRT1_2;
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

/** 0.5·x·(1 + erf(x/√2)): BERT's and ModernBERT's `gelu`. */
function geluExact(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1)));
}

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): GPT-2's `gelu_new`. */
function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // x·x·x, not pow(x, 3): pow is a slow kernel and its gradient also differentiates the exponent.
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), SQRT_TWO_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

function silu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}

const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = {
  gelu: geluExact,
  gelu_new: geluTanh,
  gelu_fast: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  quick_gelu: (x) => tf.tidy(() => tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)))),
  relu: (x) => tf.relu(x),
  silu,
  swish: silu,
  tanh: (x) => tf.tanh(x),
  linear: (x) => tf.clone(x),
};

export function isActivationName(value: unknown): value is ActivationName {
  return typeof value === 'string' && (ACTIVATION_NAMES as readonly string[]).includes(value);
}

/** The activation function for a validated name. */
export function activation(name: ActivationName): Activation {
  return ACTIVATIONS[name];
}

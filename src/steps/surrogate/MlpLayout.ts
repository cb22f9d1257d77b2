/**
 * The shape of the surrogate's MLP: its configuration, the layer sizes, and where each layer's weights
 * and biases sit in the flat parameter vector. Shared by the training loop (Mlp.ts) and the passes on the
 * kernels (Network.ts).
 */

export interface Config {
  readonly inputs: number
  readonly hiddenLayers: number
  readonly width: number
  readonly activation: "relu" | "leaky-relu"
  readonly dropout: number
  readonly init: "pytorch" | "xavier"
  readonly loss: "hinge" | "mse" | "mae"
  readonly margin: number
  /** Hinge: at most pairsPerItem · m pairs per batch of m. */
  readonly pairsPerItem: number
  /** L1 penalty on the output layer's weights. */
  readonly l1: number
  readonly lr: number
  readonly beta1: number
  readonly beta2: number
  readonly eps: number
  /** Global gradient-norm clip; 0 = none. */
  readonly clip: number
}

/** Layer sizes: inputs → width × hiddenLayers → 1. */
export const sizes = (c: Config) => [c.inputs, ...Array<number>(c.hiddenLayers).fill(c.width), 1]

const layouts = new WeakMap<Config, ReturnType<typeof computeLayout>>()

/** Offsets of each layer's weights (out × in, row-major) and biases in the parameter vector (cached). */
export const layout = (c: Config) => {
  let cached = layouts.get(c)
  if (cached === undefined) layouts.set(c, (cached = computeLayout(c)))
  return cached
}

const computeLayout = (c: Config) => {
  const s = sizes(c)
  const layers: Array<{ inputs: number; outputs: number; weights: number; bias: number }> = []
  let at = 0
  for (let l = 0; l + 1 < s.length; l++) {
    layers.push({ inputs: s[l]!, outputs: s[l + 1]!, weights: at, bias: at + s[l]! * s[l + 1]! })
    at += s[l]! * s[l + 1]! + s[l + 1]!
  }
  return { layers, count: at }
}

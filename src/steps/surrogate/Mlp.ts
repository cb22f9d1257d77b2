/**
 * The surrogate's MLP head, written for speed: all parameters in one Float64Array, activations in
 * buffers allocated once per training run, no allocation inside the batch loop. Fully connected layers
 * with ReLU or LeakyReLU and inverted dropout, PyTorch-default or Xavier initialisation, Adam with bias
 * correction, global gradient-norm clipping, and the losses of spec/surrogate.md §3: pairwise hinge
 * (at most 4·m random pairs of a batch of m), MSE, and MAE (+ L1 on the output weights).
 */
import type * as Rng from "../../core/Rng.ts"

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

/** PyTorch's default: weights and biases U(±1/√fan_in); Xavier: weights U(±√(6/(fan_in+fan_out))), biases 0. */
export const initialise = (c: Config, rng: Rng.Rng): Float64Array => {
  const { layers, count } = layout(c)
  const p = new Float64Array(count)
  for (const l of layers) {
    const bound = c.init === "pytorch" ? 1 / Math.sqrt(l.inputs) : Math.sqrt(6 / (l.inputs + l.outputs))
    for (let i = 0; i < l.inputs * l.outputs; i++) p[l.weights + i] = (2 * rng.next() - 1) * bound
    for (let i = 0; i < l.outputs; i++) p[l.bias + i] = c.init === "pytorch" ? (2 * rng.next() - 1) / Math.sqrt(l.inputs) : 0
  }
  return p
}

/** Buffers for forward and backward passes over batches of up to `rows` rows. */
export const workspace = (c: Config, rows: number) => {
  const s = sizes(c)
  return {
    rows,
    activations: s.map((n) => new Float64Array(rows * n)),
    masks: s.map((n) => new Float64Array(rows * n)),
    deltas: s.map((n) => new Float64Array(rows * n)),
    scores: new Float64Array(rows),
    dScores: new Float64Array(rows)
  }
}
export type Workspace = ReturnType<typeof workspace>

/**
 * Forward pass of `m` rows of `x` (row-major, taken at `index[i]`), writing scores. In training mode
 * fresh dropout masks come from `rng`.
 */
export const forward = (c: Config, p: Float64Array, w: Workspace, x: ArrayLike<number>, index: ArrayLike<number>, m: number, training: boolean, rng?: Rng.Rng) => {
  const { layers } = layout(c)
  const a0 = w.activations[0]!
  for (let i = 0; i < m; i++) for (let j = 0; j < c.inputs; j++) a0[i * c.inputs + j] = x[index[i]! * c.inputs + j]!
  const slope = c.activation === "leaky-relu" ? 0.01 : 0
  const keep = 1 - c.dropout
  layers.forEach((l, li) => {
    const input = w.activations[li]!
    const output = w.activations[li + 1]!
    const last = li === layers.length - 1
    const mask = w.masks[li + 1]!
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < l.outputs; o++) {
        let s = p[l.bias + o]!
        const row = l.weights + o * l.inputs
        for (let j = 0; j < l.inputs; j++) s += p[row + j]! * input[i * l.inputs + j]!
        if (!last) {
          s = s >= 0 ? s : slope * s
          const kept = training && c.dropout > 0 ? (rng!.next() < keep ? 1 / keep : 0) : 1
          mask[i * l.outputs + o] = kept
          s *= kept
        }
        output[i * l.outputs + o] = s
      }
    }
  })
  const out = w.activations[layers.length]!
  for (let i = 0; i < m; i++) w.scores[i] = out[i]!
}

/** Backward pass from w.dScores (∂loss/∂score) into `grad` (overwritten). */
export const backward = (c: Config, p: Float64Array, w: Workspace, m: number, grad: Float64Array) => {
  const { layers } = layout(c)
  grad.fill(0)
  const slope = c.activation === "leaky-relu" ? 0.01 : 0
  const top = w.deltas[layers.length]!
  for (let i = 0; i < m; i++) top[i] = w.dScores[i]!
  for (let li = layers.length - 1; li >= 0; li--) {
    const l = layers[li]!
    const delta = w.deltas[li + 1]!
    const input = w.activations[li]!
    for (let i = 0; i < m; i++) {
      for (let o = 0; o < l.outputs; o++) {
        const d = delta[i * l.outputs + o]!
        if (d === 0) continue
        grad[l.bias + o]! += d
        const row = l.weights + o * l.inputs
        for (let j = 0; j < l.inputs; j++) grad[row + j]! += d * input[i * l.inputs + j]!
      }
    }
    if (li === 0) break
    // δ for the layer below: through the weights, then dropout and the activation's derivative.
    const below = w.deltas[li]!
    const activation = w.activations[li]!
    const mask = w.masks[li]!
    // Wᵀδ accumulated row by row of W, so that the weights are read contiguously.
    below.fill(0, 0, m * l.inputs)
    for (let i = 0; i < m; i++) {
      const at = i * l.inputs
      for (let o = 0; o < l.outputs; o++) {
        const d = delta[i * l.outputs + o]!
        if (d === 0) continue
        const row = l.weights + o * l.inputs
        for (let j = 0; j < l.inputs; j++) below[at + j]! += p[row + j]! * d
      }
      for (let j = 0; j < l.inputs; j++) {
        const kept = mask[at + j]!
        // activation = kept · act(z) has the sign of z, so it tells the derivative (at z = 0: the slope,
        // as PyTorch does).
        below[at + j] = kept === 0 ? 0 : below[at + j]! * kept * (activation[at + j]! > 0 ? 1 : slope)
      }
    }
  }
  if (c.l1 > 0) {
    const out = layers[layers.length - 1]!
    for (let j = 0; j < out.inputs; j++) grad[out.weights + j]! += c.l1 * Math.sign(p[out.weights + j]!)
  }
}

/**
 * The loss of m scores against targets y (at `index`), writing ∂loss/∂score into w.dScores. Returns
 * undefined when the hinge loss has no pair (all targets equal, or m = 1): the step is skipped.
 */
export const loss = (c: Config, p: Float64Array, w: Workspace, y: ArrayLike<number>, index: ArrayLike<number>, m: number, rng: Rng.Rng): number | undefined => {
  w.dScores.fill(0, 0, m)
  let value = 0
  if (c.loss === "mse" || c.loss === "mae") {
    for (let i = 0; i < m; i++) {
      const e = w.scores[i]! - y[index[i]!]!
      value += c.loss === "mse" ? e * e : Math.abs(e)
      w.dScores[i] = (c.loss === "mse" ? 2 * e : Math.sign(e)) / m
    }
    value /= m
  } else {
    const pairs: Array<number> = []
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) if (y[index[i]!] !== y[index[j]!]) pairs.push(i * m + j)
    if (pairs.length === 0) return undefined
    const cap = c.pairsPerItem * m
    // A uniform subset of `cap` pairs without replacement (partial Fisher–Yates).
    const kept = Math.min(cap, pairs.length)
    for (let t = 0; t < kept && pairs.length > cap; t++) {
      const r = t + rng.int(pairs.length - t)
      const tmp = pairs[t]!
      pairs[t] = pairs[r]!
      pairs[r] = tmp
    }
    for (let t = 0; t < kept; t++) {
      const i = Math.floor(pairs[t]! / m)
      const j = pairs[t]! % m
      const sign = Math.sign(y[index[i]!]! - y[index[j]!]!)
      const term = c.margin - sign * (w.scores[i]! - w.scores[j]!)
      if (term > 0) {
        value += term
        w.dScores[i]! -= sign / kept
        w.dScores[j]! += sign / kept
      }
    }
    value /= kept
  }
  if (c.l1 > 0) {
    const out = layout(c).layers.at(-1)!
    for (let j = 0; j < out.inputs; j++) value += c.l1 * Math.abs(p[out.weights + j]!)
  }
  return value
}

/** Scales `grad` to norm `clip` (÷ (norm + 1e-6)) when its norm exceeds it. Returns the norm. */
export const clipNorm = (grad: Float64Array, clip: number) => {
  let sum = 0
  for (let i = 0; i < grad.length; i++) sum += grad[i]! * grad[i]!
  const norm = Math.sqrt(sum)
  if (clip > 0 && norm > clip) {
    const scale = clip / (norm + 1e-6)
    for (let i = 0; i < grad.length; i++) grad[i]! *= scale
  }
  return norm
}

/** Adam with bias correction; `t` is the 1-based step count. */
export const adamStep = (c: Config, p: Float64Array, grad: Float64Array, m: Float64Array, v: Float64Array, t: number) => {
  const b1 = 1 - c.beta1 ** t
  const b2 = 1 - c.beta2 ** t
  for (let i = 0; i < p.length; i++) {
    m[i] = c.beta1 * m[i]! + (1 - c.beta1) * grad[i]!
    v[i] = c.beta2 * v[i]! + (1 - c.beta2) * grad[i]! * grad[i]!
    p[i]! -= (c.lr * (m[i]! / b1)) / (Math.sqrt(v[i]! / b2) + c.eps)
  }
}

export interface TrainOptions {
  readonly epochs: number
  readonly batchSize: number
  /** Reshuffle the batch order every epoch (false: the given order, every epoch). */
  readonly shuffle: boolean
  /** Train on (y − mean) / std (population std; 1 when it is 0) and map predictions back. */
  readonly standardize: boolean
}

export interface Trained {
  readonly config: Config
  readonly params: Float64Array
  readonly mean: number
  readonly std: number
  readonly steps: number
  readonly skipped: number
}

/** Trains one member from scratch on n rows of x (n × inputs) and targets y. */
export const train = (c: Config, options: TrainOptions, x: ArrayLike<number>, y: ArrayLike<number>, n: number, streams: { readonly init: Rng.Rng; readonly batches: Rng.Rng; readonly dropout: Rng.Rng }): Trained => {
  let mean = 0
  let std = 1
  if (options.standardize && n > 0) {
    for (let i = 0; i < n; i++) mean += y[i]!
    mean /= n
    let sq = 0
    for (let i = 0; i < n; i++) sq += (y[i]! - mean) ** 2
    std = Math.sqrt(sq / n) || 1
  }
  const target = Float64Array.from({ length: n }, (_, i) => (y[i]! - mean) / std)
  const params = initialise(c, streams.init)
  const grad = new Float64Array(params.length)
  const m1 = new Float64Array(params.length)
  const m2 = new Float64Array(params.length)
  const w = workspace(c, Math.min(options.batchSize, Math.max(n, 1)))
  const order = Int32Array.from({ length: n }, (_, i) => i)
  let steps = 0
  let skipped = 0
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    if (options.shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = streams.batches.int(i + 1)
        const t = order[i]!
        order[i] = order[j]!
        order[j] = t
      }
    }
    for (let start = 0; start < n; start += options.batchSize) {
      const m = Math.min(options.batchSize, n - start)
      const index = order.subarray(start, start + m)
      forward(c, params, w, x, index, m, true, streams.dropout)
      if (loss(c, params, w, target, index, m, streams.batches) === undefined) {
        skipped++
        continue
      }
      backward(c, params, w, m, grad)
      clipNorm(grad, c.clip)
      adamStep(c, params, grad, m1, m2, ++steps)
    }
  }
  return { config: c, params, mean, std, steps, skipped }
}

/** Scores of n rows in evaluation mode (no dropout), in target units. */
export const predict = (model: Trained, x: ArrayLike<number>, n: number): Float64Array => {
  const out = new Float64Array(n)
  const batch = 256
  const w = workspace(model.config, batch)
  const index = new Int32Array(batch)
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start)
    for (let i = 0; i < m; i++) index[i] = start + i
    forward(model.config, model.params, w, x, index, m, false)
    for (let i = 0; i < m; i++) out[start + i] = w.scores[i]! * model.std + model.mean
  }
  return out
}

/**
 * The surrogate's MLP head: configuration, parameter layout, initialisation, losses, clipping and the
 * training loop; the passes run on the SIMD kernels (Network.ts), with no allocation inside the batch
 * loop. Fully connected layers
 * with ReLU or LeakyReLU and inverted dropout, PyTorch-default or Xavier initialisation, Adam with bias
 * correction, global gradient-norm clipping, and the losses of docs/surrogate.md: pairwise hinge
 * (at most 4·m random pairs of a batch of m), MSE, and MAE (+ L1 on the output weights).
 */
import type * as Rng from "../../core/Rng.ts"
import { type Config, layout } from "./MlpLayout.ts"
import * as Network from "./Network.ts"

export { type Config, layout, sizes } from "./MlpLayout.ts"

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

/**
 * The loss of m scores against targets y (at `index`), writing ∂loss/∂score into dScores. Returns
 * undefined when the hinge loss has no pair (all targets equal, or m = 1): the step is skipped.
 */
export const loss = (c: Config, p: ArrayLike<number>, scores: ArrayLike<number>, dScores: Float64Array, y: ArrayLike<number>, index: ArrayLike<number>, m: number, rng: Rng.Rng): number | undefined => {
  dScores.fill(0, 0, m)
  let value = 0
  if (c.loss === "mse" || c.loss === "mae") {
    for (let i = 0; i < m; i++) {
      const e = scores[i]! - y[index[i]!]!
      value += c.loss === "mse" ? e * e : Math.abs(e)
      dScores[i] = (c.loss === "mse" ? 2 * e : Math.sign(e)) / m
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
      const term = c.margin - sign * (scores[i]! - scores[j]!)
      if (term > 0) {
        value += term
        dScores[i]! -= sign / kept
        dScores[j]! += sign / kept
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
export const clipNorm = (grad: Float32Array | Float64Array, clip: number) => {
  let sum = 0
  for (let i = 0; i < grad.length; i++) sum += grad[i]! * grad[i]!
  const norm = Math.sqrt(sum)
  if (clip > 0 && norm > clip) {
    const scale = clip / (norm + 1e-6)
    for (let i = 0; i < grad.length; i++) grad[i]! *= scale
  }
  return norm
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
  readonly params: Float32Array
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
  const net = Network.make(c, Math.min(options.batchSize, Math.max(n, 1)), initialise(c, streams.init))
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
      net.forward(x, index, m, true, streams.dropout)
      if (loss(c, net.params, net.scores, net.dScores, target, index, m, streams.batches) === undefined) {
        skipped++
        continue
      }
      net.backward(m)
      if (c.clip > 0) clipNorm(net.grad, c.clip)
      net.adam(++steps)
    }
  }
  return { config: c, params: Float32Array.from(net.params), mean, std, steps, skipped }
}

/** Scores of n rows in evaluation mode (no dropout), in target units. */
export const predict = (model: Trained, x: ArrayLike<number>, n: number): Float64Array => {
  const out = new Float64Array(n)
  const batch = 256
  const net = Network.make(model.config, Math.min(batch, Math.max(n, 1)), model.params)
  const index = new Int32Array(batch)
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start)
    for (let i = 0; i < m; i++) index[i] = start + i
    net.forward(x, index, m, false)
    for (let i = 0; i < m; i++) out[start + i] = net.scores[i]! * model.std + model.mean
  }
  return out
}

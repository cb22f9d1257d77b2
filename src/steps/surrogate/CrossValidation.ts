/**
 * The pieces of the cross-validation protocol of docs/surrogate.md: quantile stratification bins on
 * the full target, stratified folds per repeat, the budgets derived from the pool, the nested training
 * subsamples of one (repeat, fold), and one trial (PCA → MLP head → Kendall τ-b on the held-out fold).
 */
import * as Rng from "../../core/Rng.ts"
import * as Pca from "../reduce/Pca.ts"
import { tauB } from "./Kendall.ts"
import * as Mlp from "./Mlp.ts"

/** Quantile edges (0, 0.2, …, 1; linear interpolation) of the full target, and each value's bin. */
export const bins = (y: ArrayLike<number>): Int32Array => {
  const sorted = Float64Array.from(y).sort()
  const quantile = (q: number) => {
    const at = q * (sorted.length - 1)
    const lo = Math.floor(at)
    const hi = Math.min(lo + 1, sorted.length - 1)
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo)
  }
  const inner = [...new Set([0.2, 0.4, 0.6, 0.8].map(quantile))]
  return Int32Array.from({ length: y.length }, (_, i) => inner.filter((e) => e < y[i]!).length)
}

/** Stratified folds for repeat r: each bin shuffled (seed 42 + r) and dealt round-robin. */
export const folds = (binOf: Int32Array, repeat: number, k = 10): Int32Array => {
  const rng = Rng.make(42 + repeat, "folds")
  const fold = new Int32Array(binOf.length)
  const count = Math.max(...binOf, -1) + 1
  let j = 0
  for (let b = 0; b < count; b++) {
    const members = [...binOf.keys()].filter((i) => binOf[i] === b)
    for (let i = members.length - 1; i > 0; i--) {
      const r = rng.int(i + 1)
      const t = members[i]!
      members[i] = members[r]!
      members[r] = t
    }
    for (const i of members) fold[i] = j++ % k
  }
  return fold
}

/** ⌈pool / 4^j⌉ for j = 5 … 1: [14, 55, 220, 879, 3516] for NB201's smaller pool of 14,062. */
export const budgets = (pool: number, levels = 5): Array<number> =>
  Array.from({ length: levels }, (_, i) => Math.ceil(pool / 4 ** (levels - i)))

/** The pool's permutation of trial (r, f): the subsample for budget N is its first N entries. */
export const permutation = (poolSize: number, repeat: number, fold: number): Int32Array => {
  const rng = Rng.make(42 + 1000 * repeat + 100 * fold, "subsample")
  const order = Int32Array.from({ length: poolSize }, (_, i) => i)
  for (let i = poolSize - 1; i > 0; i--) {
    const r = rng.int(i + 1)
    const t = order[i]!
    order[i] = order[r]!
    order[r] = t
  }
  return order
}

/** The COLE head (docs/surrogate.md): 3 × [Linear 128 → LeakyReLU → Dropout 0.1] → Linear 1, Adam 1e-3, clip 1. */
export const colePreset = (inputs: number, loss: "hinge" | "mse"): Mlp.Config => ({
  inputs,
  hiddenLayers: 3,
  width: 128,
  activation: "leaky-relu",
  dropout: 0.1,
  init: "pytorch",
  loss,
  margin: 0.1,
  pairsPerItem: 4,
  l1: 0,
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  clip: 1
})

export interface TrialInput {
  readonly x: Float32Array
  readonly d: number
  readonly y: ArrayLike<number>
  /** Training rows (pool positions already resolved to row indices), in training order. */
  readonly train: ReadonlyArray<number>
  readonly test: ReadonlyArray<number>
  readonly components: number | undefined
  readonly loss: "hinge" | "mse"
  readonly epochs: number
  readonly seed: number
}

const rows = (x: Float32Array, d: number, index: ReadonlyArray<number>) => {
  const out = new Float64Array(index.length * d)
  index.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d))
  return out
}

export interface TrialResult {
  readonly tau: number
  readonly undefinedTau: boolean
  readonly mse: number
  readonly steps: number
  readonly skipped: number
}

/** One trial: PCA on the training rows (if asked), the head trained in subsample order, τ-b on test. */
export const trial = (input: TrialInput): TrialResult => {
  let train: Float32Array | Float64Array = rows(input.x, input.d, input.train)
  let test: Float32Array | Float64Array = rows(input.x, input.d, input.test)
  let width = input.d
  if (input.components !== undefined) {
    // The projections go to the head as they are (it trains in single precision anyway).
    const model = Pca.fit(train, input.train.length, input.d, input.components)
    train = Pca.transform(model, train, input.train.length)
    test = Pca.transform(model, test, input.test.length)
    width = model.k
  }
  const yTrain = input.train.map((r) => input.y[r]!)
  const yTest = input.test.map((r) => input.y[r]!)
  const streams = {
    init: Rng.make(input.seed, "mlp-init"),
    batches: Rng.make(input.seed, "batch-order"),
    dropout: Rng.make(input.seed, "dropout")
  }
  const model = Mlp.train(colePreset(width, input.loss), { epochs: input.epochs, batchSize: 32, shuffle: false, standardize: true }, train, yTrain, input.train.length, streams)
  const prediction = Mlp.predict(model, test, input.test.length)
  const finite = prediction.every(Number.isFinite)
  const tau = finite ? tauB(yTest, prediction) : { tau: 0, undefined: true }
  let mse = 0
  for (let i = 0; i < yTest.length; i++) mse += (prediction[i]! - yTest[i]!) ** 2
  return { tau: tau.tau, undefinedTau: tau.undefined || !finite, mse: mse / Math.max(yTest.length, 1), steps: model.steps, skipped: model.skipped }
}

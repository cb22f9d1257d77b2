/**
 * The pieces of the cross-validation protocol of docs/surrogate.md: quantile stratification bins on
 * the full target, stratified folds per repeat, the budgets derived from the pool, the nested training
 * subsamples of one (repeat, fold), and one trial (PCA → MLP head → Kendall τ-b on the held-out fold).
 */
import type { Head } from "../../components/Head.ts"
import type { Reducer } from "../../components/Reducer.ts"
import * as Component from "../../core/Component.ts"
import * as Rng from "../../core/Rng.ts"
import { tauB } from "./Kendall.ts"

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

/** The smallest default budget: below it a head barely trains and τ is often undefined. */
export const MIN_BUDGET = 10

/**
 * ⌈pool / 4^j⌉ for j = 5 … 1, those below MIN_BUDGET left out (the whole pool if none is left):
 * [14, 55, 220, 879, 3516] for NB201's smaller pool of 14,062, [17, 68] for a pool of 269.
 */
export const budgets = (pool: number, levels = 5): Array<number> => {
  const all = Array.from({ length: levels }, (_, i) => Math.ceil(pool / 4 ** (levels - i)))
  const kept = [...new Set(all.filter((b) => b >= MIN_BUDGET))]
  return kept.length > 0 ? kept : [pool]
}

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

export interface TrialInput {
  readonly x: Float32Array
  readonly d: number
  readonly y: ArrayLike<number>
  /** Training rows (pool positions already resolved to row indices), in training order. */
  readonly train: ReadonlyArray<number>
  readonly test: ReadonlyArray<number>
  readonly reducer: Component.Located
  readonly head: Component.Located
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
}

/**
 * One trial with built components: the reducer fitted on the training rows (seed 0 in every trial),
 * the head trained in subsample order on the trial's seed, τ-b of its mean on the test rows.
 */
export const trialWith = (reducer: Reducer, head: Head, input: Omit<TrialInput, "reducer" | "head">): TrialResult => {
  const train = rows(input.x, input.d, input.train)
  const test = rows(input.x, input.d, input.test)
  const fitted = reducer.fit(train, input.train.length, input.d, 0)
  const yTrain = input.train.map((r) => input.y[r]!)
  const yTest = input.test.map((r) => input.y[r]!)
  const predictor = head.fit(fitted.transform(train, input.train.length), yTrain, input.train.length, fitted.width, { seed: input.seed, path: [] })
  const prediction = predictor.predict(fitted.transform(test, input.test.length), input.test.length).mean
  const finite = prediction.every(Number.isFinite)
  const tau = finite ? tauB(yTest, prediction) : { tau: 0, undefined: true }
  let mse = 0
  for (let i = 0; i < yTest.length; i++) mse += (prediction[i]! - yTest[i]!) ** 2
  return { tau: tau.tau, undefinedTau: tau.undefined || !finite, mse: mse / Math.max(yTest.length, 1) }
}

/** One trial as a worker task: the located reducer and head are built here, from their modules. */
export const trial = async (input: TrialInput): Promise<TrialResult> =>
  trialWith(await Component.build<Reducer>(input.reducer), await Component.build<Head>(input.head), input)

/**
 * One BANANAS surrogate fit (docs/search.md), as an Executor task: optionally a fresh
 * PCA on the training rows, then the M-member MLP ensemble trained from scratch, then μ and σ of every
 * candidate and each member's training MAE. Plain data in and out, so it runs on a worker thread.
 */
import * as Pca from "../steps/reduce/Pca.ts"
import * as Ensemble from "../steps/surrogate/Ensemble.ts"
import { moments } from "./Acquisition.ts"

export interface FitInput {
  readonly preset: Ensemble.Preset["name"]
  /** 0 = the preset's. */
  readonly epochs: number
  /** Training rows (n × d) in evaluation order and their objective values. */
  readonly x: Float32Array
  readonly y: Float64Array
  readonly candidates: Float32Array
  readonly d: number
  /** PCA components (k = min(pca, n, d)) refitted here; 0 = the features as they are. */
  readonly pca: number
  readonly seed: number
  readonly fit: number
}

export interface FitOutput {
  readonly mu: Float64Array
  readonly sigma: Float64Array
  readonly mae: Array<number>
  readonly width: number
}

export const fitPredict = (input: FitInput): FitOutput => {
  const n = input.y.length
  const c = input.candidates.length / input.d
  let train: ArrayLike<number> = input.x
  let candidates: ArrayLike<number> = input.candidates
  let width = input.d
  if (input.pca > 0) {
    const model = Pca.fit(input.x, n, input.d, input.pca, { seed: input.seed })
    train = Pca.transform(model, input.x, n)
    candidates = Pca.transform(model, input.candidates, c)
    width = model.k
  }
  const preset = { ...Ensemble.presets[input.preset], ...(input.epochs > 0 ? { epochs: input.epochs } : {}) }
  const members = Ensemble.fit(preset, train, input.y, n, width, input.seed, input.fit)
  const mae = members.map((m) => {
    const p = Ensemble.predict([m], train, n)[0]!
    let sum = 0
    for (let i = 0; i < n; i++) sum += Math.abs(p[i]! - input.y[i]!)
    return sum / n
  })
  const { mu, sigma } = moments(Ensemble.predict(members, candidates, c), c)
  return { mu, sigma, mae, width }
}

/**
 * One BANANAS surrogate fit (docs/search.md), as an Executor task: the reducer fitted afresh on the
 * training rows, the head trained from scratch on them, then μ and σ of every candidate. The reducer
 * and head arrive located (module, export, params) and are built here, so a user's components run on
 * the worker threads like the built-ins.
 */
import type { Head } from "../components/Head.ts"
import type { Reducer } from "../components/Reducer.ts"
import * as Component from "../core/Component.ts"

export interface FitInput {
  readonly reducer: Component.Located
  readonly head: Component.Located
  /** Training rows (n × d) in evaluation order and their objective values. */
  readonly x: Float32Array
  readonly y: Float64Array
  readonly candidates: Float32Array
  readonly d: number
  readonly seed: number
  readonly fit: number
}

export interface FitOutput {
  readonly mu: Float64Array
  readonly sigma: Float64Array
  /** The reduced width the head saw. */
  readonly width: number
}

/** The fit with built components; the head's streams are named by the trial seed and the fit. */
export const fitPredictWith = (reducer: Reducer, head: Head, input: Omit<FitInput, "reducer" | "head">): FitOutput => {
  const n = input.y.length
  const c = input.candidates.length / input.d
  const fitted = reducer.fit(input.x, n, input.d, input.seed)
  const predictor = head.fit(fitted.transform(input.x, n), input.y, n, fitted.width, { seed: input.seed, path: [String(input.fit)] })
  const { mean, sd } = predictor.predict(fitted.transform(input.candidates, c), c)
  return { mu: mean, sigma: sd, width: fitted.width }
}

export const fitPredict = async (input: FitInput): Promise<FitOutput> =>
  fitPredictWith(await Component.build<Reducer>(input.reducer), await Component.build<Head>(input.head), input)

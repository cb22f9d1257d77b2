/**
 * The reducer kind: fitted on the training rows of a CV trial or of a search fit, then applied to the
 * rows the head is trained on and predicts. A reducer's output width may be smaller than asked for
 * (PCA keeps at most min(n, d) components).
 */
import * as Component from "../core/Component.ts"

export interface Fitted {
  readonly width: number
  readonly transform: (x: ArrayLike<number>, n: number) => Float32Array | Float64Array
}

export interface Reducer {
  /** Fits on n × d rows; `seed` seeds any randomised solver (the same for every fit of a CV). */
  readonly fit: (x: ArrayLike<number>, n: number, d: number, seed: number) => Fitted
}

export const define = Component.kind<"reducer", Reducer>("reducer")

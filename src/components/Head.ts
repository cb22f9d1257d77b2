/**
 * The surrogate-head kind: trained on (x, y) and predicting a mean and a standard deviation for any
 * rows. CV ranks by the mean; BANANAS' acquisitions read both, so any head drives the search
 * unchanged (a single network's deviation is 0: its acquisitions reduce to exploitation).
 */
import * as Component from "../core/Component.ts"
import * as Rng from "../core/Rng.ts"

/** Where a fit's random streams come from: the trial seed and a path (the fit's index in a search). */
export interface Seeding {
  readonly seed: number
  readonly path: ReadonlyArray<string>
}

/** The named stream `name` of a fit (`more` tells members apart). */
export const stream = (seeding: Seeding, name: string, ...more: ReadonlyArray<string>) => Rng.make(seeding.seed, name, ...seeding.path, ...more)

export interface Prediction {
  readonly mean: Float64Array
  readonly sd: Float64Array
}

export interface Predictor {
  readonly predict: (x: ArrayLike<number>, n: number) => Prediction
}

export interface Head {
  /** Trains on n × d rows and their values, in the given order. */
  readonly fit: (x: ArrayLike<number>, y: ArrayLike<number>, n: number, d: number, seeding: Seeding) => Predictor
}

export const define = Component.kind<"head", Head>("head")

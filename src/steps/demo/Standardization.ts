/** `Standardize` each dimension to mean 0 and standard deviation 1 (population std; constant dims → 0). */
import { Effect, Schema } from "effect"
import { DIMENSIONS } from "../../../schemas/Demo.ts"
import * as Step from "../../core/Step.ts"
import { Standardize } from "./Steps.ts"
import { moments } from "./moments.ts"

export const layer = Step.implement(Standardize, {
  implementation: "zscore",
  version: 1,
  params: Schema.Struct({}),
  sources: [import.meta.url],
  run: ({ points }) =>
    Effect.sync(() => {
      const { mean, std } = moments(points.columns.x, points.length, DIMENSIONS)
      const x = new Float32Array(points.columns.x.length)
      for (let i = 0; i < points.length; i++) {
        for (let d = 0; d < DIMENSIONS; d++) {
          const at = i * DIMENSIONS + d
          x[at] = std[d]! === 0 ? 0 : (points.columns.x[at]! - mean[d]!) / std[d]!
        }
      }
      return { points: { id: points.columns.id, x } }
    })
})

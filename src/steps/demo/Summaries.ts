/** `Summarize` (per-dimension mean and std) and `RowNorms` (Euclidean norm per row). */
import { Effect, Schema } from "effect"
import { DIMENSIONS } from "../../../schemas/Demo.ts"
import * as Step from "../../core/Step.ts"
import { moments } from "./moments.ts"
import { RowNorms, Summarize } from "./Steps.ts"

const sources = [import.meta.url]

export const summary = Step.implement(Summarize, {
  implementation: "moments",
  version: 1,
  params: Schema.Struct({}),
  sources,
  run: ({ points }) =>
    Effect.sync(() => {
      const { mean, std } = moments(points.columns.x, points.length, DIMENSIONS)
      return { summary: { dim: Int32Array.from({ length: DIMENSIONS }, (_, d) => d), mean, std } }
    })
})

export const norms = Step.implement(RowNorms, {
  implementation: "euclidean",
  version: 1,
  params: Schema.Struct({}),
  sources,
  run: ({ points }) =>
    Effect.sync(() => {
      const norm = new Float64Array(points.length)
      for (let i = 0; i < points.length; i++) {
        let s = 0
        for (let d = 0; d < DIMENSIONS; d++) s += points.columns.x[i * DIMENSIONS + d]! ** 2
        norm[i] = Math.sqrt(s)
      }
      return { norms: { id: points.columns.id, norm } }
    })
})

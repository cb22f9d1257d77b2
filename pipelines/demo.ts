/**
 * The demo pipeline: generate 20,000 seeded 16-d points in 8 cached shards, standardise them, then
 * summarise them two ways concurrently. `npm start` runs it; a second run is all hits.
 */
import { Effect, Layer } from "effect"
import * as Pipeline from "../src/core/Pipeline.ts"
import * as Gaussian from "../src/steps/demo/Gaussian.ts"
import * as Standardization from "../src/steps/demo/Standardization.ts"
import { Generate, RowNorms, Standardize, Summarize } from "../src/steps/demo/Steps.ts"
import * as Summaries from "../src/steps/demo/Summaries.ts"

export const program = Effect.gen(function*() {
  const generated = yield* Pipeline.node(Generate, {})
  const standardized = yield* Pipeline.node(Standardize, { points: generated.points })
  const { summary } = yield* Pipeline.node(Summarize, { points: standardized.points })
  const { norms } = yield* Pipeline.node(RowNorms, { points: standardized.points })
  return { summary, norms }
})

export const layer = (options: { readonly count: number; readonly shardSize: number; readonly seed: number }) =>
  Layer.mergeAll(
    Gaussian.layer({ ...options, scale: 1 }),
    Standardization.layer({}),
    Summaries.summary({}),
    Summaries.norms({})
  )

export default Pipeline.make("demo", program, layer({ count: 20_000, shardSize: 2_500, seed: 1 }))

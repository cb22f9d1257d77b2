/** `Generate` by seeded Gaussian sampling, in shards run on the Executor (each shard cached). */
import { Effect, Schema } from "effect"
import { Points } from "../../../schemas/Demo.ts"
import * as Shards from "../../core/Shards.ts"
import * as Step from "../../core/Step.ts"
import type { Unit } from "./gaussianShard.ts"
import { Generate } from "./Steps.ts"

const Params = Schema.Struct({
  count: Schema.Int.check(Schema.isGreaterThan(0)),
  seed: Schema.Int,
  shardSize: Schema.Int.check(Schema.isGreaterThan(0)),
  scale: Schema.Finite
})

const task = { module: new URL("./gaussianShard.ts", import.meta.url).href, fn: "gaussianShard" }

export const layer = Step.implement(Generate, {
  implementation: "gaussian",
  version: 1,
  params: Params,
  sources: [import.meta.url],
  run: (_inputs, params, context) =>
    Effect.gen(function*() {
      const units: Array<Unit> = []
      for (let start = 0; start < params.count; start += params.shardSize) {
        units.push({ seed: params.seed, start, count: Math.min(params.shardSize, params.count - start), scale: params.scale })
      }
      const shards = yield* Shards.map(context, { table: Points, units, task, label: "sampling" })
      return { points: Shards.concat(Points, shards) }
    })
})

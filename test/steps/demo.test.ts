import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Executor from "../../src/core/Executor.ts"
import * as Journal from "../../src/core/Journal.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import * as Store from "../../src/core/Store.ts"
import { layer, program } from "../../pipelines/demo.ts"
import { DIMENSIONS } from "../../schemas/Demo.ts"
import { tempDir } from "../helpers.ts"

const demo = (count: number) => Pipeline.make("demo", program, layer({ count, shardSize: 100, seed: 3 }))

const shardEvents = (events: ReadonlyArray<any>) =>
  events.filter((e) => e.event === "node" && e.step === "demo/generate.shard").map((e) => e.status)

describe("demo pipeline", () => {
  it.live("standardises to mean 0 / std 1 and computes row norms of the standardised points", () =>
    Effect.gen(function*() {
      const { value } = yield* Pipeline.run(demo(300))
      const summary = yield* Pipeline.load(value.summary)
      const norms = yield* Pipeline.load(value.norms)
      assert.strictEqual(summary.length, DIMENSIONS)
      for (let d = 0; d < DIMENSIONS; d++) {
        assert.closeTo(summary.columns.mean[d]!, 0, 1e-6)
        assert.closeTo(summary.columns.std[d]!, 1, 1e-5)
      }
      // Σ‖row‖² over standardised data = rows × dims, exactly (up to float32 rounding).
      const sumSquares = norms.columns.norm.reduce((s, n) => s + n * n, 0)
      assert.closeTo(sumSquares / (300 * DIMENSIONS), 1, 1e-5)
      assert.deepStrictEqual(Array.from(norms.columns.id.slice(0, 3)), [0, 1, 2])
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent))))

  it.live("caches generation shard by shard: more points compute only the new shards, on worker threads", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      yield* Pipeline.run(demo(300))
      yield* Pipeline.run(demo(500))
      const runs = (yield* Journal.runs(store)).sort((a, b) => a.runId.localeCompare(b.runId))
      assert.deepStrictEqual(shardEvents(runs[0]!.events), ["computed", "computed", "computed"])
      assert.deepStrictEqual(shardEvents(runs[1]!.events).sort(), ["computed", "computed", "hit", "hit", "hit"])
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.local({ workers: 2 }), Progress.silent))))
})

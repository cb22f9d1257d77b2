import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { Architectures as ArchTable, Features } from "../../../schemas/Tables.ts"
import * as Executor from "../../../src/core/Executor.ts"
import * as Pipeline from "../../../src/core/Pipeline.ts"
import * as Progress from "../../../src/core/Progress.ts"
import * as Step from "../../../src/core/Step.ts"
import * as Store from "../../../src/core/Store.ts"
import { Identity, Pca } from "../../../src/steps/reduce/Reducers.ts"
import { Reduce } from "../../../src/steps/Services.ts"
import { tempDir } from "../../helpers.ts"

// The documented PCA vector as artifacts: rows a–d train, e is held out.
class Given extends Step.Service<Given>()("test/given", { inputs: {}, outputs: { features: Features, train: ArchTable } }) {}
const given = Step.implement(Given, {
  implementation: "spec-vector",
  version: 1,
  params: Schema.Struct({ train: Schema.Array(Schema.String) }),
  sources: [],
  run: (_inputs, { train }) =>
    Effect.succeed({
      features: { arch: ["a", "b", "c", "d", "e"], x: Float32Array.of(0, 0, 2, 0, 0, 1, 2, 1, 3, 3) },
      train: { arch: [...train] }
    })
})

const pipeline = (reducer: Layer.Layer<Reduce, unknown, Pipeline.Platform>, train: ReadonlyArray<string> = ["a", "b", "c", "d"]) =>
  Pipeline.make("reduce", Effect.gen(function*() {
    const g = yield* Pipeline.node(Given, {})
    const { reduced } = yield* Pipeline.node(Reduce, { features: g.features, train: g.train })
    return yield* Pipeline.load(reduced)
  }), Layer.mergeAll(given({ train }), reducer))

const platform = () => Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent)

describe("Reduce step", () => {
  it.live("PCA fits on the training architectures only and projects every row (spec vector)", () =>
    Effect.gen(function*() {
      const { value } = yield* Pipeline.run(pipeline(Pca.layer({ components: 128 })))
      assert.deepStrictEqual(value.columns.arch, ["a", "b", "c", "d", "e"])
      assert.deepStrictEqual(Array.from(value.columns.x), [-1, -0.5, 1, -0.5, -1, 0.5, 1, 0.5, 2, 2.5])
      const one = yield* Pipeline.run(pipeline(Pca.layer({ components: 1 })))
      assert.deepStrictEqual(Array.from(one.value.columns.x), [-1, 1, -1, 1, 2])
    }).pipe(Effect.provide(platform())))

  it.live("the PCA fit runs on a worker thread and gives the same bytes as in this thread", () =>
    Effect.gen(function*() {
      const inline = yield* Pipeline.run(pipeline(Pca.layer({ components: 2 }))).pipe(Effect.provide(platform()))
      const worker = yield* Pipeline.run(pipeline(Pca.layer({ components: 2 }))).pipe(
        Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.local({ workers: 1 }), Progress.silent))
      )
      assert.deepStrictEqual(Array.from(worker.value.columns.x), Array.from(inline.value.columns.x))
      assert.deepStrictEqual(Array.from(worker.value.columns.x), [-1, -0.5, 1, -0.5, -1, 0.5, 1, 0.5, 2, 2.5])
    }))

  it.live("identity passes features through; an unknown training architecture is a typed error", () =>
    Effect.gen(function*() {
      const { value } = yield* Pipeline.run(pipeline(Identity.layer({})))
      assert.deepStrictEqual(Array.from(value.columns.x), [0, 0, 2, 0, 0, 1, 2, 1, 3, 3])
      const error = yield* Effect.flip(Pipeline.run(pipeline(Pca.layer({ components: 2 }), ["a", "z"])))
      assert.match((error as Error).message, /reduce: training architecture "z" has no features/)
    }).pipe(Effect.provide(platform())))
})

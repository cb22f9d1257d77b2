/** einspace through the generic space steps: sample N → transpile → embed → PCA, with no einspace-specific step. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import * as Executor from "../../../src/core/Executor.ts"
import * as Pipeline from "../../../src/core/Pipeline.ts"
import * as Progress from "../../../src/core/Progress.ts"
import * as Rng from "../../../src/core/Rng.ts"
import * as Store from "../../../src/core/Store.ts"
import { einspace } from "../../../src/spaces/einspace/Einspace.ts"
import { HashedNgramEmbedder } from "../../../src/steps/HashedNgram.ts"
import * as Reducers from "../../../src/steps/reduce/Reducers.ts"
import { Architectures, Embed, Reduce, Transpile } from "../../../src/steps/Services.ts"
import * as SpaceSteps from "../../../src/steps/SpaceSteps.ts"
import { tempDir } from "../../helpers.ts"

const pipeline = Pipeline.make("einspace-features", Effect.gen(function*() {
  const { architectures } = yield* Pipeline.node(Architectures, {})
  const { code } = yield* Pipeline.node(Transpile, { architectures })
  const { embeddings } = yield* Pipeline.node(Embed, { code })
  const { reduced } = yield* Pipeline.node(Reduce, { features: embeddings, train: architectures })
  return {
    archs: (yield* Pipeline.load(architectures)).columns.arch,
    code: (yield* Pipeline.load(code)).columns.code,
    reduced: yield* Pipeline.load(reduced)
  }
}), Layer.mergeAll(
  SpaceSteps.architectures({ space: "einspace", sample: { count: 60, seed: 5 } }),
  SpaceSteps.transpile({ space: "einspace", options: {} }),
  HashedNgramEmbedder.layer({ dims: 256, n: 2, weighting: "sublinear-tfidf" }),
  Reducers.Pca.layer({ components: 8 })
))

describe("einspace in the generic steps", () => {
  it.live("samples, transpiles, embeds and reduces; the second run is all hits", () =>
    Effect.gen(function*() {
      const store = tempDir()
      const platform = Layer.mergeAll(Store.layer(store), Executor.inline, Progress.silent)
      const { report, value } = yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      // The architectures step draws exactly what the space's sampler draws from stream "architectures".
      const rng = Rng.make(5, "architectures")
      assert.deepStrictEqual(value.archs, Array.from({ length: 60 }, () => einspace.format(einspace.sample(rng))))
      value.archs.forEach((arch, i) => {
        assert.strictEqual(value.code[i], einspace.transpile(Result.getOrThrow(einspace.parse(arch)), {}))
      })
      assert.strictEqual(value.reduced.columns.x.length, 60 * 8)
      assert.isTrue(report.nodes.every((n) => n.status === "computed"))
      const again = yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      assert.isTrue(again.report.nodes.every((n) => n.status === "hit"))
    }), 60_000)
})

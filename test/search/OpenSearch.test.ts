/**
 * Search on einspace, where no table exists: candidates featurized from their code text on demand and
 * scored by a SYNTHETIC evaluator (test/fixtures/syntheticEinspace.ts). The space, the featurizer and
 * the evaluator are layers; the trial machinery is the table search's.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import * as Store from "../../src/core/Store.ts"
import { openSearch, type OpenParams } from "../../src/search/OpenSearch.ts"
import { einspace } from "../../src/spaces/einspace/Einspace.ts"
import { OpenSearch } from "../../src/steps/Services.ts"
import { syntheticScore, SyntheticEvaluator } from "../fixtures/syntheticEinspace.ts"
import * as OnnxSession from "../../src/steps/embed/OnnxSession.ts"
import { tempDir } from "../helpers.ts"
import { tinyFolder } from "../steps/embed/fixtures.ts"

const pipeline = (options: Partial<OpenParams>) =>
  Pipeline.make("einspace-search", Effect.gen(function*() {
    const { trajectory } = yield* Pipeline.node(OpenSearch, {})
    return Artifact.toRows(yield* Pipeline.load(trajectory))
  }), openSearch({ space: "einspace", ...options }).pipe(Layer.provide(SyntheticEvaluator.layer)))

const platform = (store: string) => Layer.mergeAll(Store.layer(store), Executor.inline, Progress.silent)

describe("open search on einspace", () => {
  it.live("BANANAS with code-text features: valid architectures, synthetic values, deterministic, resumed from cache", () =>
    Effect.gen(function*() {
      const store = tempDir()
      const options = { trials: 2, budget: 40, epochs: 10 } as const
      const { report, value: a } = yield* Pipeline.run(pipeline(options)).pipe(Effect.provide(platform(store)))
      assert.strictEqual(a.length, 80)
      for (const r of a) {
        const parsed = einspace.parse(r.arch)
        assert.isTrue(Result.isSuccess(parsed), r.arch)
        assert.strictEqual(einspace.format(Result.getOrThrow(parsed)), r.arch) // canonical long form
        assert.strictEqual(r.value, syntheticScore(Result.getOrThrow(parsed)))
      }
      assert.deepStrictEqual(a.filter((r) => r.trial === 0).map((r) => r.fit), [...Array(20).fill(null), ...Array(10).fill(1), ...Array(10).fill(2)])
      assert.isTrue(report.nodes.some((n) => n.status === "computed"))
      // Everything was committed: a second run is all hits and returns the same trajectory.
      const { report: again, value: b } = yield* Pipeline.run(pipeline(options)).pipe(Effect.provide(platform(store)))
      assert.deepStrictEqual(b, a)
      assert.isTrue(again.nodes.every((n) => n.status === "hit"))
      // A fresh store recomputes the same numbers: the features depend on each text alone.
      const { value: c } = yield* Pipeline.run(pipeline(options)).pipe(Effect.provide(platform(tempDir())))
      assert.deepStrictEqual(c, a)
    }), 180_000)

  it.live("regularized evolution and random search run on the same space and evaluator", () =>
    Effect.gen(function*() {
      const store = tempDir()
      const { value: random } = yield* Pipeline.run(pipeline({ algorithm: { use: "random" }, budget: 60 })).pipe(Effect.provide(platform(store)))
      const { value: re } = yield* Pipeline.run(pipeline({ algorithm: { use: "re" }, budget: 60, preset: "naslib-default" })).pipe(Effect.provide(platform(store)))
      assert.strictEqual(random.length, 60)
      assert.strictEqual(re.length, 60)
      // Both start from the same initial design (stream init); RE's P = 30, then mutations.
      assert.deepStrictEqual(re.slice(0, 30).map((r) => r.arch), random.slice(0, 30).map((r) => r.arch))
      assert.notDeepEqual(re.slice(30).map((r) => r.arch), random.slice(30).map((r) => r.arch))
    }), 120_000)

  it.live("with an ONNX model's embeddings, each text embedded alone: the same trajectory from a fresh store", () =>
    Effect.gen(function*() {
      const model = tinyFolder()
      const options = { trials: 1, budget: 30, epochs: 5, representation: "onnx", model } as const
      const { value: a } = yield* Pipeline.run(pipeline(options)).pipe(Effect.provide(platform(tempDir())))
      assert.strictEqual(a.length, 30)
      assert.deepStrictEqual(a.map((r) => r.fit), [...Array(20).fill(null), ...Array(10).fill(1)])
      const { value: b } = yield* Pipeline.run(pipeline(options)).pipe(Effect.provide(platform(tempDir())))
      assert.deepStrictEqual(b, a)
      assert.strictEqual(OnnxSession.liveSessions(), 0)
      // A different featurizer is a different search: its batches are not the hashed-ngram ones.
      const { value: hashed } = yield* Pipeline.run(pipeline({ ...options, representation: "hashed-ngram", model: undefined })).pipe(Effect.provide(platform(tempDir())))
      assert.deepStrictEqual(hashed.slice(0, 20).map((r) => r.arch), a.slice(0, 20).map((r) => r.arch)) // same initial design
    }), 180_000)
})

import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import * as Store from "../../src/core/Store.ts"
import { search, type Params } from "../../src/search/SearchStep.ts"
import { Nb201Benchmark } from "../../src/steps/Evaluator.ts"
import { Architectures, Encode, Evaluate, Search } from "../../src/steps/Services.ts"
import * as SpaceSteps from "../../src/steps/SpaceSteps.ts"
import { tempDir } from "../helpers.ts"

export const searchPipeline = (options: Partial<Params>) =>
  Pipeline.make("search", Effect.gen(function*() {
    const { architectures } = yield* Pipeline.node(Architectures, {})
    const { features } = yield* Pipeline.node(Encode, { architectures })
    const { objective } = yield* Pipeline.node(Evaluate, { architectures })
    const { trajectory } = yield* Pipeline.node(Search, { features, objective })
    return Artifact.toRows(yield* Pipeline.load(trajectory))
  }), Layer.mergeAll(
    SpaceSteps.architectures({ space: "nb201" }),
    SpaceSteps.encode({ space: "nb201", encoding: "path-naslib" }),
    SpaceSteps.evaluate({}).pipe(Layer.provide(Nb201Benchmark.layer({ objective: "cifar100_test" }))),
    search(options)
  ))

const platform = () => Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent)

describe("search step", () => {
  it.live("BANANAS: initial design, then fits of 10 chosen best first; same seed → same trajectory; another seed differs", () =>
    Effect.gen(function*() {
      const options = { trials: 1, budget: 40, epochs: 20 } as const
      const { value: a } = yield* Pipeline.run(searchPipeline(options))
      assert.strictEqual(a.length, 40)
      assert.deepStrictEqual(a.map((r) => r.t), Array.from({ length: 40 }, (_, i) => i + 1))
      assert.isTrue(a.slice(0, 20).every((r) => r.origin === "init" && r.fit === null))
      assert.deepStrictEqual(a.slice(20).map((r) => r.fit), [...Array(10).fill(1), ...Array(10).fill(2)])
      for (const fit of [1, 2]) {
        const batch = a.filter((r) => r.fit === fit)
        assert.deepStrictEqual(batch.map((r) => r.rank), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        for (let i = 1; i < batch.length; i++) assert.isAtLeast(batch[i - 1]!.acquisition!, batch[i]!.acquisition!)
      }
      // The incumbent is the running maximum, its arch the earliest maximum.
      let best = -Infinity
      for (const r of a) {
        best = Math.max(best, r.value)
        assert.strictEqual(r.incumbent, best)
        assert.strictEqual(a.find((x) => x.value === best)!.arch, r.incumbentArch)
        assert.strictEqual(r.duplicate, a.slice(0, r.t - 1).some((x) => x.arch === r.arch))
      }
      const { value: again } = yield* Pipeline.run(searchPipeline(options)).pipe(Effect.provide(platform()))
      assert.deepStrictEqual(again, a)
      const { value: other } = yield* Pipeline.run(searchPipeline({ ...options, seed: 1 })).pipe(Effect.provide(platform()))
      assert.notDeepEqual(other.map((r) => r.arch), a.map((r) => r.arch))
    }).pipe(Effect.provide(platform())), 120_000)

  it.live("random search and regularized evolution share the initial design (stream init); RE with P ≥ B is random search", () =>
    Effect.gen(function*() {
      const { value: random } = yield* Pipeline.run(searchPipeline({ algorithm: { use: "random" }, trials: 2, budget: 100 }))
      const { value: re } = yield* Pipeline.run(searchPipeline({ algorithm: { use: "re" }, trials: 2, budget: 100, preset: "cole-paper" }))
      const { value: bananas } = yield* Pipeline.run(searchPipeline({ trials: 2, budget: 20 }))
      // cole-paper's P = 100 ≥ 100 evaluations: RE never leaves its random phase.
      assert.deepStrictEqual(re.map((r) => r.arch), random.map((r) => r.arch))
      assert.deepStrictEqual(bananas.map((r) => r.arch), random.filter((r) => r.t <= 20).map((r) => r.arch))
      const { value: evolved } = yield* Pipeline.run(searchPipeline({ algorithm: { use: "re" }, trials: 1, budget: 100, preset: "naslib-default" }))
      // P = 30: after 30 random architectures every child is one edit from a population member.
      assert.deepStrictEqual(evolved.slice(0, 30).map((r) => r.arch), random.filter((r) => r.trial === 0).slice(0, 30).map((r) => r.arch))
    }).pipe(Effect.provide(platform())), 120_000)

  it.live("schedule: 48 fits at |D| = 20, 30, …, 490, each followed by 10 evaluations (Σ⌈|D|/32⌉ = 405)", () =>
    Effect.gen(function*() {
      const { value } = yield* Pipeline.run(searchPipeline({ trials: 1, budget: 500, epochs: 1, preset: "naslib-default" }))
      assert.strictEqual(value.length, 500)
      const sizes = Array.from({ length: 48 }, (_, i) => value.findIndex((r) => r.fit === i + 1))
      assert.deepStrictEqual(sizes, Array.from({ length: 48 }, (_, i) => 20 + 10 * i))
      assert.isTrue(Array.from({ length: 48 }, (_, i) => value.filter((r) => r.fit === i + 1).length).every((n) => n === 10))
      assert.strictEqual(sizes.reduce((s, n) => s + Math.ceil(n / 32), 0), 405)
    }).pipe(Effect.provide(platform())), 120_000)

  it.live("sanity: BANANAS with path-naslib beats random search on the mean incumbent at t = 100 (5 trials, cifar100_test)", () =>
    Effect.gen(function*() {
      const options = { trials: 5, budget: 100, epochs: 50 } as const
      const mean = (rows: ReadonlyArray<{ t: number; incumbent: number }>) => {
        const at = rows.filter((r) => r.t === 100)
        return at.reduce((s, r) => s + r.incumbent, 0) / at.length
      }
      const { value: bananas } = yield* Pipeline.run(searchPipeline(options))
      const { value: random } = yield* Pipeline.run(searchPipeline({ ...options, algorithm: { use: "random" } }))
      assert.isAbove(mean(bananas), mean(random))
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.local({ workers: 2 }), Progress.silent))), 300_000)

  it.live("dedupe: no architecture is evaluated twice; without it, repeats are flagged as duplicates", () =>
    Effect.gen(function*() {
      const options = { trials: 1, budget: 120, epochs: 5, preset: "naslib-default", acquisition: "exploit" } as const
      const { value: deduped } = yield* Pipeline.run(searchPipeline({ ...options, dedupe: true }))
      assert.strictEqual(new Set(deduped.map((r) => r.arch)).size, deduped.length)
      assert.isTrue(deduped.every((r) => !r.duplicate))
      const { value: plain } = yield* Pipeline.run(searchPipeline(options))
      // Exploitation with one-edit mutations of the two best revisits architectures.
      const repeats = plain.filter((r) => r.duplicate)
      assert.isAbove(repeats.length, 0)
      assert.strictEqual(plain.length - new Set(plain.map((r) => r.arch)).size, repeats.length)
    }).pipe(Effect.provide(platform())), 120_000)
})


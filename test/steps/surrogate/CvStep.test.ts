import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Artifact from "../../../src/core/Artifact.ts"
import * as Executor from "../../../src/core/Executor.ts"
import * as Journal from "../../../src/core/Journal.ts"
import * as Pipeline from "../../../src/core/Pipeline.ts"
import * as Progress from "../../../src/core/Progress.ts"
import * as Store from "../../../src/core/Store.ts"
import { Nb201Benchmark } from "../../../src/steps/Evaluator.ts"
import { Architectures, CrossValidate, Encode, Evaluate } from "../../../src/steps/Services.ts"
import * as SpaceSteps from "../../../src/steps/SpaceSteps.ts"
import { crossValidate } from "../../../src/steps/surrogate/CvStep.ts"
import * as Report from "../../../src/steps/surrogate/Report.ts"
import { tempDir } from "../../helpers.ts"

const cv = (encoding: string, budgets: ReadonlyArray<number>) =>
  Pipeline.make("cv", Effect.gen(function*() {
    const { architectures } = yield* Pipeline.node(Architectures, {})
    const { features } = yield* Pipeline.node(Encode, { architectures })
    const { objective } = yield* Pipeline.node(Evaluate, { architectures })
    const { trials } = yield* Pipeline.node(CrossValidate, { features, objective })
    return Artifact.toRows(yield* Pipeline.load(trials))
  }), Layer.mergeAll(
    SpaceSteps.architectures({ space: "nb201", sample: { count: 500, seed: 3 } }),
    SpaceSteps.encode({ space: "nb201", encoding }),
    SpaceSteps.evaluate({}).pipe(Layer.provide(Nb201Benchmark.layer({ objective: "cifar100_test" }))),
    crossValidate({ repeats: 1, budgets: [...budgets], reducer: { use: "pca", params: { components: 128 } }, head: { use: "cole-mlp", params: { loss: "hinge", epochs: 15 } } })
  ))

const trialEvents = (store: Store.Store["Service"]) =>
  Journal.runs(store).pipe(Effect.map((runs) =>
    runs.sort((a, b) => a.runId.localeCompare(b.runId)).map((r) =>
      r.events.filter((e) => e.event === "node" && e.step === "cross-validate.trial").map((e) => (e as { status: string }).status)
    )))

describe("cross-validate step", () => {
  it.live("runs 10 folds × budgets as cached trials; more budgets run only the new trials; results pair up for the t-test", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const first = yield* Pipeline.run(cv("path-naslib", [14, 55]))
      assert.strictEqual(first.value.length, 20)
      assert.deepStrictEqual(first.value.map((t) => t.nPool + t.nTest), Array(20).fill(500))
      const more = yield* Pipeline.run(cv("path-naslib", [14, 55, 110]))
      const events = yield* trialEvents(store)
      assert.deepStrictEqual(events.map((e) => e.filter((s) => s === "computed").length), [20, 10])
      assert.deepStrictEqual(more.value.filter((t) => t.budget !== 110), first.value)

      const summary = Report.summarize(more.value)
      assert.deepStrictEqual(summary.map((s) => [s.budget, s.n]), [[14, 10], [55, 10], [110, 10]])
      assert.isAbove(summary[2]!.meanTau, 0.3)

      const onehot = yield* Pipeline.run(cv("onehot30", [14, 55, 110]))
      const tests = Report.compare(more.value, onehot.value)
      assert.deepStrictEqual(tests.map((t) => [t.budget, t.n, t.df]), [[14, 10, 9], [55, 10, 9], [110, 10, 9]])
      for (const t of tests) assert.isTrue(t.p >= 0 && t.p <= 1)
      const table = Report.markdown([{ name: "path-naslib", summary }, { name: "onehot30", summary: Report.summarize(onehot.value) }])
      assert.match(table, /^\| configuration \| 14 \| 55 \| 110 \|\n\| --- \| --- \| --- \| --- \|\n\| path-naslib \| -?\d\.\d{3} ± \d\.\d{3} \|/)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent))))
})

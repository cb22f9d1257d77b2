import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Schema } from "effect"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Column from "../../src/core/Column.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Journal from "../../src/core/Journal.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import * as Step from "../../src/core/Step.ts"
import * as Store from "../../src/core/Store.ts"
import * as Toy from "../fixtures/toySteps.ts"
import { tempDir } from "../helpers.ts"

const platform = (dir: string) => Layer.mergeAll(Store.layer(dir), Executor.inline, Progress.silent)

const program = Effect.gen(function*() {
  const { numbers } = yield* Pipeline.node(Toy.Source, {})
  const scaled = yield* Pipeline.node(Toy.Scale, { numbers })
  const { total } = yield* Pipeline.node(Toy.Sum, { numbers: scaled.numbers })
  return yield* Pipeline.load(total)
})

const toy = (options: { n?: number; factor?: number; sum?: typeof Toy.sum } = {}) =>
  Pipeline.make(
    "toy",
    program,
    Layer.mergeAll(
      Toy.source({ n: options.n ?? 5, offset: 1 }),
      Toy.scale({ factor: options.factor ?? 2 }),
      (options.sum ?? Toy.sum)({ label: "total" })
    )
  )

const statuses = (report: Pipeline.Report) => Object.fromEntries(report.nodes.map((n) => [n.id, n.status]))

describe("Pipeline", () => {
  it.live("runs every node once, then resumes from the store: a re-run is all hits", () =>
    Effect.gen(function*() {
      Toy.computed.clear()
      const first = yield* Pipeline.run(toy())
      // (1+2+3+4+5) × 2
      assert.deepStrictEqual(Array.from(first.value.columns.total), [30])
      assert.deepStrictEqual(statuses(first.report), { "toy/source": "computed", "toy/scale": "computed", "toy/sum": "computed" })
      const second = yield* Pipeline.run(toy())
      assert.deepStrictEqual(statuses(second.report), { "toy/source": "hit", "toy/scale": "hit", "toy/sum": "hit" })
      assert.deepStrictEqual(Array.from(second.value.columns.total), [30])
      assert.deepStrictEqual(Object.fromEntries(Toy.computed), { source: 1, scale: 1, sum: 1 })

      const runs = yield* Journal.runs(yield* Store.Store)
      assert.strictEqual(runs.length, 2)
      assert.deepStrictEqual(runs.map((r) => (r.events.at(-1) as any).ok), [true, true])
      for (const run of runs) assert.deepStrictEqual(run.events.map((e) => e.event), ["start", "declared", "declared", "declared", "node", "node", "node", "end"])
      // The declarations are the run's graph: each node with the nodes its inputs come from.
      assert.deepStrictEqual(runs[0]!.events.flatMap((e) => (e.event === "declared" ? [[e.node, e.inputs]] : [])), [["toy/source", []], ["toy/scale", ["toy/source"]], ["toy/sum", ["toy/scale"]]])
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("only what changed re-runs; an upstream change that yields equal bytes stops invalidation", () =>
    Effect.gen(function*() {
      yield* Pipeline.run(toy({ factor: 2 }))
      const changed = yield* Pipeline.run(toy({ factor: 3 }))
      assert.deepStrictEqual(statuses(changed.report), { "toy/source": "hit", "toy/scale": "computed", "toy/sum": "computed" })
      assert.deepStrictEqual(Array.from(changed.value.columns.total), [45])
      // A new version of sum re-runs sum only.
      const bumped = yield* Pipeline.run(toy({ factor: 3, sum: Toy.sumV2 }))
      assert.deepStrictEqual(statuses(bumped.report), { "toy/source": "hit", "toy/scale": "hit", "toy/sum": "computed" })
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("--force recomputes the named step; an unknown name lists the known ones", () =>
    Effect.gen(function*() {
      yield* Pipeline.run(toy())
      const forced = yield* Pipeline.run(toy(), { force: ["toy/scale"] })
      // scale recomputes to the same bytes, so sum still hits.
      assert.deepStrictEqual(statuses(forced.report), { "toy/source": "hit", "toy/scale": "computed", "toy/sum": "hit" })
      const error = yield* Effect.flip(Pipeline.run(toy(), { force: ["toy/scael"] }))
      assert.strictEqual(error._tag, "UnknownStep")
      assert.strictEqual(error.message, "--force toy/scael: no such step or node in this pipeline; known: toy/scale, toy/source, toy/sum (or all)")
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("explain says which nodes would run and why, and writes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const empty = (yield* Pipeline.explain(toy())).nodes
      assert.deepStrictEqual(empty.map((e) => [e.node, e.verdict]), [["toy/source", "run"], ["toy/scale", "run"], ["toy/sum", "run"]])
      assert.deepStrictEqual(empty[0]!.reasons, ["no result of step toy/source is in the store yet"])
      assert.match(empty[1]!.reasons[0]!, /input numbers comes from node toy\/source, which runs first/)
      assert.deepStrictEqual(readdirSync(store.root).filter((f) => f !== "tmp"), [])

      yield* Pipeline.run(toy())
      assert.deepStrictEqual(((yield* Pipeline.explain(toy())).nodes).map((e) => e.verdict), ["hit", "hit", "hit"])

      const param = (yield* Pipeline.explain(toy({ factor: 4 }))).nodes
      assert.deepStrictEqual(param[1]!.reasons, ["param factor: 2 → 4"])
      assert.match(param[2]!.reasons[0]!, /comes from node toy\/scale/)

      const version = (yield* Pipeline.explain(toy({ sum: Toy.sumV2 }))).nodes
      assert.deepStrictEqual(version[2]!.reasons, ["code changed: step version 1 → 2"])

      process.env.TOY_PRECISION = "float32"
      const env = (yield* Pipeline.explain(toy()).pipe(Effect.ensuring(Effect.sync(() => delete process.env.TOY_PRECISION)))).nodes
      assert.deepStrictEqual(env[1]!.reasons, [`environment precision: "float64" → "float32"`])

      const forced = (yield* Pipeline.explain(toy(), { force: ["toy/sum"] })).nodes
      assert.deepStrictEqual(forced[2]!.reasons, ["forced (--force)"])
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("explain names an input whose content changed", () =>
    Effect.gen(function*() {
      // Different n gives different source bytes; scale's key then differs only in its input.
      yield* Pipeline.run(toy({ n: 5 }))
      const store = yield* Store.Store
      yield* Pipeline.run(toy({ n: 6 }))
      // Remove scale's newest result: explain must compare with the n=5 result and blame the input.
      const manifests = (yield* store.entries).filter((e) => e.step === "toy/scale")
      const newest = manifests.map((e) => e.manifest).flatMap((m) => m._tag === "Some" ? [m.value] : []).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]!
      rmSync(store.entryPath("toy/scale", newest.key))
      const explained = (yield* Pipeline.explain(toy({ n: 6 }))).nodes
      assert.strictEqual(explained[1]!.verdict, "run")
      assert.match(explained[1]!.reasons.join(), /^input numbers changed content: sha256:/)
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("independent nodes run concurrently", () =>
    Effect.gen(function*() {
      // Left waits for right to start: sequential execution would deadlock (and time out).
      const rightStarted = yield* Deferred.make<void>()
      const Out = Artifact.table("test/out", { x: Column.float64 })
      class Left extends Step.Service<Left>()("test/left", { inputs: {}, outputs: { out: Out } }) {}
      class Right extends Step.Service<Right>()("test/right", { inputs: {}, outputs: { out: Out } }) {}
      const left = Step.implement(Left, {
        implementation: "wait", version: 1, params: Schema.Struct({}), sources: [],
        run: () => Deferred.await(rightStarted).pipe(Effect.as({ out: { x: Float64Array.of(1) } }))
      })
      const right = Step.implement(Right, {
        implementation: "signal", version: 1, params: Schema.Struct({}), sources: [],
        run: () => Deferred.succeed(rightStarted, undefined).pipe(Effect.as({ out: { x: Float64Array.of(2) } }))
      })
      const pipeline = Pipeline.make("concurrent", Effect.gen(function*() {
        const l = yield* Pipeline.node(Left, {})
        const r = yield* Pipeline.node(Right, {})
        return [yield* Pipeline.load(l.out), yield* Pipeline.load(r.out)]
      }), Layer.mergeAll(left({}), right({})))
      const { value } = yield* Pipeline.run(pipeline).pipe(Effect.timeout("10 seconds"))
      assert.deepStrictEqual(value.map((f) => f.columns.x[0]), [1, 2])
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("a failing step writes nothing, names the node, skips its dependents, and a fixed re-run resumes", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const broken = Pipeline.make("toy", program, Layer.mergeAll(Toy.source({ n: 3, offset: 0 }), Toy.scale({ factor: 1 }), Toy.brokenSum({})))
      const error = yield* Effect.flip(Pipeline.run(broken))
      assert.strictEqual(error._tag, "PipelineFailed")
      const failure = (error as Pipeline.PipelineFailed<unknown>)
      assert.deepStrictEqual(failure.failures.map((f) => f.node), ["toy/sum"])
      assert.instanceOf(failure.failures[0]!.error, Artifact.ArtifactMismatch)
      assert.match(failure.message, /node toy\/sum \(step toy\/sum\) failed: artifact toy\/total: column "total" is an array, expected a Float64Array/)
      assert.deepStrictEqual(statuses(failure.report), { "toy/source": "computed", "toy/scale": "computed", "toy/sum": "failed" })
      assert.deepStrictEqual((yield* store.entries).map((e) => e.step).sort(), ["toy/scale", "toy/source"])
      assert.deepStrictEqual(readdirSync(store.tmp), [])

      const fixed = Pipeline.make("toy", program, Layer.mergeAll(Toy.source({ n: 3, offset: 0 }), Toy.scale({ factor: 1 }), Toy.sum({ label: "t" })))
      const rerun = yield* Pipeline.run(fixed)
      assert.deepStrictEqual(statuses(rerun.report), { "toy/source": "hit", "toy/scale": "hit", "toy/sum": "computed" })
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("a typed error raised in a worker-thread task reaches the caller with its tag and fields", () =>
    Effect.gen(function*() {
      const training = (divergeAt: number) =>
        Pipeline.make("train", Effect.gen(function*() {
          const { numbers } = yield* Pipeline.node(Toy.Source, {})
          const { total } = yield* Pipeline.node(Toy.Train, { numbers })
          yield* Pipeline.node(Toy.Sum, { numbers }) // independent of the failing node: still runs
          return yield* Pipeline.load(total)
        }), Layer.mergeAll(Toy.source({ n: 4, offset: 0 }), Toy.train({ divergeAt }), Toy.sum({ label: "t" })))

      const failed = yield* Effect.flip(Pipeline.run(training(2)))
      assert.strictEqual(failed._tag, "PipelineFailed")
      if (failed._tag !== "PipelineFailed") return
      const [failure] = failed.failures
      assert.deepStrictEqual([failed.failures.length, failure!.node, failure!.error._tag], [1, "toy/train", "Diverged"])
      assert.strictEqual(failed.message, "pipeline train failed: node toy/train (step toy/train) failed: training diverged at epoch 2 (loss 1e+30)")
      assert.deepStrictEqual(statuses(failed.report), { "toy/source": "computed", "toy/train": "failed", "toy/sum": "computed" })

      const caught = yield* Pipeline.run(training(3)).pipe(
        Pipeline.originalErrors,
        Effect.map(() => "ran"),
        Effect.catchTag("Diverged", (e) => Effect.succeed(`caught Diverged at epoch ${e.epoch}, loss ${e.loss}`))
      )
      assert.strictEqual(caught, "caught Diverged at epoch 3, loss 1e+30")
      const ran = yield* Pipeline.run(training(9)).pipe(Pipeline.originalErrors)
      assert.deepStrictEqual(Array.from(ran.value.columns.total), [4])
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.local({ workers: 1 }), Progress.silent))))

  it.live("--force all recomputes every node; split between pipelines, each gets the names it knows", () =>
    Effect.gen(function*() {
      yield* Pipeline.run(toy())
      const forced = yield* Pipeline.run(toy(), { force: [Pipeline.FORCE_ALL] })
      assert.deepStrictEqual(statuses(forced.report), { "toy/source": "computed", "toy/scale": "computed", "toy/sum": "computed" })
      assert.deepStrictEqual(yield* Pipeline.forceable(toy()), ["toy/scale", "toy/source", "toy/sum"])
      const split = yield* Pipeline.splitForce([["a", "b"], ["b", "c"]], ["c", "all", "b"])
      assert.deepStrictEqual(split, [["all", "b"], ["c", "all", "b"]])
      const unknown = yield* Effect.flip(Pipeline.splitForce([["a"], ["c"]], ["d"]))
      assert.strictEqual(unknown.message, "--force d: no such step or node in this pipeline; known: a, c (or all)")
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("invalid params are a typed error naming the step", () =>
    Effect.gen(function*() {
      const bad = Pipeline.make("toy", program, Layer.mergeAll(Toy.source({ n: 1.5 as any, offset: 0 }), Toy.scale({ factor: 1 }), Toy.sum({ label: "t" })))
      const error = yield* Effect.flip(Pipeline.run(bad))
      assert.match(String(error.message), /^invalid params for toy\/source \(range\): \{"n":1.5,"offset":0\}: Expected an integer at \["n"\]$/)
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("a corrupt blob found while reading is quarantined and its node recomputed", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      yield* Pipeline.run(toy({ factor: 2 }))
      const scaleEntry = (yield* store.entries).find((e) => e.step === "toy/scale")!
      const digest = (scaleEntry.manifest as any).value.outputs.numbers.digest
      // Same size, different bytes: only re-hashing on read can tell.
      const bytes = readFileSync(store.blobPath(digest))
      bytes[bytes.length >> 1]! ^= 0xff
      writeFileSync(store.blobPath(digest), bytes)
      // Sum's label changes, so sum must read scale's output and finds it corrupt.
      const program2 = Pipeline.make("toy", program, Layer.mergeAll(Toy.source({ n: 5, offset: 1 }), Toy.scale({ factor: 2 }), Toy.sum({ label: "renamed" })))
      const notices: Array<string> = []
      const result = yield* Pipeline.run(program2).pipe(
        Effect.provideService(Progress.Progress, { track: () => ({ advance: () => {}, done: () => {} }), notice: (text) => notices.push(text) })
      )
      assert.deepStrictEqual(Array.from(result.value.columns.total), [30])
      // One line tells the user, naming the blob and the node that recomputes.
      assert.strictEqual(notices.length, 1)
      assert.match(notices[0]!, new RegExp(`^cole: blob ${digest} is corrupt \\(its bytes hash to sha256:[0-9a-f]{64}\\); moved to .*quarantine.*; recomputing node toy/scale$`))
      assert.strictEqual(readdirSync(store.dir("quarantine")).length, 1)
      const journal = (yield* Journal.runs(store)).at(-1)!
      const scaleEvents = journal.events.filter((e) => e.event === "node" && e.node === "toy/scale").map((e: any) => e.status)
      assert.deepStrictEqual(scaleEvents, ["hit", "computed"])
      // The blob is back, with the right bytes.
      assert.strictEqual((yield* store.readBlob(digest)).length > 0, true)
    }).pipe(Effect.provide(platform(tempDir()))))

  it.live("a deleted blob makes its entry a miss that recomputes", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      yield* Pipeline.run(toy())
      const sumEntry = (yield* store.entries).find((e) => e.step === "toy/sum")!
      rmSync(store.blobPath((sumEntry.manifest as any).value.outputs.total.digest))
      const rerun = yield* Pipeline.run(toy())
      assert.deepStrictEqual(statuses(rerun.report), { "toy/source": "hit", "toy/scale": "hit", "toy/sum": "computed" })
    }).pipe(Effect.provide(platform(tempDir()))))
})

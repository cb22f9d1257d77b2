import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Executor from "../../../src/core/Executor.ts"
import * as Journal from "../../../src/core/Journal.ts"
import * as Pipeline from "../../../src/core/Pipeline.ts"
import * as Progress from "../../../src/core/Progress.ts"
import * as Store from "../../../src/core/Store.ts"
import { OnnxEmbedder } from "../../../src/steps/embed/OnnxEmbedder.ts"
import * as OnnxSession from "../../../src/steps/embed/OnnxSession.ts"
import { Architectures, Embed, Transpile } from "../../../src/steps/Services.ts"
import * as SpaceSteps from "../../../src/steps/SpaceSteps.ts"
import { tempDir } from "../../helpers.ts"
import { tinyFolder } from "./fixtures.ts"

const program = Effect.gen(function*() {
  const { architectures } = yield* Pipeline.node(Architectures, {})
  const { code } = yield* Pipeline.node(Transpile, { architectures })
  const { embeddings } = yield* Pipeline.node(Embed, { code })
  return embeddings
})

const pipeline = (model: string, limit: number, extra: Partial<Parameters<typeof OnnxEmbedder.layer>[0]> = {}) =>
  Pipeline.make("embed", program, Layer.mergeAll(
    SpaceSteps.architectures({ space: "nb201", limit }),
    SpaceSteps.transpile({ space: "nb201", options: { mode: "exclude-helper", addon: "none" } }),
    OnnxEmbedder.layer({ model, batchSize: 8, batchesPerShard: 2, ...extra })
  ))

const shardEvents = (store: Store.Store["Service"]) =>
  Journal.runs(store).pipe(Effect.map((runs) =>
    runs.sort((a, b) => a.runId.localeCompare(b.runId)).map((r) =>
      r.events.filter((e) => e.event === "node" && e.step === "embed.shard").map((e) => (e as { status: string }).status)
    )
  ))

const platform = () => Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent)

describe("Embed step through ONNX", () => {
  const model = tinyFolder({ seed: 11 })

  it.live("re-run = all hits; more architectures embed only the new texts, reusing the cached ones bit for bit", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const first = yield* Pipeline.run(pipeline(model, 40))
      const again = yield* Pipeline.run(pipeline(model, 40))
      assert.deepStrictEqual(again.report.nodes.map((n) => n.status), ["hit", "hit", "hit"])
      const more = yield* Pipeline.run(pipeline(model, 60))
      const events = yield* shardEvents(store)
      // 40 texts in batches of 8 = 5 batches → 3 shards; then 20 new texts → 3 batches → 2 shards.
      assert.deepStrictEqual(events.map((e) => e.length), [3, 0, 2])
      assert.isTrue(events[2]!.every((s) => s === "computed"))
      const a = yield* Pipeline.load(first.value)
      const b = yield* Pipeline.load(more.value)
      assert.deepStrictEqual(Array.from(b.columns.x.subarray(0, a.columns.x.length)), Array.from(a.columns.x))
      assert.deepStrictEqual(b.columns.arch.slice(0, 40), a.columns.arch)
      assert.strictEqual(b.columns.x.length, 60 * 64)
    }).pipe(Effect.provide(platform())))

  it.live("the settings and the model enter the key: another pooling or model re-embeds", () =>
    Effect.gen(function*() {
      yield* Pipeline.run(pipeline(model, 10))
      const explained = (yield* Pipeline.explain(pipeline(model, 10, { pooling: "last-token" }))).nodes
      assert.deepStrictEqual(explained[2]!.reasons, [`param pooling: "mean" → "last-token"`])
      const other = (yield* Pipeline.explain(pipeline(tinyFolder({ seed: 12 }), 10))).nodes
      assert.match(other[2]!.reasons.join(), /^environment model: "sha256:.*" → "sha256:.*"$/)
    }).pipe(Effect.provide(platform())))

  it.live("sessions are released: after an ablation over three models none is alive", () =>
    Effect.gen(function*() {
      const models = [tinyFolder({ seed: 1 }), tinyFolder({ seed: 2, kind: "decoder" }), tinyFolder({ seed: 3, layers: 1 })]
      const before = OnnxSession.liveSessions()
      for (const m of models) {
        yield* Pipeline.run(pipeline(m, 8))
        assert.strictEqual(OnnxSession.liveSessions(), before)
      }
      // Within one run, every variant's session lives exactly as long as the run.
      const ablation = Pipeline.make("ablation", Effect.gen(function*() {
        const { architectures } = yield* Pipeline.node(Architectures, {})
        const { code } = yield* Pipeline.node(Transpile, { architectures })
        for (const [i, m] of models.entries()) yield* Pipeline.node(Embed, { code }, { id: `embed-${i}`, layer: OnnxEmbedder.layer({ model: m }) })
        assert.strictEqual(OnnxSession.liveSessions(), before + 3)
      }), Layer.mergeAll(
        SpaceSteps.architectures({ space: "nb201", limit: 8 }),
        SpaceSteps.transpile({ space: "nb201", options: { mode: "exclude-helper", addon: "none" } })
      ))
      yield* Pipeline.run(ablation)
      assert.strictEqual(OnnxSession.liveSessions(), before)
    }).pipe(Effect.provide(platform())))
})

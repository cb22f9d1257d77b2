import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Arch } from "../../schemas/Nb201.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import { encodeAll } from "../../src/core/Space.ts"
import * as Store from "../../src/core/Store.ts"
import { nb201 } from "../../src/spaces/nb201/Nb201.ts"
import { Nb201Benchmark } from "../../src/steps/Evaluator.ts"
import { Architectures, Encode, Evaluate, Transpile } from "../../src/steps/Services.ts"
import * as SpaceSteps from "../../src/steps/SpaceSteps.ts"
import { tempDir } from "../helpers.ts"

const platform = () => Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent)

const program = Effect.gen(function*() {
  const { architectures } = yield* Pipeline.node(Architectures, {})
  const { code } = yield* Pipeline.node(Transpile, { architectures })
  const { features } = yield* Pipeline.node(Encode, { architectures })
  const { objective } = yield* Pipeline.node(Evaluate, { architectures })
  return { architectures, code, features, objective }
})

const pipeline = (options: { mode?: string; encoding?: string; sample?: { count: number; seed: number } } = {}) =>
  Pipeline.make("nb201", program, Layer.mergeAll(
    SpaceSteps.architectures({ space: "nb201", ...(options.sample ? { sample: options.sample } : {}) }),
    SpaceSteps.transpile({ space: "nb201", options: { mode: options.mode ?? "exclude-helper", addon: "none" } }),
    SpaceSteps.encode({ space: "nb201", encoding: options.encoding ?? "path-naslib" }),
    SpaceSteps.evaluate({}).pipe(Layer.provide(Nb201Benchmark.layer({ objective: "cifar100_test" })))
  ))

describe("search-space steps on NB201", () => {
  it.live("list, transpile, encode and evaluate all 15,625 architectures, consistent with the space", () =>
    Effect.gen(function*() {
      const { value } = yield* Pipeline.run(pipeline())
      const archs = (yield* Pipeline.load(value.architectures)).columns.arch
      assert.strictEqual(archs.length, 15_625)
      const code = yield* Pipeline.load(value.code)
      const features = yield* Pipeline.load(value.features)
      const objective = yield* Pipeline.load(value.objective)
      assert.deepStrictEqual(code.columns.arch, archs)
      const i = archs.indexOf("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|")
      assert.isTrue(code.columns.code[i]!.startsWith("class Cell(nn.Module):"))
      assert.closeTo(objective.columns.value[i]!, 73.5133, 1e-4)
      const parsed = archs.map((a) => nb201.parse(a)).map((r) => (r as any).success as Arch)
      assert.deepStrictEqual(Array.from(features.columns.x), Array.from(encodeAll(nb201.encodings["path-naslib"]!, parsed)))
      assert.strictEqual(features.columns.x.length / features.length, 155)
    }).pipe(Effect.provide(platform())))

  it.live("swapping the verbosity mode reruns only transpile, and explain names the param", () =>
    Effect.gen(function*() {
      yield* Pipeline.run(pipeline({ sample: { count: 50, seed: 1 } }))
      const explained = (yield* Pipeline.explain(pipeline({ sample: { count: 50, seed: 1 }, mode: "inline" }))).nodes
      assert.deepStrictEqual(explained.map((e) => [e.node, e.verdict]), [["architectures", "hit"], ["transpile", "run"], ["encode", "hit"], ["evaluate", "hit"]])
      assert.deepStrictEqual(explained[1]!.reasons, [`param options.mode: "exclude-helper" → "inline"`])
      const rerun = yield* Pipeline.run(pipeline({ sample: { count: 50, seed: 1 }, mode: "inline" }))
      assert.deepStrictEqual(rerun.report.nodes.map((n) => n.status), ["hit", "computed", "hit", "hit"])
    }).pipe(Effect.provide(platform())))

  it.live("bad options and unknown encodings fail the node with what was expected", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Pipeline.run(pipeline({ sample: { count: 5, seed: 1 }, mode: "verbose", encoding: "path-nope" })))
      assert.strictEqual(error._tag, "PipelineFailed")
      const failures = (error as Pipeline.PipelineFailed<unknown>).failures
      assert.deepStrictEqual(failures.map((f) => [f.node, (f.error as { _tag: string })._tag]), [["transpile", "InvalidTranspileOptions"], ["encode", "UnknownEncoding"]])
      const messages = failures.map((f) => f.message).sort()
      assert.match(messages[0]!, /node encode .*space nb201 has no encoding "path-nope"; known: onehot30, path-naslib/)
      assert.match(messages[1]!, /node transpile .*nb201 transpile options \{"mode":"verbose","addon":"none"\}: Expected "exclude-helper" \| "helper" \| "inline" at \["mode"\]/)
    }).pipe(Effect.provide(platform())))
})

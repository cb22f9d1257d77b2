import { readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Benchmark from "../../../src/spaces/nb201/Benchmark.ts"
import { Evaluator, Nb201Benchmark } from "../../../src/steps/Evaluator.ts"
import { sharedDir, tempDir } from "../../helpers.ts"

const folder = path.join(sharedDir, "data", "nb201")
const load = (objective: string, location?: string) =>
  Effect.flatMap(Benchmark.resolveFile(objective, location), (file) => Benchmark.load(file, objective))

describe("NB201 benchmark table", () => {
  it.effect("finds the optima of spec/search.md §9 in every column", () =>
    Effect.gen(function*() {
      const expected: Record<string, number> = {
        cifar10_test: 94.37,
        cifar100_test: 73.51,
        imagenet16_test: 47.31,
        cifar10_valid_12ep: 84.89,
        cifar10_test_12ep: 89.16,
        cifar100_valid_12ep: 61.32,
        cifar100_test_12ep: 61.18,
        imagenet16_valid_12ep: 38.67,
        imagenet16_test_12ep: 38.27
      }
      for (const [column, value] of Object.entries(expected)) {
        const table = yield* load(column, folder)
        assert.strictEqual(table.values.size, 15_625)
        assert.strictEqual(Benchmark.optimum(table).value.toFixed(2), value.toFixed(2), column)
      }
      const c10 = Benchmark.optimum(yield* load("cifar10_test", folder))
      assert.deepStrictEqual(c10.archs, [
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|",
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|"
      ])
      assert.deepStrictEqual(Benchmark.optimum(yield* load("cifar100_test", folder)).archs, [
        "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
      ])
      assert.deepStrictEqual(Benchmark.optimum(yield* load("imagenet16_test", folder)).archs, [
        "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
      ])
      const ties = [...(yield* load("cifar10_test", folder)).values.values()].filter((v) => v === 10).length
      assert.strictEqual(ties, 341)
    }))

  it.effect("the evaluator looks values up by arch string; an unknown one is a typed error", () =>
    Effect.gen(function*() {
      const evaluator = yield* Evaluator
      assert.closeTo(yield* evaluator.evaluate("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"), 85.863, 1e-3)
      const error = yield* Effect.flip(evaluator.evaluate("|x|"))
      assert.strictEqual(error._tag, "UnknownArchitecture")
      assert.match(String(evaluator.facts.table), /^sha256:c3a4e51e19c23709b9991aaf82e0b7b108f2afb88a3f8c5d415f329ae1552313$/)
    }).pipe(Effect.provide(Nb201Benchmark.layer({ objective: "cifar10_test", location: folder }))))

  describe("rejects bad tables, saying what is wrong and how to provide one", () => {
    const original = readFileSync(path.join(folder, "nb201.csv"), "utf8")
    const lines = original.trim().split("\n")
    const write = (text: string) => {
      const file = path.join(tempDir(), "nb201.csv")
      writeFileSync(file, text)
      return file
    }
    const problem = (text: string, objective = "cifar10_test") =>
      Effect.flip(Benchmark.load(write(text), objective)).pipe(Effect.map((e) => e.message))

    it.effect("truncated", () =>
      Effect.gen(function*() {
        const message = yield* problem(lines.slice(0, 1000).join("\n"))
        assert.match(message, /has 999 rows, expected 15625 \(one per architecture\)\. Provide the table with --nb201 PATH or COLE_NB201=PATH/)
      }))
    it.effect("a column missing", () =>
      Effect.gen(function*() {
        assert.match(yield* problem(original, "cifar10_valid_12ep"), /has no "cifar10_valid_12ep" column \(columns: arch_index, arch, cifar10_test/)
        assert.match(yield* problem(original.replaceAll(",arch,", ",name,")), /has no "arch" column/)
      }))
    it.effect("a value outside [0, 100]", () =>
      Effect.gen(function*() {
        const bad = [...lines]
        bad[5] = bad[5]!.replace(/,([\d.]+),/, ",101.5,")
        assert.match(yield* problem(bad.join("\n")), /line 6: cifar10_test is "101.5", expected an accuracy in \[0, 100\]/)
      }))
    it.effect("a duplicated or malformed arch", () =>
      Effect.gen(function*() {
        const dup = [...lines]
        dup[3] = dup[2]!
        assert.match(yield* problem(dup.join("\n")), /line 4: ".*" appears twice/)
        const bad = [...lines]
        bad[7] = bad[7]!.replace("~0|+", "~7|+")
        assert.match(yield* problem(bad.join("\n")), /line 8: invalid nb201 architecture .* source node 7 is not smaller than target node 1/)
      }))
    it.effect("a missing file", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Benchmark.load("/no/such/nb201.csv", "cifar10_test"))
        assert.match(error.message, /NB201 table \/no\/such\/nb201.csv: cannot be read \(ENOENT\)\. Provide the table/)
      }))
  })
})

import { copyFileSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { createHash } from "node:crypto"
import { gzipSync } from "node:zlib"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import * as Benchmark from "../../../src/spaces/nb201/Benchmark.ts"
import { Evaluator, Nb201Benchmark } from "../../../src/steps/Evaluator.ts"
import { nb201Dir, nb201Text, tempDir } from "../../helpers.ts"

const folder = nb201Dir
const sums = (name: string) =>
  readFileSync(path.join(folder, "SHA256SUMS"), "utf8").split("\n").find((l) => l.endsWith(`  ${name}`))!.split(" ")[0]!
const load = (objective: string, location?: string) =>
  Effect.flatMap(Benchmark.resolveFile(objective, location), (file) => Benchmark.load(file, objective))

describe("NB201 benchmark table", () => {
  it.effect("finds the known NB201 optima in every column (data/nb201/README.md)", () =>
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
    const original = nb201Text("nb201.csv")
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
  describe("the shipped copy (data/nb201/)", () => {
    it.effect("is the default location, resolved from the package root whatever the working directory", () =>
      Effect.gen(function*() {
        const cwd = process.cwd()
        process.chdir(tempDir())
        try {
          const file = yield* Benchmark.resolveFile("cifar10_valid_12ep")
          assert.strictEqual(file, path.join(Benchmark.defaultFolder(), "nb201_12epoch.csv.gz"))
          assert.strictEqual(path.relative(path.resolve(import.meta.dirname, "../../.."), file), path.join("data", "nb201", "nb201_12epoch.csv.gz"))
          // The COLE_NB201 setting (what --nb201 provides) names another place.
          const elsewhere = tempDir()
          const configured = yield* Benchmark.resolveFile("cifar10_valid_12ep").pipe(
            Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ COLE_NB201: elsewhere })))
          )
          assert.strictEqual(configured, path.join(elsewhere, "nb201_12epoch.csv"))
        } finally {
          process.chdir(cwd)
        }
      }).pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({})))))

    it("lists the digest of each decompressed table in SHA256SUMS, and the README gives the same", () => {
      const sums = readFileSync(path.join(folder, Benchmark.DIGESTS), "utf8").trim().split("\n").map((l) => l.split(/\s+/))
      assert.deepStrictEqual(sums.map(([, name]) => name), ["nb201.csv", "nb201_12epoch.csv"])
      const readme = readFileSync(path.join(folder, "README.md"), "utf8")
      for (const [digest, name] of sums) {
        assert.strictEqual(createHash("sha256").update(nb201Text(name!)).digest("hex"), digest, name)
        assert.include(readme, digest!, name)
      }
    })

    it.effect("gzip and plain CSV load to the same table and digest (the digest of the decompressed text)", () =>
      Effect.gen(function*() {
        const plain = path.join(tempDir(), "nb201.csv")
        writeFileSync(plain, nb201Text("nb201.csv"))
        const fromGzip = yield* load("cifar100_test", folder)
        const fromPlain = yield* Benchmark.load(plain, "cifar100_test")
        assert.strictEqual(fromGzip.digest, `sha256:${sums("nb201.csv")}`)
        assert.strictEqual(fromPlain.digest, fromGzip.digest)
        assert.deepStrictEqual([...fromPlain.values], [...fromGzip.values])
      }))

    it.effect("a folder with only .csv.gz files serves every column; a plain .csv beside it wins", () =>
      Effect.gen(function*() {
        const dir = tempDir()
        copyFileSync(path.join(folder, "nb201.csv.gz"), path.join(dir, "nb201.csv.gz"))
        assert.strictEqual(yield* Benchmark.resolveFile("cifar10_test", dir), path.join(dir, "nb201.csv.gz"))
        writeFileSync(path.join(dir, "nb201.csv"), nb201Text("nb201.csv"))
        assert.strictEqual(yield* Benchmark.resolveFile("cifar10_test", dir), path.join(dir, "nb201.csv"))
      }))

    it.effect("a table that does not match its folder's SHA256SUMS is refused, naming the file and both digests", () =>
      Effect.gen(function*() {
        // A copy of the shipped folder with one value changed (the last digit of the first row's accuracy).
        const dir = tempDir()
        copyFileSync(path.join(folder, Benchmark.DIGESTS), path.join(dir, Benchmark.DIGESTS))
        const edited = nb201Text("nb201.csv").replace("85.86333333333334", "85.86333333333335")
        const file = path.join(dir, "nb201.csv.gz")
        writeFileSync(file, gzipSync(edited))
        const error = yield* Effect.flip(Benchmark.load(file, "cifar10_test"))
        assert.strictEqual(error._tag, "Nb201TableError")
        const actual = createHash("sha256").update(edited).digest("hex")
        assert.include(error.message, `NB201 table ${file}: has sha256 ${actual} (decompressed), but SHA256SUMS beside it lists ${sums("nb201.csv")}`)
        // Unchanged content in the same folder loads; so does the edited table in a folder without SHA256SUMS.
        writeFileSync(file, readFileSync(path.join(folder, "nb201.csv.gz")))
        assert.strictEqual((yield* Benchmark.load(file, "cifar10_test")).values.size, 15_625)
        const elsewhere = path.join(tempDir(), "nb201.csv.gz")
        writeFileSync(elsewhere, gzipSync(edited))
        assert.strictEqual((yield* Benchmark.load(elsewhere, "cifar10_test")).digest, `sha256:${actual}`)
      }))

    it.effect("a truncated gzip file is a typed error, not a crash", () =>
      Effect.gen(function*() {
        const file = path.join(tempDir(), "nb201.csv.gz")
        writeFileSync(file, readFileSync(path.join(folder, "nb201.csv.gz")).subarray(0, 1000))
        const error = yield* Effect.flip(Benchmark.load(file, "cifar10_test"))
        assert.match(error.message, /nb201\.csv\.gz: is not a valid gzip file \(/)
      }))
  })
})

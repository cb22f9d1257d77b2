import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as Arrow from "apache-arrow"
import { Effect, Layer } from "effect"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import * as Store from "../../src/core/Store.ts"
import { importEmbeddings } from "../../src/steps/ImportEmbeddings.ts"
import { ImportFeatures } from "../../src/steps/Services.ts"
import { tempDir } from "../helpers.ts"

const A = "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"
const B = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"

const npy = (values: Float32Array | Float64Array, shape: [number, number]) => {
  const descr = values instanceof Float32Array ? "<f4" : "<f8"
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n"
  const prefix = Buffer.alloc(10)
  prefix.write("\x93NUMPY", 0, "latin1")
  prefix[6] = 1
  prefix.writeUInt16LE(header.length, 8)
  return Buffer.concat([prefix, Buffer.from(header, "latin1"), Buffer.from(values.buffer)])
}

const load = (file: string, archs?: string) =>
  Pipeline.run(Pipeline.make("import", Effect.gen(function*() {
    const { features } = yield* Pipeline.node(ImportFeatures, {}, { layer: importEmbeddings({ space: "nb201", file, archs }) })
    return Artifact.toRows(yield* Pipeline.load(features))
  }), Layer.empty))

const layer = () => Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent)

describe("importing embeddings", () => {
  it.effect("CSV (with a header), NPY (float32, float64) and Arrow (list column, numeric columns) give the same canonical rows", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      // A written in a non-canonical (spaced) form must come out canonical.
      const files = {
        csv: path.join(dir, "e.csv"),
        npy32: path.join(dir, "e32.npy"),
        npy64: path.join(dir, "e64.npy"),
        archs: path.join(dir, "archs.txt"),
        list: path.join(dir, "list.arrow"),
        columns: path.join(dir, "columns.arrow")
      }
      writeFileSync(files.csv, `arch,e0,e1,e2\n${A},0.5,-1,2\n${B},3,0.25,-4\n`)
      writeFileSync(files.npy32, npy(Float32Array.of(0.5, -1, 2, 3, 0.25, -4), [2, 3]))
      writeFileSync(files.npy64, npy(Float64Array.of(0.5, -1, 2, 3, 0.25, -4), [2, 3]))
      writeFileSync(files.archs, `${A}\n${B}\n`)
      writeFileSync(files.list, Arrow.tableToIPC(Arrow.tableFromArrays({ arch: [A, B], x: [[0.5, -1, 2], [3, 0.25, -4]] } as any), "file"))
      writeFileSync(files.columns, Arrow.tableToIPC(Arrow.tableFromArrays({ arch: [A, B], a: Float64Array.of(0.5, 3), b: Float64Array.of(-1, 0.25), c: Float64Array.of(2, -4) }), "file"))
      const expected = [{ arch: A, x: [0.5, -1, 2] }, { arch: B, x: [3, 0.25, -4] }]
      for (const [file, archs] of [[files.csv], [files.npy32, files.archs], [files.npy64, files.archs], [files.list], [files.columns]] as const) {
        const { value } = yield* load(file, archs)
        assert.deepStrictEqual(value.map((r) => ({ arch: r.arch, x: Array.from(r.x) })), expected, file)
      }
    }).pipe(Effect.provide(layer())))

  it.effect("the same bytes are a cache hit; edited bytes are a new artifact", () =>
    Effect.gen(function*() {
      const file = path.join(tempDir(), "e.csv")
      writeFileSync(file, `${A},1,2\n`)
      assert.strictEqual((yield* load(file)).report.nodes[0]!.status, "computed")
      assert.strictEqual((yield* load(file)).report.nodes[0]!.status, "hit")
      writeFileSync(file, `${A},1,3\n`)
      const edited = yield* load(file)
      assert.strictEqual(edited.report.nodes[0]!.status, "computed")
      assert.deepStrictEqual(Array.from(edited.value[0]!.x), [1, 3])
    }).pipe(Effect.provide(layer())))

  it.effect.each([
    ["bad.csv", `${A},1,2\nnot-an-arch,3,4\n`, /row 1: .*not-an-arch/],
    ["ragged.csv", `${A},1,2\n${B},3\n`, /line 2 has 1 numbers, expected 2/],
    ["nan.csv", `${A},1,x\n`, /line 1, dimension 1: NaN is not a finite number/],
    ["twice.csv", `${A},1,2\n${A},3,4\n`, /row 1: .* repeats row 0/],
    ["e.npy", npy(Float32Array.of(1, 2), [1, 2]), /give --archs FILE/],
    ["e.parquet", "x", /unknown extension ".parquet": expected .arrow, .npy or .csv/]
  ] as const)("%s is refused with a message naming the problem", ([name, content, message]) =>
    Effect.gen(function*() {
      const file = path.join(tempDir(), name)
      writeFileSync(file, content)
      const error = yield* Effect.flip(load(file))
      assert.match(String((error as { message?: string }).message ?? error), message)
    }).pipe(Effect.provide(layer())))
})

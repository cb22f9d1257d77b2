import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Rng from "../../src/core/Rng.ts"
import * as Linalg from "../../src/kernels/Linalg.ts"
import { repoRoot, tempDir } from "../helpers.ts"

describe("SIMD kernels", () => {
  // Shapes that reach every block: rows in fours and singles, columns in two vectors, one and singles.
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [4, 8, 3], [5, 13, 7], [9, 31, 16], [32, 155, 20]]
  it.each(shapes.flatMap(([m, n, k]) => [["single", m, n, k], ["double", m, n, k]] as const))("gemm in %s precision, %i × %i × %i: row-major and transposed A, overwrite and accumulate", (precision, m, n, k) => {
    const rng = Rng.make(m * 1000 + n, "gemm")
    const random = (count: number) => Array.from({ length: count }, () => rng.normal())
    const kernels: Linalg.Kernels<Float32Array | Float64Array> = Linalg[precision]([m * k, k * n, m * n])
    const tolerance = precision === "single" ? 1e-5 : 1e-13
    const a = kernels.take(m * k)
    const b = kernels.take(k * n)
    const c = kernels.take(m * n)
    a.data.set(random(m * k))
    b.data.set(random(k * n))
    const product = (transposed: boolean) =>
      Array.from({ length: m * n }, (_, at) => {
        const i = Math.floor(at / n), j = at % n
        let sum = 0
        for (let p = 0; p < k; p++) sum += a.data[transposed ? p * m + i : i * k + p]! * b.data[p * n + j]!
        return sum
      })
    const close = (actual: Float32Array | Float64Array, expected: ReadonlyArray<number>) =>
      expected.forEach((v, i) => expect(Math.abs(actual[i]! - v)).toBeLessThan(tolerance * (k + Math.abs(v))))

    kernels.gemm(m, n, k, a.ptr, k, 1, b.ptr, n, c.ptr, n, 0)
    close(c.data, product(false))
    // A read as the transpose of a k × m matrix, accumulated onto C = 1.
    c.data.fill(1)
    kernels.gemm(m, n, k, a.ptr, 1, m, b.ptr, n, c.ptr, n, 1)
    close(c.data, product(true).map((v) => v + 1))
  })

  it.each(["single", "double"] as const)("transpose in %s precision moves every element", (precision) => {
    const kernels: Linalg.Kernels<Float32Array | Float64Array> = Linalg[precision]([15, 15])
    const src = kernels.take(15)
    const dst = kernels.take(15)
    src.data.set(Array.from({ length: 15 }, (_, i) => i))
    kernels.transpose(src.ptr, 3, 5, dst.ptr)
    expect(Array.from(dst.data)).toEqual([0, 5, 10, 1, 6, 11, 2, 7, 12, 3, 8, 13, 4, 9, 14])
  })

  it("a buffer past the instance's memory is refused", () => {
    const kernels = Linalg.double([8])
    kernels.take(8)
    expect(() => kernels.take(1)).toThrow(/kernel memory exhausted/)
  })

  it("the committed linalg.wasm is what `npm run build:kernels` makes of kernels/linalg.ts", () => {
    const dir = tempDir()
    const root = repoRoot
    const script: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts["build:kernels"]
    const args = script.split(" ").slice(1).map((a) => (a === "src/kernels/linalg.wasm" ? join(dir, "linalg.wasm") : a))
    execFileSync(process.execPath, [join(root, "node_modules/assemblyscript/bin/asc.js"), ...args], { cwd: root })
    expect(readFileSync(join(dir, "linalg.wasm")).equals(readFileSync(join(root, "src/kernels/linalg.wasm")))).toBe(true)
  }, 60_000)
})

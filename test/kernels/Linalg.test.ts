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
    const kernels: Linalg.Kernels<Float32Array | Float64Array> = Linalg[precision]([15, 15, 9 * 13, 9 * 13])
    const src = kernels.take(15)
    const dst = kernels.take(15)
    src.data.set(Array.from({ length: 15 }, (_, i) => i))
    kernels.transpose(src.ptr, 3, 5, dst.ptr)
    expect(Array.from(dst.data)).toEqual([0, 5, 10, 1, 6, 11, 2, 7, 12, 3, 8, 13, 4, 9, 14])
    // 9 × 13: 4 × 4 blocks (single precision) with row and column tails.
    const big = kernels.take(9 * 13)
    const bigT = kernels.take(9 * 13)
    big.data.set(Array.from({ length: 9 * 13 }, (_, i) => i))
    kernels.transpose(big.ptr, 9, 13, bigT.ptr)
    expect(Array.from(bigT.data)).toEqual(Array.from({ length: 9 * 13 }, (_, at) => (at % 9) * 13 + Math.floor(at / 9)))
  })

  // The elementwise passes against their definitions, written out in double precision with one rounding
  // to single, as the kernels document; 4-lane blocks and a tail (count 23).
  describe("the MLP's elementwise passes", () => {
    const count = 23
    const values = (seed: string) => {
      const rng = Rng.make(4, seed)
      // Zeros included: the derivative at z = 0 is the slope, and a dropped unit gives +0.
      return Array.from({ length: count }, (_, i) => (i % 5 === 0 ? 0 : Math.fround(rng.normal())))
    }
    it.each([0, 0.01])("activate with slope %s: z < 0 becomes f32(z · slope)", (slope) => {
      const k = Linalg.single([count])
      const z = k.take(count)
      const input = values("z")
      z.data.set(input)
      k.activate(z.ptr, count, slope)
      expect(Array.from(z.data)).toEqual(input.map((v) => (v < 0 ? Math.fround(v * slope) : v)))
    })
    it.each([[0, false], [0.01, false], [0, true], [0.01, true]] as const)("backActivate with slope %s, masked %s", (slope, masked) => {
      const k = Linalg.single([count, count, count])
      const below = k.take(count)
      const activation = k.take(count)
      const mask = k.take(count)
      const b = values("below"), a = values("activation")
      const keep = Math.fround(1 / 0.7)
      const kept = Array.from({ length: count }, (_, i) => (i % 3 === 0 ? 0 : keep))
      below.data.set(b)
      activation.data.set(a)
      mask.data.set(kept)
      k.backActivate(below.ptr, activation.ptr, mask.ptr, count, slope, masked ? 1 : 0)
      const expected = b.map((v, i) => {
        const factor = masked ? kept[i]! : 1
        return factor === 0 ? 0 : Math.fround(v * factor * (a[i]! > 0 ? 1 : slope))
      })
      expect(Array.from(below.data)).toEqual(expected)
    })
    it("columnSums: each column summed in double precision, rounded once", () => {
      const m = 7, cols = 11
      const k = Linalg.single([m * cols, cols])
      const delta = k.take(m * cols)
      const g = k.take(cols)
      const rng = Rng.make(5, "sums")
      delta.data.set(Array.from({ length: m * cols }, () => rng.normal() * 1e3))
      k.columnSums(delta.ptr, m, cols, g.ptr)
      const expected = Array.from({ length: cols }, (_, o) => {
        let sum = 0
        for (let i = 0; i < m; i++) sum += delta.data[i * cols + o]!
        return Math.fround(sum)
      })
      expect(Array.from(g.data)).toEqual(expected)
    })
  })

  it("tridiagonalPass: the lower triangle's rank-2 update and the symmetric product that follows", () => {
    // Rows and columns from `first` = 2 of a 9 × 9 matrix: 7 entries, so the vector loop leaves a single.
    const m = 9, first = 2, r = m - first, rng = Rng.make(3, "tridiagonal")
    const kernels = Linalg.double([m * m, r, r, r, r])
    const a = kernels.take(m * m), v = kernels.take(r), w = kernels.take(r), next = kernels.take(r), p = kernels.take(r)
    const full = Array.from({ length: m * m }, () => 0)
    for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) full[i * m + j] = full[j * m + i] = rng.normal()
    a.data.set(full)
    a.data[first * m + m - 1] = 99 // the upper triangle is neither read nor written
    for (const x of [v, w, next]) x.data.set(Array.from({ length: r }, () => rng.normal()))
    kernels.tridiagonalPass(a.ptr, m, first, v.ptr, w.ptr, 1, next.ptr, p.ptr, 1)
    const updated = (i: number, j: number) => full[(first + i) * m + first + j]! - (v.data[i]! * w.data[j]! + w.data[i]! * v.data[j]!)
    for (let i = 0; i < r; i++) {
      for (let j = 0; j <= i; j++) expect(a.data[(first + i) * m + first + j]).toBeCloseTo(updated(i, j), 13)
      let product = 0
      for (let j = 0; j < r; j++) product += updated(i, j) * next.data[j]!
      expect(p.data[i]).toBeCloseTo(product, 12)
    }
    expect(a.data[first * m + m - 1]).toBe(99)
    expect(a.data[0]).toBe(full[0]) // rows before `first` untouched
  })

  it("a pooled memory is reused, grown when a call needs more, and its buffers start at zero", () => {
    const first = Linalg.double([4], "linalg-test")
    const a = first.take(4)
    a.data.set([1, 2, 3, 4])
    const again = Linalg.double([4], "linalg-test").take(4)
    expect(again.ptr).toBe(a.ptr)
    expect(Array.from(again.data)).toEqual([0, 0, 0, 0]) // the same bytes, cleared
    const bigger = Linalg.double([4, 20_000], "linalg-test") // 160 kB: more than the first call's page
    bigger.take(4)
    const large = bigger.take(20_000)
    large.data.fill(7)
    expect(large.data[19_999]).toBe(7)
  })

  it("a buffer past the instance's memory is refused", () => {
    const kernels = Linalg.double([8])
    kernels.take(8)
    expect(() => kernels.take(1)).toThrow(/kernel memory exhausted/)
  })

  it("the committed linalg.wasm is what `npm run build:kernels` makes of kernels/wasm/linalg.ts", () => {
    const dir = tempDir()
    const root = repoRoot
    const script: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts["build:kernels"]
    const args = script.split(" ").slice(1).map((a) => (a === "src/kernels/linalg.wasm" ? join(dir, "linalg.wasm") : a))
    execFileSync(process.execPath, [join(root, "node_modules/assemblyscript/bin/asc.js"), ...args], { cwd: root })
    expect(readFileSync(join(dir, "linalg.wasm")).equals(readFileSync(join(root, "src/kernels/linalg.wasm")))).toBe(true)
  }, 60_000)
})

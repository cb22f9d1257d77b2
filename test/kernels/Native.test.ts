import { spawnSync } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import * as Rng from "../../src/core/Rng.ts"
import * as Linalg from "../../src/kernels/Linalg.ts"
import { native } from "../../src/kernels/Native.ts"
import { repoRoot } from "../helpers.ts"

// The native kernels must give the WebAssembly kernels' results bit for bit: artifacts in the store do
// not depend on which one ran. Where no native build exists (no C++ compiler at install) only the
// WebAssembly kernels run and there is nothing to compare.
const built = existsSync(join(repoRoot, "kernels", "native", "build", "kernels.node")) && process.env.COLE_KERNELS !== "wasm"

/** Entries whose bits differ (Object.is: −0 and +0 differ, as do NaNs with NaNs never produced here). */
const differing = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).filter((v, i) => !Object.is(v, y[i])).length

describe("native kernels", () => {
  it("a build on disk is loaded (a stale one means: npm run build:native)", () => {
    expect(native !== undefined).toBe(built)
    expect(Linalg.preferred).toBe(built ? "native" : "wasm")
  })

  // Every instruction set this CPU runs (AVX-512, AVX2, SSE2 on x86-64), each called on the memory of
  // a WebAssembly kernel instance, against that instance's own kernels.
  const sets = native?.sets ?? []
  const cases = <A extends ReadonlyArray<unknown>>(rest: ReadonlyArray<A>) => sets.flatMap((set) => rest.map((r) => [set.isa, ...r] as const))

  // Rows past every register tile (8 and 4 rows, then singles), columns past every vector block (two
  // and one 16-lane vectors, 4-lane vectors, singles), depths across the 128-deep panels and empty, more
  // columns than one 512-wide panel; A row-major, transposed and broadcast (column stride 0); zero rows
  // of A (±0 products) onto a C holding −0.
  const shapes: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 0], [7, 37, 129], [9, 71, 7], [17, 155, 300], [8, 530, 20], [33, 32, 128]]
  it.skipIf(!built).each(cases(shapes.flatMap(([m, n, k]) => [["single", m, n, k], ["double", m, n, k]] as const)))("%s gemm in %s precision, %i × %i × %i: same bits as WebAssembly", (isa, precision, m, n, k) => {
    const set = sets.find((s) => s.isa === isa)!
    const rng = Rng.make(m * 7 + n * 3 + k, "native-gemm")
    const a = Array.from({ length: Math.max(m * k, 1) }, (_, i) => (Math.floor(i / Math.max(k, 1)) === 1 ? 0 : rng.normal()))
    const b = Array.from({ length: k * n }, () => rng.normal())
    const c = Array.from({ length: m * n }, (_, i) => (i % 5 === 0 ? -0 : rng.normal()))
    const run = (nativeSet: boolean) => {
      const kernels: Linalg.Kernels<Float32Array | Float64Array> = precision === "single" ? Linalg.single([m * k + 1, k * n, m * n], "wasm") : Linalg.double([m * k + 1, k * n, m * n], undefined, "wasm")
      const [ab, bb, cb] = [kernels.take(m * k + 1), kernels.take(k * n), kernels.take(m * n)]
      const gemm: Linalg.Gemm = !nativeSet ? kernels.gemm : (...args) => (precision === "single" ? set.gemm32 : set.gemm64)(cb.data.buffer as ArrayBuffer, ...args)
      ab.data.set(a)
      bb.data.set(b)
      const results: Array<Array<number>> = []
      for (const [ars, acs, accumulate] of [[k, 1, 0], [1, m, 1], [k, 0, 1]] as const) {
        cb.data.set(c)
        gemm(m, n, k, ab.ptr, ars, acs, bb.ptr, n, cb.ptr, n, accumulate)
        results.push(Array.from(cb.data))
      }
      return results.flat()
    }
    const fast = run(true)
    const reference = run(false)
    expect(differing(fast, reference)).toBe(0)
    // The inputs are not all zero and the products not all equal: the comparison compares something.
    expect(new Set(reference).size).toBeGreaterThanOrEqual(Math.min(m * n, 3))
  })

  it.skipIf(!built).each(cases([1, 3, 4, 5, 17, 67, 1003].map((count) => [count] as const)))("%s adam over %i parameters: same bits as WebAssembly, vector body and scalar tail", (isa, count) => {
    const set = sets.find((s) => s.isa === isa)!
    const rng = Rng.make(count, "native-adam")
    const initial = [0, 1, 2, 3].map((q) => Array.from({ length: count }, () => (q === 3 ? Math.abs(rng.normal()) * 1e-3 : rng.normal())))
    const run = (nativeSet: boolean) => {
      const kernels = Linalg.single([count, count, count, count], "wasm")
      const [p, g, m, v] = initial.map((values) => {
        const buffer = kernels.take(count)
        buffer.data.set(values)
        return buffer
      })
      const adam: typeof kernels.adam = !nativeSet ? kernels.adam : (...args) => set.adam32(p!.data.buffer as ArrayBuffer, ...args)
      for (let t = 1; t <= 3; t++) {
        const root = Math.sqrt(1 - 0.99 ** t)
        adam(p!.ptr, g!.ptr, m!.ptr, v!.ptr, count, 0.9, 0.99, (1e-3 * root) / (1 - 0.9 ** t), 1e-8 * root)
        g!.data.set(Array.from(p!.data, (x) => x * 0.5 - 0.1))
      }
      return [p!, m!, v!].flatMap((buffer) => Array.from(buffer.data))
    }
    const fast = run(true)
    const reference = run(false)
    expect(differing(fast, reference)).toBe(0)
    expect(differing(reference, initial[0]!.concat(initial[2]!, initial[3]!).map(Math.fround))).toBeGreaterThan(0)
  })

  it.skipIf(!built)("the kernels in use are the widest set the CPU runs", () => {
    expect(native!.isa).toBe(sets[0]!.isa)
  })

  it.skipIf(!built)("refuses an operand outside the memory instead of touching it", () => {
    const memory = new ArrayBuffer(64)
    // C (2 × 4 floats = 32 bytes) starting at byte 48 would end at 80 > 64.
    expect(() => native!.gemm32(memory, 2, 4, 1, 0, 1, 1, 0, 4, 48, 4, 0)).toThrow(/outside the memory/)
    expect(() => native!.gemm32(memory, 1, 1, 1, 2, 1, 1, 0, 1, 0, 1, 0)).toThrow(/misaligned/)
    expect(() => native!.adam32(memory, 0, 0, 0, 0, 17, 0.9, 0.99, 1e-3, 1e-8)).toThrow(/outside the memory/)
  })

  // The install must go on without a working compiler: one notice, exit 0, no partial file left.
  it.each([["missing", "/nonexistent/c++"], ["failing", "false"]])("the build step with a %s compiler says so and leaves the install going", (_, compiler) => {
    const result = spawnSync(process.execPath, [join(repoRoot, "kernels", "native", "build.mjs")], { encoding: "utf8", env: { ...process.env, CXX: compiler } })
    expect(result.status).toBe(0)
    expect(result.stdout).toMatch(/^cole: native kernels not built \(.+\); the WebAssembly kernels will be used\n$/)
    expect(readdirSync(join(repoRoot, "kernels", "native", "build")).filter((f) => f.endsWith(".tmp"))).toEqual([])
  })
})

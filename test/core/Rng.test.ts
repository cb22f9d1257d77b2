import { describe, expect, it } from "vitest"
import * as Rng from "../../src/core/Rng.ts"

const take = (rng: Rng.Rng, n: number) => Array.from({ length: n }, () => rng.next())

describe("Rng", () => {
  it("gives the same numbers for the same seed and stream, different ones otherwise", () => {
    expect(take(Rng.make(1, "init"), 5)).toEqual(take(Rng.make(1, "init"), 5))
    expect(take(Rng.make(1, "init"), 5)).not.toEqual(take(Rng.make(2, "init"), 5))
    expect(take(Rng.make(1, "init"), 5)).not.toEqual(take(Rng.make(1, "mutation"), 5))
  })

  it("is uniform on [0, 1) and normal() has mean 0 and variance 1", () => {
    const rng = Rng.make(42, "stats")
    const u = take(rng, 100_000)
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...u)).toBeLessThan(1)
    const mean = u.reduce((a, b) => a + b) / u.length
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005) // σ/√n ≈ 0.0009
    const z = Array.from({ length: 100_000 }, () => rng.normal())
    const zMean = z.reduce((a, b) => a + b) / z.length
    const zVar = z.reduce((a, b) => a + (b - zMean) ** 2, 0) / z.length
    expect(Math.abs(zMean)).toBeLessThan(0.02)
    expect(Math.abs(zVar - 1)).toBeLessThan(0.02)
    const counts = new Array(6).fill(0)
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500)
  })
})

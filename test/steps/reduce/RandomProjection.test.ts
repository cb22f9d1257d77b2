import { describe, expect, it } from "vitest"
import { matrix, randomProjection } from "../../../src/components/reducers/RandomProjection.ts"
import * as Rng from "../../../src/core/Rng.ts"

describe("the Gaussian random-projection reducer", () => {
  it("projects by the seeded matrix: x · R, entries N(0, 1/k) from stream random-projection", () => {
    const r = matrix(3, 2, 5)
    const rng = Rng.make(5, "random-projection")
    expect(Array.from(r)).toEqual(Array.from({ length: 6 }, () => rng.normal() * (1 / Math.sqrt(2))))
    const fitted = randomProjection.make({ components: 2, seed: 5 }).fit([], 0, 3, 99)
    expect(fitted.width).toBe(2)
    const out = fitted.transform([1, 2, 3, 0, -1, 0], 2)
    expect(out[0]).toBeCloseTo(r[0]! + 2 * r[2]! + 3 * r[4]!, 14)
    expect(out[1]).toBeCloseTo(r[1]! + 2 * r[3]! + 3 * r[5]!, 14)
    expect(out[2]).toBeCloseTo(-r[2]!, 14)
    expect(out[3]).toBeCloseTo(-r[3]!, 14)
  })

  it("keeps squared norms in expectation (Johnson–Lindenstrauss) and depends on its seed alone", () => {
    const d = 300, k = 256, m = 50
    const rng = Rng.make(1, "data")
    const x = Float64Array.from({ length: m * d }, () => rng.normal())
    const fitted = randomProjection.make({ components: k, seed: 0 }).fit(x, m, d, 7)
    const y = fitted.transform(x, m)
    let ratio = 0
    for (let i = 0; i < m; i++) {
      let a = 0, b = 0
      for (let j = 0; j < d; j++) a += x[i * d + j]! ** 2
      for (let c = 0; c < k; c++) b += y[i * k + c]! ** 2
      ratio += b / a / m
    }
    expect(Math.abs(ratio - 1)).toBeLessThan(0.05)
    // The fit's seed (a search's trial seed) does not enter: every fit projects alike.
    expect(Array.from(randomProjection.make({ components: k, seed: 0 }).fit(x, m, d, 8).transform(x, m))).toEqual(Array.from(y))
    expect(Array.from(randomProjection.make({ components: k, seed: 1 }).fit(x, m, d, 7).transform(x, m))).not.toEqual(Array.from(y))
  })
})

import { describe, expect, it } from "vitest"
import * as Rng from "../../../src/core/Rng.ts"
import { tauB } from "../../../src/steps/surrogate/Kendall.ts"

/** The definition, pair by pair. */
const bruteForce = (x: ReadonlyArray<number>, y: ReadonlyArray<number>) => {
  let c = 0, d = 0, tx = 0, ty = 0
  const n = x.length
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign(x[i]! - x[j]!)
      const sy = Math.sign(y[i]! - y[j]!)
      if (sx === 0) tx++
      if (sy === 0) ty++
      if (sx !== 0 && sy !== 0) sx === sy ? c++ : d++
    }
  }
  const n0 = (n * (n - 1)) / 2
  return (c - d) / Math.sqrt((n0 - tx) * (n0 - ty))
}

describe("Kendall τ-b", () => {
  it("matches the documented vectors", () => {
    expect(tauB([1, 2, 3, 4], [1, 3, 2, 4]).tau).toBeCloseTo(4 / 6, 12)
    expect(tauB([1, 2, 2, 3], [1, 2, 3, 3]).tau).toBeCloseTo(0.8, 12)
    expect(tauB([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]).tau).toBeCloseTo(0.6, 12)
  })

  it("is ±1 for equal and reversed orders, and undefined (0, flagged) when one side is constant", () => {
    expect(tauB([3, 1, 2], [30, 10, 20]).tau).toBe(1)
    expect(tauB([3, 1, 2], [-30, -10, -20]).tau).toBe(-1)
    expect(tauB([1, 2, 3], [5, 5, 5])).toEqual({ tau: 0, undefined: true })
    expect(tauB([7], [1])).toEqual({ tau: 0, undefined: true })
  })

  it("agrees with the pair-by-pair definition on random data with many ties", () => {
    const rng = Rng.make(3, "kendall")
    for (const [n, levels] of [[50, 5], [300, 20], [1000, 1000], [7, 2]] as const) {
      const x = Array.from({ length: n }, () => rng.int(levels))
      const y = x.map((v) => (rng.next() < 0.7 ? v + rng.int(3) : rng.int(levels)))
      expect(tauB(x, y).tau).toBeCloseTo(bruteForce(x, y), 12)
    }
  })
})

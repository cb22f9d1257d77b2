import { describe, expect, it } from "vitest"
import * as Rng from "../../../src/core/Rng.ts"
import * as BlockLanczos from "../../../src/steps/reduce/BlockLanczos.ts"
import * as Centred from "../../../src/steps/reduce/Centred.ts"
import * as Pca from "../../../src/steps/reduce/Pca.ts"

const close = (actual: ArrayLike<number>, expected: ReadonlyArray<number>, digits = 6) =>
  expected.forEach((e, i) => expect(actual[i]!).toBeCloseTo(e, digits))

describe("PCA (docs/surrogate.md)", () => {
  const train = [0, 0, 2, 0, 0, 1, 2, 1]

  it("reproduces the documented vector", () => {
    const model = Pca.fit(train, 4, 2, 128)
    expect(model.k).toBe(2)
    close(model.mean, [1, 0.5])
    close(model.singularValues, [2, 1])
    close(model.components, [1, 0, 0, 1])
    close(model.explainedVariance, [4 / 3, 1 / 3])
    expect(model.explainedRatio).toBeCloseTo(1, 12)
    close(Pca.transform(model, train, 4), [-1, -0.5, 1, -0.5, -1, 0.5, 1, 0.5])
    close(Pca.transform(model, [3, 3], 1), [2, 2.5])
    close(Pca.transform(Pca.fit(train, 4, 2, 1), [3, 3], 1), [2])
  })

  it("gives zero columns for degenerate components (3 rows in 5 dimensions → width 3, third all zero)", () => {
    const rng = Rng.make(1, "pca-test")
    const x = Array.from({ length: 15 }, () => rng.normal())
    const model = Pca.fit(x, 3, 5, 128)
    expect(model.k).toBe(3)
    const z = Pca.transform(model, x, 3)
    expect([z[2], z[5], z[8]]).toEqual([0, 0, 0])
    const test = Pca.transform(model, Array.from({ length: 5 }, () => rng.normal()), 1)
    expect(test[2]).toBe(0)
    expect(Math.abs(z[0]!)).toBeGreaterThan(0)
  })

  it("handles n = 1 and constant columns: all components degenerate, output zeros", () => {
    const one = Pca.fit([1, 2, 3], 1, 3, 128)
    expect(one.k).toBe(1)
    expect(Array.from(Pca.transform(one, [5, 5, 5], 1))).toEqual([0])
    const constant = Pca.fit([1, 7, 1, 8, 1, 9], 3, 2, 2)
    close(constant.components.subarray(0, 2), [0, 1]) // the varying column, sign positive
    expect(Array.from(constant.components.subarray(2))).toEqual([0, 0])
  })

  it("refuses non-finite input, naming the entry", () => {
    expect(() => Pca.fit([1, 2, 3, Number.NaN, 5, 6], 3, 2, 2)).toThrow("pca: row 1, column 1 is NaN, expected a finite number")
    expect(() => Pca.fit([1, 2, Infinity, 4], 2, 2, 2)).toThrow("pca: row 1, column 0 is Infinity, expected a finite number")
    expect(() => Pca.fit([1, 2, 3], 2, 2, 2)).toThrow("pca: expected 2 × 2 values, got 3")
  })

  it("Gram (n < d) and scatter (n ≥ d) solvers agree, and the sign convention holds", () => {
    const rng = Rng.make(2, "pca-test")
    const n = 40, d = 30
    const x = Array.from({ length: n * d }, (_, i) => rng.normal() * (1 + (i % d)))
    const scatter = Pca.fit(x, n, d, 10)
    expect(scatter.solver).toBe("scatter")
    // The same data with d padded by zero columns switches to the Gram path.
    const wide = Array.from({ length: n * 60 }, (_, i) => (i % 60 < d ? x[Math.floor(i / 60) * d + (i % 60)]! : 0))
    const gram = Pca.fit(wide, n, 60, 10)
    expect(gram.solver).toBe("gram")
    close(gram.singularValues, Array.from(scatter.singularValues), 6)
    for (let c = 0; c < 10; c++) {
      const row = scatter.components.subarray(c * d, (c + 1) * d)
      close(gram.components.subarray(c * 60, c * 60 + d), Array.from(row), 6)
      const max = row.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0)
      expect(max).toBeGreaterThan(0)
    }
  })

  /** σ within 1e-6 relative everywhere; |cos| ≥ 0.9999 wherever λ = σ² is 1e-4·λ from its neighbours. */
  const matchesExact = (fitted: Pca.Model, exact: Pca.Model) => {
    const { d, k } = exact
    const lambda = Array.from(exact.singularValues, (s) => s * s)
    for (let c = 0; c < k; c++) {
      expect(Math.abs(fitted.singularValues[c]! - exact.singularValues[c]!)).toBeLessThanOrEqual(1e-6 * exact.singularValues[c]!)
      const gap = Math.min(c > 0 ? lambda[c - 1]! - lambda[c]! : Infinity, c + 1 < k ? lambda[c]! - lambda[c + 1]! : Infinity)
      if (exact.singularValues[c] === 0 || gap < 1e-4 * lambda[c]!) continue
      let dot = 0
      for (let j = 0; j < d; j++) dot += fitted.components[c * d + j]! * exact.components[c * d + j]!
      expect(Math.abs(dot)).toBeGreaterThanOrEqual(0.9999)
    }
  }

  /** Fits x with block Lanczos (forced) and exactly; the first must match the second. */
  const lanczosAgainstExact = (x: ReadonlyArray<number>, n: number, d: number, k: number, seed: number) => {
    const lanczos = Pca.fit(x, n, d, k, { exactUpTo: 10, seed })
    expect(lanczos.solver).toBe("block-lanczos")
    const exact = Pca.fit(x, n, d, k)
    matchesExact(lanczos, exact)
    return { lanczos, exact }
  }
  const gaussian = (seed: number, count: number) => {
    const rng = Rng.make(seed, "pca-test")
    return Array.from({ length: count }, () => rng.normal())
  }

  it("block Lanczos matches the exact solver on a decaying spectrum: σ to 1e-6 relative, |cos| ≥ 0.9999", () => {
    const rng = Rng.make(3, "pca-test")
    const n = 300, d = 200, k = 20
    const latent = Array.from({ length: n * d }, () => rng.normal())
    const x = latent.map((v, i) => v * Math.exp(-(i % d) / 15))
    lanczosAgainstExact(x, n, d, k, 5)
  })

  it("block Lanczos converges on a flat spectrum (Gaussian data) before its basis spans the data", () => {
    const n = 500, d = 600, k = 30
    const { lanczos } = lanczosAgainstExact(gaussian(4, n * d), n, d, k, 1)
    expect(lanczos.basis).toBeLessThan(n - 1) // the rows span n − 1 dimensions: converged, not exhausted
  })

  it("block Lanczos on rank-deficient data: the missing components are zero, the rest exact", () => {
    const rng = Rng.make(5, "pca-test")
    const n = 300, d = 200, rank = 6, k = 20
    const a = Array.from({ length: n * rank }, () => rng.normal()), b = Array.from({ length: rank * d }, () => rng.normal())
    const x = Array.from({ length: n * d }, (_, i) => a.slice(Math.floor(i / d) * rank, Math.floor(i / d) * rank + rank).reduce((s, v, r) => s + v * b[r * d + (i % d)]!, 0))
    const { lanczos, exact } = lanczosAgainstExact(x, n, d, k, 2)
    expect(Array.from(lanczos.singularValues.subarray(rank))).toEqual(new Array(k - rank).fill(0))
    expect(Array.from(exact.singularValues.subarray(rank))).toEqual(new Array(k - rank).fill(0))
  })

  it("block Lanczos on wide data (n < d): the basis outgrows the rows' span and stays orthonormal", () => {
    // 60 rows span 59 dimensions; a flat spectrum keeps the fit going past them, into directions that
    // Xcᵀ Xc sends to zero, whose rounding noise must not be normalised into the basis.
    const n = 60, d = 900, k = 50
    const { lanczos } = lanczosAgainstExact(gaussian(6, n * d), n, d, k, 1)
    expect(lanczos.basis).toBeGreaterThan(n)
  })

  it("block Lanczos finds every copy of a singular value repeated more often than its block is wide", () => {
    // Walsh columns (orthogonal, mean zero): 40 of scale 10 give one singular value of multiplicity 40,
    // more than the 16 directions of the first block; the rest decay.
    const n = 1024, d = 600, k = 60
    const parity = (v: number) => { let p = 0; for (; v; v &= v - 1) p ^= 1; return p }
    const x = Array.from({ length: n * d }, (_, at) => {
      const i = Math.floor(at / d), j = at % d
      return (parity(i & (j + 1)) ? -1 : 1) * (j < 40 ? 10 : 5 * Math.exp(-(j - 40) / 50))
    })
    const { exact } = lanczosAgainstExact(x, n, d, k, 3)
    expect(exact.singularValues[39]).toBeCloseTo(10 * Math.sqrt(n), 9)
    const mean = new Float64Array(d) // Walsh columns have mean zero
    const direct = BlockLanczos.largestRightSingular(x, n, d, mean, k, { seed: 3, maxBasis: 16 * k })
    expect(direct.block).toBeGreaterThan(40)
    expect(BlockLanczos.longestTie(direct.sigma)).toBe(40)
  })

  it("block Lanczos stopped at its basis cap says so, and the exact solver takes over", () => {
    const n = 500, d = 600, k = 30
    const x = gaussian(4, n * d)
    const mean = Float64Array.from({ length: d }, (_, j) => Array.from({ length: n }, (_, i) => x[i * d + j]!).reduce((a, v) => a + v, 0) / n)
    const direct = BlockLanczos.largestRightSingular(x, n, d, mean, k, { seed: 1, maxBasis: 64 })
    expect([direct.converged, direct.basis]).toEqual([false, 64])
    const capped = Pca.fit(x, n, d, k, { exactUpTo: 10, seed: 1, maxBasis: 64 })
    expect([capped.solver, capped.basis]).toEqual(["gram", 64])
    expect(Array.from(capped.singularValues)).toEqual(Array.from(Pca.fit(x, n, d, k).singularValues))
  })

  it("pads a leading dimension to an odd number of cache lines", () => {
    expect([4096, 4097, 8, 16, 3516].map(Centred.paddedStride)).toEqual([4104, 4104, 8, 24, 3528])
  })
})

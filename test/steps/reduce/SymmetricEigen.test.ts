import { EigenvalueDecomposition, Matrix } from "ml-matrix"
import { describe, expect, it } from "vitest"
import * as Rng from "../../../src/core/Rng.ts"
import * as SymmetricEigen from "../../../src/steps/reduce/SymmetricEigen.ts"

const symmetric = (m: number, entry: (i: number, j: number) => number) => {
  const a = new Float64Array(m * m)
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = entry(i, j)
  return a
}

/** A = Q diag(values) Qᵀ with Q orthogonal (Householder reflections of random vectors). */
const withSpectrum = (values: ReadonlyArray<number>, seed: number) => {
  const m = values.length, rng = Rng.make(seed, "eigen-test")
  const q: Array<Array<number>> = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)))
  for (let r = 0; r < 3; r++) {
    const u = Array.from({ length: m }, () => rng.normal())
    const norm = Math.hypot(...u)
    for (const row of q) {
      const dot = row.reduce((s, x, j) => s + x * u[j]!, 0)
      for (let j = 0; j < m; j++) row[j]! -= (2 * dot * u[j]!) / (norm * norm)
    }
  }
  return symmetric(m, (i, j) => values.reduce((s, value, c) => s + q[i]![c]! * value * q[j]![c]!, 0))
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0)

/** ‖A v − λ v‖ for every returned pair, and the largest |v_i · v_j| between distinct pairs. */
const quality = (a: Float64Array, m: number, { values, vectors }: SymmetricEigen.Eigen) => {
  let residual = 0, overlap = 0
  for (let c = 0; c < values.length; c++) {
    const v = vectors.subarray(c * m, (c + 1) * m)
    let r = 0
    for (let i = 0; i < m; i++) r += (dot(a.subarray(i * m, (i + 1) * m), v) - values[c]! * v[i]!) ** 2
    residual = Math.max(residual, Math.sqrt(r))
    expect(dot(v, v)).toBeCloseTo(1, 12)
    for (let o = 0; o < c; o++) overlap = Math.max(overlap, Math.abs(dot(v, vectors.subarray(o * m, (o + 1) * m))))
  }
  return { residual, overlap }
}

describe("SymmetricEigen.largest", () => {
  it("solves hand-checkable matrices", () => {
    const two = SymmetricEigen.largest([2, 1, 1, 2], 2, 2)
    expect(two.values[0]).toBeCloseTo(3, 14)
    expect(two.values[1]).toBeCloseTo(1, 14)
    expect(Math.abs(dot(two.vectors.subarray(0, 2), [Math.SQRT1_2, Math.SQRT1_2]))).toBeCloseTo(1, 14)
    // Tridiagonal Toeplitz: eigenvalues 4 + √2, 4, 4 − √2, eigenvectors [1, ±√2, 1]/2 and [1, 0, −1]/√2.
    const three = SymmetricEigen.largest([4, 1, 0, 1, 4, 1, 0, 1, 4], 3, 3)
    const expected = [[4 + Math.SQRT2, [0.5, Math.SQRT1_2, 0.5]], [4, [Math.SQRT1_2, 0, -Math.SQRT1_2]], [4 - Math.SQRT2, [0.5, -Math.SQRT1_2, 0.5]]] as const
    expected.forEach(([value, vector], c) => {
      expect(three.values[c]).toBeCloseTo(value, 13)
      expect(Math.abs(dot(three.vectors.subarray(c * 3, c * 3 + 3), vector))).toBeCloseTo(1, 13)
    })
    expect(SymmetricEigen.largest([5], 1, 1).values[0]).toBeCloseTo(5, 14)
    expect(Math.abs(SymmetricEigen.largest([0, 0, 0, 0], 2, 1).values[0]!)).toBeLessThan(1e-300)
  })

  it("agrees with ml-matrix's full decomposition on a random 80 × 80 matrix, top 20", () => {
    const m = 80, k = 20, rng = Rng.make(1, "eigen-test")
    const a = symmetric(m, () => rng.normal())
    const ours = SymmetricEigen.largest(a, m, k)
    const reference = new EigenvalueDecomposition(new Matrix(Array.from({ length: m }, (_, i) => Array.from(a.subarray(i * m, (i + 1) * m)))), { assumeSymmetric: true })
    const order = reference.realEigenvalues.map((value, i) => [value, i] as const).sort((x, y) => y[0] - x[0])
    for (let c = 0; c < k; c++) {
      expect(Math.abs(ours.values[c]! - order[c]![0])).toBeLessThan(1e-12)
      expect(Math.abs(dot(ours.vectors.subarray(c * m, (c + 1) * m), reference.eigenvectorMatrix.getColumn(order[c]![1])))).toBeGreaterThan(1 - 1e-10)
    }
    const { residual, overlap } = quality(a, m, ours)
    expect(residual).toBeLessThan(1e-12)
    expect(overlap).toBeLessThan(1e-12)
  })

  it("returns an orthonormal basis of a repeated or clustered eigenvalue's space", () => {
    // 7 (three times), a cluster 5 ± 1e-11, then the rest: inverse iteration must not return one vector twice.
    const values = [7, 7, 7, 5 + 1e-11, 5, 5 - 1e-11, 3, 2, 1, 0.5, 0.25, 0]
    const m = values.length
    const a = withSpectrum(values, 2)
    const ours = SymmetricEigen.largest(a, m, 8)
    values.slice(0, 8).forEach((value, c) => expect(ours.values[c]).toBeCloseTo(value, 12))
    const { residual, overlap } = quality(a, m, ours)
    expect(residual).toBeLessThan(1e-12)
    expect(overlap).toBeLessThan(1e-12)
  })

  it("rejects a buffer of the wrong size", () => {
    expect(() => SymmetricEigen.largest([1, 2, 3], 2, 1)).toThrow("symmetric eigen: expected 2 × 2 values, got 3")
  })
})

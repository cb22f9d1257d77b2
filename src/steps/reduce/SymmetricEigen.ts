/**
 * The k largest eigenpairs of a dense real symmetric matrix, in float64: Householder reduction to
 * tridiagonal form (one fused SIMD pass over the lower triangle per column), eigenvalues by bisection on
 * Sturm counts, eigenvectors by inverse iteration on the tridiagonal — re-orthogonalised within
 * clusters of close eigenvalues, as LAPACK's dstein does — and mapped back through the reflectors.
 * O(m³) like a full decomposition, but only k eigenvectors are ever formed.
 */
import * as Rng from "../../core/Rng.ts"
import * as Linalg from "../../kernels/Linalg.ts"

export interface Eigen {
  /** The k largest eigenvalues, decreasing. */
  readonly values: Float64Array
  /** k × m, row-major: row c is the unit eigenvector of values[c]. */
  readonly vectors: Float64Array
}

const EPS = Number.EPSILON

interface Tridiagonal {
  readonly diagonal: Float64Array
  /** offDiagonal[i] couples rows i and i + 1. */
  readonly offDiagonal: Float64Array
}

/**
 * Reduces a (m × m, kernel memory; the lower triangle is read) in place: Qᵀ A Q = T with
 * Q = H_0 ⋯ H_{m−3}, H_j = I − β_j v_j v_jᵀ acting on entries j + 1 …; v_j (v_j[0] = 1) is left in row j
 * right of the diagonal, which the lower triangle does not use. Golub & Van Loan, algorithm 8.3.1, with
 * each column's rank-2 update and the next column's product fused into one kernel pass.
 */
const tridiagonalize = (k: Linalg.Double, a: Linalg.Buffer<Float64Array>, m: number) => {
  const A = a.data
  const beta = new Float64Array(m)
  const diagonal = new Float64Array(m), offDiagonal = new Float64Array(Math.max(m - 1, 0))
  const w = k.take(m), next = k.take(m), p = k.take(m), x = new Float64Array(m)
  /** H_j from x = column j below the diagonal (length r): stores v_j and β_j, returns the new subdiagonal entry. */
  const reflect = (j: number, r: number) => {
    const v = j * m + j + 1, x0 = x[0]!
    let sigma = 0
    for (let i = 1; i < r; i++) sigma += x[i]! * x[i]!
    A[v] = 1
    if (sigma === 0) {
      for (let i = 1; i < r; i++) A[v + i] = 0
      return x0
    }
    const mu = Math.sqrt(x0 * x0 + sigma)
    const v0 = x0 <= 0 ? x0 - mu : -sigma / (x0 + mu)
    beta[j] = (2 * v0 * v0) / (sigma + v0 * v0)
    for (let i = 1; i < r; i++) A[v + i] = x[i]! / v0
    return mu
  }
  /** next = [0, v_j] from v_j's home in row j: the padding makes the products line up with rows j …. */
  const loadNext = (j: number) => {
    next.data[0] = 0
    next.data.set(A.subarray(j * m + j + 1, (j + 1) * m), 1)
  }
  if (m >= 3) {
    for (let i = 0; i < m - 1; i++) x[i] = A[(i + 1) * m]!
    offDiagonal[0] = reflect(0, m - 1)
    loadNext(0)
    k.tridiagonalPass(a.ptr, m, 0, w.ptr, w.ptr, 0, next.ptr, p.ptr, 1) // p[1 …] = A22 v_0
  }
  for (let j = 0; j + 2 < m; j++) {
    const r = m - j - 1, v = j * m + j + 1
    diagonal[j] = A[j * m + j]!
    // w = β A22 v − (β/2)(β vᵀ A22 v) v, with A22 v in p[1 …].
    let pv = 0
    for (let i = 0; i < r; i++) pv += beta[j]! * p.data[i + 1]! * A[v + i]!
    const half = (beta[j]! / 2) * pv
    for (let i = 0; i < r; i++) w.data[i] = beta[j]! * p.data[i + 1]! - half * A[v + i]!
    const hasNext = j + 3 < m
    if (hasNext) {
      // Column j + 1 as the update leaves it, for the next reflector.
      for (let i = 1; i < r; i++) x[i - 1] = A[(j + 1 + i) * m + j + 1]! - (A[v + i]! * w.data[0]! + w.data[i]! * A[v]!)
      offDiagonal[j + 1] = reflect(j + 1, r - 1)
      loadNext(j + 1)
    }
    k.tridiagonalPass(a.ptr, m, j + 1, a.ptr + v * 8, w.ptr, 1, next.ptr, p.ptr, hasNext ? 1 : 0)
  }
  for (let j = Math.max(m - 2, 0); j < m; j++) diagonal[j] = A[j * m + j]!
  if (m >= 2) offDiagonal[m - 2] = A[(m - 1) * m + m - 2]!
  return { tridiagonal: { diagonal, offDiagonal }, beta }
}

/** How many eigenvalues of T are below x (the negative pivots of T − xI = LDLᵀ). */
const countBelow = ({ diagonal, offDiagonal }: Tridiagonal, x: number, pivmin: number) => {
  let count = 0, q = 1
  for (let i = 0; i < diagonal.length; i++) {
    q = diagonal[i]! - x - (i > 0 ? (offDiagonal[i - 1]! * offDiagonal[i - 1]!) / q : 0)
    if (Math.abs(q) < pivmin) q = -pivmin
    if (q < 0) count++
  }
  return count
}

/** The k largest eigenvalues of T, decreasing, by bisection to full precision. */
const largestEigenvalues = (t: Tridiagonal, k: number) => {
  const m = t.diagonal.length
  let lo = Infinity, hi = -Infinity, maxOff = 0
  for (let i = 0; i < m; i++) {
    const radius = (i > 0 ? Math.abs(t.offDiagonal[i - 1]!) : 0) + (i < m - 1 ? Math.abs(t.offDiagonal[i]!) : 0)
    lo = Math.min(lo, t.diagonal[i]! - radius)
    hi = Math.max(hi, t.diagonal[i]! + radius)
    if (i < m - 1) maxOff = Math.max(maxOff, t.offDiagonal[i]! * t.offDiagonal[i]!)
  }
  const pivmin = Number.MIN_VALUE * Math.max(1, maxOff)
  const norm = Math.max(Math.abs(lo), Math.abs(hi))
  lo -= 2 * EPS * norm + pivmin
  hi += 2 * EPS * norm + pivmin
  const values = new Float64Array(k)
  for (let c = 0; c < k; c++) {
    const index = m - 1 - c // ascending index of the c-th largest
    let a = lo, b = c > 0 ? Math.min(hi, values[c - 1]! + 4 * EPS * norm + pivmin) : hi
    for (let it = 0; it < 200 && b - a > 2 * EPS * Math.max(Math.abs(a), Math.abs(b)) + pivmin; it++) {
      const mid = a + (b - a) / 2
      if (countBelow(t, mid, pivmin) <= index) a = mid
      else b = mid
    }
    values[c] = a + (b - a) / 2
  }
  return values
}

/**
 * Solves (T − λI) x = y in place by Gaussian elimination with partial pivoting (U has two
 * superdiagonals); a zero pivot becomes ε‖T‖, which is what inverse iteration wants.
 */
const shiftedSolver = ({ diagonal, offDiagonal }: Tridiagonal, lambda: number, norm: number) => {
  const m = diagonal.length
  const u0 = new Float64Array(m), u1 = new Float64Array(m), u2 = new Float64Array(m)
  const multiplier = new Float64Array(m), swapped = new Uint8Array(m)
  const tiny = EPS * Math.max(norm, Number.MIN_VALUE)
  let c0 = diagonal[0]! - lambda, c1 = m > 1 ? offDiagonal[0]! : 0
  for (let i = 0; i + 1 < m; i++) {
    const n0 = offDiagonal[i]!, n1 = diagonal[i + 1]! - lambda, n2 = i + 2 < m ? offDiagonal[i + 1]! : 0
    const swap = Math.abs(n0) > Math.abs(c0)
    const [p0, p1, p2, o0, o1, o2] = swap ? [n0, n1, n2, c0, c1, 0] : [c0, c1, 0, n0, n1, n2]
    const pivot = p0 === 0 ? tiny : p0
    const mult = o0 / pivot
    u0[i] = pivot; u1[i] = p1; u2[i] = p2
    multiplier[i] = mult; swapped[i] = swap ? 1 : 0
    c0 = o1 - mult * p1
    c1 = o2 - mult * p2
  }
  u0[m - 1] = c0 === 0 ? tiny : c0
  return (y: Float64Array) => {
    for (let i = 0; i + 1 < m; i++) {
      if (swapped[i]) {
        const s = y[i]!
        y[i] = y[i + 1]!
        y[i + 1] = s
      }
      y[i + 1]! -= multiplier[i]! * y[i]!
    }
    for (let i = m - 1; i >= 0; i--) {
      let s = y[i]!
      if (i + 1 < m) s -= u1[i]! * y[i + 1]!
      if (i + 2 < m) s -= u2[i]! * y[i + 2]!
      y[i] = s / u0[i]!
    }
  }
}

const normalize = (x: Float64Array) => {
  let scale = 0
  for (let i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(x[i]!))
  if (scale === 0) return
  let sum = 0
  for (let i = 0; i < x.length; i++) sum += (x[i]! / scale) ** 2
  const norm = scale * Math.sqrt(sum)
  for (let i = 0; i < x.length; i++) x[i]! /= norm
}

/** Eigenvectors of T for the given eigenvalues (decreasing), one per row (k × m). */
const tridiagonalVectors = (t: Tridiagonal, values: Float64Array, seed: number) => {
  const m = t.diagonal.length, k = values.length
  let norm = 0 // ‖T‖₁
  for (let i = 0; i < m; i++) norm = Math.max(norm, Math.abs(t.diagonal[i]!) + (i > 0 ? Math.abs(t.offDiagonal[i - 1]!) : 0) + (i < m - 1 ? Math.abs(t.offDiagonal[i]!) : 0))
  const clusterGap = 1e-3 * norm
  const vectors = new Float64Array(k * m)
  const rng = Rng.make(seed, "inverse-iteration")
  let clusterStart = 0, shift = 0
  for (let c = 0; c < k; c++) {
    // Equal shifts would give equal vectors: keep consecutive ones apart (dstein's perturbation).
    shift = c > 0 && shift - values[c]! < 10 * EPS * Math.abs(values[c]!) ? shift - 10 * EPS * Math.abs(values[c]!) : values[c]!
    if (c === 0 || values[c - 1]! - values[c]! > clusterGap) clusterStart = c
    const solve = shiftedSolver(t, shift, norm)
    const x = vectors.subarray(c * m, (c + 1) * m)
    for (let i = 0; i < m; i++) x[i] = rng.normal()
    normalize(x)
    for (let iteration = 0; iteration < 4; iteration++) {
      solve(x)
      normalize(x)
      for (let other = clusterStart; other < c; other++) {
        const y = vectors.subarray(other * m, (other + 1) * m)
        let dot = 0
        for (let i = 0; i < m; i++) dot += x[i]! * y[i]!
        for (let i = 0; i < m; i++) x[i]! -= dot * y[i]!
      }
      normalize(x)
    }
  }
  return vectors
}

/** The k largest eigenpairs of the symmetric m × m matrix a (row-major; only its lower triangle is read). */
export const largest = (a: ArrayLike<number>, m: number, k: number, seed = 0): Eigen => {
  if (a.length !== m * m) throw new RangeError(`symmetric eigen: expected ${m} × ${m} values, got ${a.length}`)
  k = Math.min(k, m)
  if (k === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) }
  const kernels = Linalg.double([m * m, m, m, m, m * k, k, k * m], "symmetric-eigen")
  const matrix = kernels.take(m * m)
  matrix.data.set(a)
  const { tridiagonal, beta } = tridiagonalize(kernels, matrix, m)
  const values = largestEigenvalues(tridiagonal, k)
  const y = tridiagonalVectors(tridiagonal, values, seed)
  // Z (m × k, a column per vector) = H_0 ⋯ H_{m−3} Y, the reflectors applied last to first.
  const z = kernels.take(m * k)
  for (let c = 0; c < k; c++) for (let i = 0; i < m; i++) z.data[i * k + c] = y[c * m + i]!
  const s = kernels.take(k)
  for (let j = m - 3; j >= 0; j--) {
    if (beta[j] === 0) continue
    const r = m - j - 1, v = matrix.ptr + (j * m + j + 1) * 8, below = z.ptr + (j + 1) * k * 8
    kernels.gemm(1, k, r, v, r, 1, below, k, s.ptr, k, 0) // s = vᵀ Z_below
    for (let c = 0; c < k; c++) s.data[c]! *= -beta[j]!
    kernels.gemm(r, k, 1, v, 1, 0, s.ptr, k, below, k, 1) // Z_below −= β v s
  }
  const vectors = kernels.take(k * m)
  kernels.transpose(z.ptr, m, k, vectors.ptr)
  return { values, vectors: Float64Array.from(vectors.data) }
}

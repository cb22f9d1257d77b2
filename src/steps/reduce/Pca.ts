/**
 * PCA as spec/surrogate.md §2: centred, no whitening, k = min(K, n, d) components fitted on the training
 * rows only, each flipped so its largest-magnitude entry is positive, and components whose singular
 * value is ≤ 1e-6·σ₁ emitted as zeros (the output width stays k). Exact through the eigen-decomposition
 * of the smaller of the Gram and scatter matrices (ml-matrix); seeded randomized subspace iteration,
 * iterated until the top-k singular values settle, when both are large. All arithmetic in float64.
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition } from "ml-matrix"
import * as Rng from "../../core/Rng.ts"

export interface Model {
  readonly d: number
  readonly k: number
  readonly mean: Float64Array
  /** k × d, row-major; degenerate components are zero rows. */
  readonly components: Float64Array
  readonly singularValues: Float64Array
  /** σ_i² / (n − 1). */
  readonly explainedVariance: Float64Array
  /** Σ explained variance / total variance. */
  readonly explainedRatio: number
  readonly solver: "gram" | "scatter" | "randomized"
}

export interface Options {
  /** Largest min(n, d) solved exactly (an m × m eigen-decomposition). */
  readonly exactUpTo?: number
  readonly seed?: number
}

const centred = (x: ArrayLike<number>, n: number, d: number) => {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!
  for (let j = 0; j < d; j++) mean[j]! /= Math.max(n, 1)
  const xc = new Float64Array(n * d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc[i * d + j] = x[i * d + j]! - mean[j]!
  return { mean, xc }
}

/** Top eigenpairs of a symmetric matrix, largest first: values and eigenvectors as columns. */
const topEigen = (m: Matrix, k: number) => {
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true })
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, k)
  return { values: order.map(([v]) => Math.max(v, 0)), vectors: order.map(([, i]) => e.eigenvectorMatrix.getColumn(i)) }
}

/** x (rows × inner) · yᵀ where y is (cols × inner), both row-major. */
const timesTransposed = (x: Float64Array, rows: number, inner: number, y: Float64Array, cols: number) => {
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0
      for (let t = 0; t < inner; t++) s += x[i * inner + t]! * y[j * inner + t]!
      out[i * cols + j] = s
    }
  }
  return out
}

/** Exact: eigenvectors of XcXcᵀ (n ≤ d) mapped back, or of XcᵀXc. Returns σ and unit v's (k × d). */
const exact = (xc: Float64Array, n: number, d: number, k: number) => {
  if (n <= d) {
    const gram = timesTransposed(xc, n, d, xc, n)
    const { values, vectors } = topEigen(new Matrix(Array.from({ length: n }, (_, i) => Array.from(gram.subarray(i * n, (i + 1) * n)))), k)
    const sigma = values.map(Math.sqrt)
    const v = new Float64Array(k * d)
    vectors.forEach((u, c) => {
      if (sigma[c]! === 0) return
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) v[c * d + j]! += xc[i * d + j]! * u[i]! / sigma[c]!
    })
    return { sigma, v, solver: "gram" as const }
  }
  const scatter = new Float64Array(d * d)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = xc[i * d + a]!
      for (let b = a; b < d; b++) scatter[a * d + b]! += xa * xc[i * d + b]!
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) scatter[a * d + b] = scatter[b * d + a]!
  const { values, vectors } = topEigen(new Matrix(Array.from({ length: d }, (_, i) => Array.from(scatter.subarray(i * d, (i + 1) * d)))), k)
  const v = new Float64Array(k * d)
  vectors.forEach((col, c) => v.set(col, c * d))
  return { sigma: values.map(Math.sqrt), v, solver: "scatter" as const }
}

/** Randomized subspace iteration (Halko et al.), repeated until the top-k σ change < 1e-10 relative. */
const randomized = (xc: Float64Array, n: number, d: number, k: number, seed: number) => {
  const l = Math.min(k + 10, n, d)
  const rng = Rng.make(seed, "pca")
  // Ω: l × d (stored as rows), Y = Xc Ωᵀ: n × l.
  let basis = Float64Array.from({ length: l * d }, () => rng.normal())
  let previous: Array<number> = []
  let sigma: Array<number> = []
  let v = new Float64Array(0)
  for (let iteration = 0; iteration < 50; iteration++) {
    const y = timesTransposed(xc, n, d, basis, l) // n × l
    const q = new QrDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(y.subarray(i * l, (i + 1) * l))))).orthogonalMatrix
    // B = Qᵀ Xc: l × d, rows of Bᵀ-space basis for the next round.
    const qt = Float64Array.from({ length: l * n }, (_, idx) => q.get(idx % n, Math.floor(idx / n)))
    const b = new Float64Array(l * d)
    for (let r = 0; r < l; r++) for (let i = 0; i < n; i++) {
      const w = qt[r * n + i]!
      if (w !== 0) for (let j = 0; j < d; j++) b[r * d + j]! += w * xc[i * d + j]!
    }
    const small = timesTransposed(b, l, d, b, l)
    const { values, vectors } = topEigen(new Matrix(Array.from({ length: l }, (_, i) => Array.from(small.subarray(i * l, (i + 1) * l)))), k)
    sigma = values.map(Math.sqrt)
    v = new Float64Array(k * d)
    vectors.forEach((u, c) => {
      if (sigma[c]! === 0) return
      for (let r = 0; r < l; r++) for (let j = 0; j < d; j++) v[c * d + j]! += b[r * d + j]! * u[r]! / sigma[c]!
    })
    basis = b
    if (previous.length > 0 && sigma.every((s, i) => Math.abs(s - previous[i]!) <= 1e-10 * Math.max(sigma[0]!, 1e-300))) break
    previous = sigma
  }
  return { sigma, v, solver: "randomized" as const }
}

export const fit = (x: ArrayLike<number>, n: number, d: number, components: number, options: Options = {}): Model => {
  if (n < 1 || d < 1 || x.length !== n * d) throw new RangeError(`pca: expected ${n} × ${d} values, got ${x.length}`)
  const k = Math.min(components, n, d)
  const { mean, xc } = centred(x, n, d)
  const solved = Math.min(n, d) <= (options.exactUpTo ?? 1024) ? exact(xc, n, d, k) : randomized(xc, n, d, k, options.seed ?? 0)
  const { sigma, v } = solved
  const top = sigma[0] ?? 0
  for (let c = 0; c < k; c++) {
    const row = v.subarray(c * d, (c + 1) * d)
    if (!(sigma[c]! > 1e-6 * top) || top === 0) {
      row.fill(0)
      sigma[c] = 0
      continue
    }
    // Determinism: the entry of largest magnitude is positive.
    let at = 0
    for (let j = 1; j < d; j++) if (Math.abs(row[j]!) > Math.abs(row[at]!)) at = j
    if (row[at]! < 0) for (let j = 0; j < d; j++) row[j] = -row[j]!
  }
  let total = 0
  for (let i = 0; i < xc.length; i++) total += xc[i]! * xc[i]!
  const explainedVariance = Float64Array.from(sigma, (s) => (s * s) / Math.max(n - 1, 1))
  const explained = sigma.reduce((acc, s) => acc + s * s, 0)
  return {
    d,
    k,
    mean,
    components: v,
    singularValues: Float64Array.from(sigma),
    explainedVariance,
    explainedRatio: total === 0 ? 0 : explained / total,
    solver: solved.solver
  }
}

/** z = (x − μ) · [v_1 … v_k] as float32, for training and held-out rows alike. */
export const transform = (model: Model, x: ArrayLike<number>, n: number): Float32Array => {
  if (x.length !== n * model.d) throw new RangeError(`pca transform: expected ${n} × ${model.d} values, got ${x.length}`)
  const out = new Float32Array(n * model.k)
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < model.k; c++) {
      let s = 0
      for (let j = 0; j < model.d; j++) s += (x[i * model.d + j]! - model.mean[j]!) * model.components[c * model.d + j]!
      out[i * model.k + c] = s
    }
  }
  return out
}

/**
 * PCA as spec/surrogate.md §2: centred, no whitening, k = min(K, n, d) components fitted on the training
 * rows only, each flipped so its largest-magnitude entry is positive, and components whose singular
 * value is ≤ 1e-6·σ₁ emitted as zeros (the output width stays k). Exact through the eigen-decomposition
 * of the smaller of the Gram and scatter matrices (ml-matrix); seeded randomized subspace iteration,
 * iterated until the top-k singular values settle, when both are large. All arithmetic in float64, the
 * large products on the SIMD kernels.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix"
import * as Rng from "../../core/Rng.ts"
import * as Linalg from "../../kernels/Linalg.ts"

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
  /** Subspace iterations of the randomized solver (0 for the exact ones). */
  readonly iterations: number
}

export interface Options {
  /** Largest min(n, d) solved exactly (an m × m eigen-decomposition). */
  readonly exactUpTo?: number
  readonly seed?: number
  /** Cap on the randomized solver's iterations. */
  readonly maxIterations?: number
}

type Kernels = Linalg.Kernels<Float64Array>
type Buffer = Linalg.Buffer<Float64Array>

/** Xc = X − μ, row-major in kernel memory. */
const centred = (k: Kernels, x: ArrayLike<number>, n: number, d: number, mean: Float64Array) => {
  const xc = k.take(n * d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xc.data[i * d + j] = x[i * d + j]! - mean[j]!
  return xc
}

const columnMeans = (x: ArrayLike<number>, n: number, d: number) => {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!
  for (let j = 0; j < d; j++) mean[j]! /= Math.max(n, 1)
  return mean
}

/** Top eigenpairs of a symmetric m × m matrix, largest first: values and eigenvectors. */
const topEigen = (a: Float64Array, m: number, k: number) => {
  const e = new EigenvalueDecomposition(new Matrix(Array.from({ length: m }, (_, i) => Array.from(a.subarray(i * m, (i + 1) * m)))), { assumeSymmetric: true })
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]).slice(0, k)
  return { values: order.map(([v]) => Math.max(v, 0)), vectors: order.map(([, i]) => e.eigenvectorMatrix.getColumn(i)) }
}

/** Components v_c = u_cᵀ B / σ_c (k × d) from eigenvectors u (length rows) of B Bᵀ, B rows × d. */
const mapBack = (k: Kernels, b: Buffer, rows: number, d: number, vectors: ReadonlyArray<ReadonlyArray<number>>, sigma: ReadonlyArray<number>) => {
  const ut = k.take(vectors.length * rows)
  vectors.forEach((u, c) => {
    if (sigma[c]! > 0) for (let r = 0; r < rows; r++) ut.data[c * rows + r] = u[r]! / sigma[c]!
  })
  const v = k.take(vectors.length * d)
  k.gemm(vectors.length, d, rows, ut.ptr, rows, 1, b.ptr, d, v.ptr, d, 0)
  return Float64Array.from(v.data)
}

/** Exact: eigenvectors of Xc Xcᵀ (n ≤ d) mapped back, or of Xcᵀ Xc. Returns σ and unit v's (k × d). */
const exact = (x: ArrayLike<number>, n: number, d: number, components: number, mean: Float64Array) => {
  const m = Math.min(n, d)
  // Xc, its transpose (Gram only), the m × m product, and for the Gram route the mapping back.
  const k = Linalg.double(n <= d ? [n * d, d * n, m * m, components * n, components * d] : [n * d, m * m])
  const xc = centred(k, x, n, d, mean)
  const product = k.take(m * m)
  if (n <= d) {
    const xt = k.take(d * n)
    k.transpose(xc.ptr, n, d, xt.ptr)
    k.gemm(n, n, d, xc.ptr, d, 1, xt.ptr, n, product.ptr, n, 0)
    const { values, vectors } = topEigen(product.data, n, components)
    const sigma = values.map(Math.sqrt)
    return { sigma, v: mapBack(k, xc, n, d, vectors, sigma), solver: "gram" as const, iterations: 0 }
  }
  // Xcᵀ Xc: Xc read transposed as the left operand.
  k.gemm(d, d, n, xc.ptr, 1, d, xc.ptr, d, product.ptr, d, 0)
  const { values, vectors } = topEigen(product.data, d, components)
  const v = new Float64Array(components * d)
  vectors.forEach((col, c) => v.set(col, c * d))
  return { sigma: values.map(Math.sqrt), v, solver: "scatter" as const, iterations: 0 }
}

/**
 * Orthonormalises the rows of a (rows × length) by modified Gram–Schmidt, twice (which makes the result
 * orthogonal to working precision); a row that vanishes stays zero.
 */
const orthonormalizeRows = (a: Float64Array, rows: number, length: number) => {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < rows; i++) {
      const row = a.subarray(i * length, (i + 1) * length)
      for (let r = 0; r < i; r++) {
        const other = a.subarray(r * length, (r + 1) * length)
        let dot = 0
        for (let j = 0; j < length; j++) dot += row[j]! * other[j]!
        for (let j = 0; j < length; j++) row[j]! -= dot * other[j]!
      }
      let norm = 0
      for (let j = 0; j < length; j++) norm += row[j]! * row[j]!
      norm = Math.sqrt(norm)
      if (norm > 1e-150) for (let j = 0; j < length; j++) row[j]! /= norm
      else row.fill(0)
    }
  }
}

/**
 * Randomized subspace iteration (Halko et al.) with l = k + 10 directions, re-orthonormalised every
 * half-step, until the top-k singular values change by < 1e-10 relative between iterations (the
 * accuracy check; at most `maxIterations`).
 */
const randomized = (x: ArrayLike<number>, n: number, d: number, components: number, mean: Float64Array, seed: number, maxIterations: number) => {
  const l = Math.min(components + 10, n, d)
  const k = Linalg.double([n * d, d * n, l * d, l * n, l * d, d * l, l * l, components * l, components * d])
  const xc = centred(k, x, n, d, mean)
  const xt = k.take(d * n)
  k.transpose(xc.ptr, n, d, xt.ptr)
  const rng = Rng.make(seed, "pca")
  const basis = k.take(l * d) // rows span the current right subspace
  basis.data.set(Array.from({ length: l * d }, () => rng.normal()))
  const left = k.take(l * n)
  const b = k.take(l * d)
  const bt = k.take(d * l)
  const small = k.take(l * l)
  let previous: ReadonlyArray<number> = []
  for (let iteration = 1; ; iteration++) {
    k.gemm(l, n, d, basis.ptr, d, 1, xt.ptr, n, left.ptr, n, 0) // Qᵀ = P Xcᵀ
    orthonormalizeRows(left.data, l, n)
    k.gemm(l, d, n, left.ptr, n, 1, xc.ptr, d, b.ptr, d, 0) // B = Qᵀ Xc
    k.transpose(b.ptr, l, d, bt.ptr)
    k.gemm(l, l, d, b.ptr, d, 1, bt.ptr, l, small.ptr, l, 0) // B Bᵀ
    const { values, vectors } = topEigen(small.data, l, components)
    const sigma = values.map(Math.sqrt)
    const settled = previous.length > 0 && sigma.every((s, i) => Math.abs(s - previous[i]!) <= 1e-10 * Math.max(sigma[0]!, 1e-300))
    if (settled || iteration >= maxIterations) return { sigma, v: mapBack(k, b, l, d, vectors, sigma), solver: "randomized" as const, iterations: iteration }
    previous = sigma
    basis.data.set(b.data)
  }
}

export const fit = (x: ArrayLike<number>, n: number, d: number, components: number, options: Options = {}): Model => {
  if (n < 1 || d < 1 || x.length !== n * d) throw new RangeError(`pca: expected ${n} × ${d} values, got ${x.length}`)
  const k = Math.min(components, n, d)
  const mean = columnMeans(x, n, d)
  const solved = Math.min(n, d) <= (options.exactUpTo ?? 1024) ? exact(x, n, d, k, mean) : randomized(x, n, d, k, mean, options.seed ?? 0, options.maxIterations ?? 100)
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
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) total += (x[i * d + j]! - mean[j]!) ** 2
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
    solver: solved.solver,
    iterations: solved.iterations
  }
}

/** z = (x − μ) · [v_1 … v_k] as float32, for training and held-out rows alike. */
export const transform = (model: Model, x: ArrayLike<number>, n: number): Float32Array => {
  if (x.length !== n * model.d) throw new RangeError(`pca transform: expected ${n} × ${model.d} values, got ${x.length}`)
  const { d, k: width } = model
  const k = Linalg.double([n * d, width * d, d * width, n * width])
  const xc = centred(k, x, n, d, model.mean)
  const components = k.take(width * d)
  components.data.set(model.components)
  const vt = k.take(d * width)
  k.transpose(components.ptr, width, d, vt.ptr)
  const z = k.take(n * width)
  k.gemm(n, width, d, xc.ptr, d, 1, vt.ptr, width, z.ptr, width, 0)
  return Float32Array.from(z.data)
}

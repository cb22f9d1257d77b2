/**
 * PCA as docs/surrogate.md describes it: centred, no whitening, k = min(K, n, d) components fitted on the training
 * rows only, each flipped so its largest-magnitude entry is positive, and components whose singular
 * value is ≤ 1e-6·σ₁ emitted as zeros (the output width stays k). Exact through the eigen-decomposition
 * of the smaller of the Gram and scatter matrices; block Lanczos from a seeded random block, run until
 * every Ritz pair's residual is at most 1e-6 of its value, when both are large. All arithmetic in
 * float64, the large products on the SIMD kernels.
 */
import * as Linalg from "../../kernels/Linalg.ts"
import * as BlockLanczos from "./BlockLanczos.ts"
import { centred, paddedStride } from "./Centred.ts"
import * as SymmetricEigen from "./SymmetricEigen.ts"

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
  /** The solver whose result this is. */
  readonly solver: "gram" | "scatter" | "block-lanczos"
  /** Rows of the block Lanczos basis: at convergence, or at its cap when the exact solver took over (else 0). */
  readonly basis: number
}

export interface Options {
  /** Largest min(n, d) solved exactly (an m × m eigen-decomposition). */
  readonly exactUpTo?: number
  readonly seed?: number
  /** Cap on the rows of the block Lanczos basis (default max(16·k, 512), at least k + 16); the exact solver takes over from a fit that reaches it. */
  readonly maxBasis?: number
}

type Kernels = Linalg.Kernels<Float64Array>


const columnMeans = (x: ArrayLike<number>, n: number, d: number) => {
  const mean = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!
  for (let j = 0; j < d; j++) mean[j]! /= Math.max(n, 1)
  return mean
}

/**
 * The top eigenpairs of C = A · B (m × m), a product known to be symmetric (a Gram or scatter matrix),
 * as singular values σ = √λ and eigenvectors. Only the blocks on and below the diagonal are computed,
 * 64 rows at a time, as the eigensolver reads only the lower triangle; each entry is the same sum in
 * the same order as the full product's.
 */
const productEigen = (k: Kernels, m: number, depth: number, a: number, ars: number, acs: number, b: number, ldb: number, components: number) => {
  const c = k.take(m * m)
  for (let i0 = 0; i0 < m; i0 += 64) {
    const rows = Math.min(64, m - i0)
    k.gemm(rows, i0 + rows, depth, a + i0 * ars * 8, ars, acs, b, ldb, c.ptr + i0 * m * 8, m, 0)
  }
  const { values, vectors } = SymmetricEigen.largest(c.data, m, components)
  return { sigma: values.map((value) => Math.sqrt(Math.max(value, 0))), vectors }
}

/**
 * Exact: eigenvectors u of Xc Xcᵀ (n ≤ d) mapped back, v_c = Xcᵀ u_c / σ_c, or eigenvectors of Xcᵀ Xc.
 * Every product reads its right operand with a padded or short row stride (see paddedStride).
 */
const exact = (x: ArrayLike<number>, n: number, d: number, components: number, mean: Float64Array) => {
  if (n <= d) {
    // Xc, Xcᵀ, the Gram matrix, U/σ (n × k) and its mapping back Vᵀ (d × k), then V.
    const k = Linalg.double([n * d, d * n, n * n, n * components, d * components, components * d], "pca")
    const xc = centred(k, x, n, d, mean)
    const xt = k.take(d * n)
    k.transpose(xc.ptr, n, d, xt.ptr)
    const { sigma, vectors } = productEigen(k, n, d, xc.ptr, d, 1, xt.ptr, n, components)
    const scaled = k.take(n * components)
    for (let c = 0; c < components; c++) if (sigma[c]! > 0) for (let r = 0; r < n; r++) scaled.data[r * components + c] = vectors[c * n + r]! / sigma[c]!
    const vt = k.take(d * components), v = k.take(components * d)
    k.gemm(d, components, n, xt.ptr, n, 1, scaled.ptr, components, vt.ptr, components, 0)
    k.transpose(vt.ptr, d, components, v.ptr)
    return { sigma, v: Float64Array.from(v.data), solver: "gram" as const }
  }
  // Xcᵀ Xc, with Xc read transposed as the left operand.
  const ld = paddedStride(d)
  const k = Linalg.double([n * ld, d * d], "pca")
  const xc = centred(k, x, n, d, mean, ld)
  const { sigma, vectors } = productEigen(k, d, n, xc.ptr, 1, ld, xc.ptr, ld, components)
  return { sigma, v: vectors, solver: "scatter" as const }
}

export const fit = (x: ArrayLike<number>, n: number, d: number, components: number, options: Options = {}): Model => {
  if (n < 1 || d < 1 || x.length !== n * d) throw new RangeError(`pca: expected ${n} × ${d} values, got ${x.length}`)
  const k = Math.min(components, n, d)
  const mean = columnMeans(x, n, d)
  // A NaN or infinity anywhere makes its column's mean one: name the first such entry.
  const column = mean.findIndex((m) => !Number.isFinite(m))
  if (column >= 0) {
    const row = Array.from({ length: n }, (_, i) => i).find((i) => !Number.isFinite(x[i * d + column]!)) ?? 0
    throw new RangeError(`pca: row ${row}, column ${column} is ${x[row * d + column]}, expected a finite number`)
  }
  // Block Lanczos needs room for a few blocks beyond k; below that the exact solvers are cheap anyway.
  // A fit that reaches its cap before the bound holds is not trusted: the exact solver takes over.
  const lanczos = Math.min(n, d) <= (options.exactUpTo ?? 1024) || d < 4 * k
    ? undefined
    : BlockLanczos.largestRightSingular(x, n, d, mean, k, { seed: options.seed ?? 0, maxBasis: options.maxBasis ?? Math.max(16 * k, 512) })
  const solved = lanczos?.converged ? { ...lanczos, solver: "block-lanczos" as const } : exact(x, n, d, k, mean)
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
    basis: lanczos?.basis ?? 0
  }
}

/** z = (x − μ) · [v_1 … v_k] as float32, for training and held-out rows alike. */
export const transform = (model: Model, x: ArrayLike<number>, n: number): Float32Array => {
  if (x.length !== n * model.d) throw new RangeError(`pca transform: expected ${n} × ${model.d} values, got ${x.length}`)
  const { d, k: width } = model
  const k = Linalg.double([n * d, width * d, d * width, n * width], "pca")
  const xc = centred(k, x, n, d, model.mean)
  const components = k.take(width * d)
  components.data.set(model.components)
  const vt = k.take(d * width)
  k.transpose(components.ptr, width, d, vt.ptr)
  const z = k.take(n * width)
  k.gemm(n, width, d, xc.ptr, d, 1, vt.ptr, width, z.ptr, width, 0)
  return Float32Array.from(z.data)
}

/** A worker task: fits on the rows of `features` listed in `train`, and transforms every row. */
export const fitTransform = (input: {
  readonly features: Float32Array
  readonly n: number
  readonly d: number
  readonly train: Int32Array
  readonly components: number
}): Float32Array => {
  const { features, n, d, train, components } = input
  const x = new Float64Array(train.length * d)
  train.forEach((r, i) => x.set(features.subarray(r * d, (r + 1) * d), i * d))
  return transform(fit(x, train.length, d, components), features, n)
}

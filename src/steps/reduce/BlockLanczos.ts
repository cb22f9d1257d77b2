/**
 * The top-k right singular pairs of a centred matrix Xc (n × d) by block Lanczos on Xcᵀ Xc, from a
 * seeded random block, with full re-orthogonalisation and Rayleigh–Ritz over the whole Krylov basis.
 * Unlike subspace iteration, which keeps only k + p directions, the Krylov basis keeps every product it
 * has made, so it converges in a fraction of the products on flat spectra (Musco & Musco, "Randomized
 * block Krylov methods", 2015). It stops when every Ritz pair's residual ‖Xcᵀ Xc v − θ v‖ is at most
 * 1e-6·θ — an eigenvalue of Xcᵀ Xc lies within ‖r‖ of θ, so σ = √θ is within 5e-7 relative of an exact
 * singular value (docs/surrogate.md asks 1e-6), and the angle to the exact component is at most ‖r‖/gap, so
 * |cos| ≥ 0.9999 wherever neighbouring θ are 1e-4·θ apart — or when the basis reaches its cap.
 * Float64 throughout; the products run on the SIMD GEMM.
 */
import * as Rng from "../../core/Rng.ts"
import * as Linalg from "../../kernels/Linalg.ts"
import { centred, paddedStride } from "./Centred.ts"
import * as SymmetricEigen from "./SymmetricEigen.ts"

export interface Result {
  /** The k largest singular values, decreasing. */
  readonly sigma: Float64Array
  /** k × d, row-major: the right singular vectors. */
  readonly v: Float64Array
  /** Rows of the Krylov basis at the end. */
  readonly basis: number
  /** Whether every Ritz pair met the residual bound (false: stopped at the cap). */
  readonly converged: boolean
  /** Directions per block of the fit returned (16, more when a repeated singular value asked for it). */
  readonly block: number
}

export interface Options {
  readonly seed: number
  /** Cap on the rows of the Krylov basis. */
  readonly maxBasis: number
}

/** Ritz pairs pass when ‖r‖ ≤ TOLERANCE·θ (or when ‖r‖ is at the rounding floor, 1e-13·θ₁). */
const TOLERANCE = 1e-6
/**
 * The Ritz problem (O(rows³)) is solved first at max(2k, k + b) rows, then where the worst residual's
 * geometric decay between the last two solves says it will meet the bound (at 60% of that distance, as
 * convergence speeds up towards the end; at most half again as many rows), or, before there is a
 * trend, 15% further.
 */
const FIRST_GROWTH = 1.15
/** Rows of Xc per fused pass of the operator's two products. */
const CHUNK = 128
/** A new basis row left with less than this fraction of ‖Xcᵀ Xc‖ after orthogonalisation is noise. */
const BREAKDOWN = 1e-10

const rowNorm = (a: Float64Array, i: number, d: number) => {
  let sum = 0
  for (let j = i * d; j < (i + 1) * d; j++) sum += a[j]! * a[j]!
  return Math.sqrt(sum)
}

/**
 * Rows of w (rows × d, contiguous) orthonormalised by modified Gram–Schmidt, twice. A row left with
 * less than 1e-8 of its norm depends on the rows before it: it is zeroed, and its index returned.
 */
const gramSchmidt = (w: Float64Array, rows: number, d: number) => {
  const dependent = new Set<number>()
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < rows; i++) {
      const row = w.subarray(i * d, (i + 1) * d)
      let before = 0
      for (let j = 0; j < d; j++) before += row[j]! * row[j]!
      for (let r = 0; r < i; r++) {
        const other = w.subarray(r * d, (r + 1) * d)
        let dot = 0
        for (let j = 0; j < d; j++) dot += row[j]! * other[j]!
        for (let j = 0; j < d; j++) row[j]! -= dot * other[j]!
      }
      let norm = 0
      for (let j = 0; j < d; j++) norm += row[j]! * row[j]!
      if (norm > 1e-16 * before && norm > 0) {
        const scale = 1 / Math.sqrt(norm)
        for (let j = 0; j < d; j++) row[j]! *= scale
      } else {
        row.fill(0)
        dependent.add(i)
      }
    }
  }
  return [...dependent]
}

/**
 * Lower-triangular R with R Rᵀ = G (b × b), or undefined when some row keeps less than 1e-4 of its
 * norm against the rows before it (R_ii² < 1e-8·G_ii): Cholesky QR would then magnify rounding errors.
 */
const cholesky = (g: Float64Array, b: number) => {
  const r = new Float64Array(b * b)
  for (let i = 0; i < b; i++) {
    for (let j = 0; j <= i; j++) {
      let s = g[i * b + j]!
      for (let p = 0; p < j; p++) s -= r[i * b + p]! * r[j * b + p]!
      if (i === j) {
        if (!(s > 1e-8 * g[i * b + i]!)) return undefined
        r[i * b + i] = Math.sqrt(s)
      } else r[i * b + j] = s / r[j * b + j]!
    }
  }
  return r
}

/** R⁻¹ of a lower-triangular R (b × b). */
const invertLower = (r: Float64Array, b: number) => {
  const inv = new Float64Array(b * b)
  for (let j = 0; j < b; j++) {
    inv[j * b + j] = 1 / r[j * b + j]!
    for (let i = j + 1; i < b; i++) {
      let s = 0
      for (let p = j; p < i; p++) s += r[i * b + p]! * inv[p * b + j]!
      inv[i * b + j] = -s / r[i * b + i]!
    }
  }
  return inv
}

/**
 * The largest ‖r‖ / bound over the non-degenerate Ritz pairs, bound = max(TOLERANCE·θ, 1e-13·θ₁): ≤ 1
 * when all have converged. The residual of pair c is y_cᵀ over the newest block (rows j …) times L,
 * the newest block's coupling to the next one, and ‖r‖ = ‖y_cᵀ L‖.
 */
const worstResidual = (ritz: SymmetricEigen.Eigen, rows: number, j: number, coupling: Float64Array, b: number, k: number) => {
  const top = Math.max(ritz.values[0]!, 0)
  let worst = 0
  for (let c = 0; c < k; c++) {
    const theta = ritz.values[c]!
    if (!(theta > 1e-12 * top)) continue // σ ≤ 1e-6·σ₁: emitted as zeros
    let norm = 0
    for (let q = 0; q < b; q++) {
      let s = 0
      for (let p = 0; p < b; p++) s += ritz.vectors[c * rows + j + p]! * coupling[p * b + q]!
      norm += s * s
    }
    worst = Math.max(worst, Math.sqrt(norm) / Math.max(TOLERANCE * theta, 1e-13 * top))
  }
  return worst
}

/**
 * The longest run of equal singular values (1e-10 relative) among the non-degenerate ones: a Krylov
 * basis grown from b directions holds at most b copies of a repeated eigenvalue (a few more through
 * rounding), so a run of b or more may be missing copies.
 */
export const longestTie = (sigma: Float64Array) => {
  let longest = 1, run = 1
  for (let c = 1; c < sigma.length; c++) {
    run = sigma[c]! > 1e-6 * sigma[0]! && sigma[c - 1]! - sigma[c]! <= 1e-10 * sigma[c - 1]! ? run + 1 : 1
    longest = Math.max(longest, run)
  }
  return longest
}

/**
 * Small blocks first: more Krylov degree per product (b = 16 reached the bound in the fewest products
 * on 3,516 × 4,096 inputs, flat or decaying; b = 8 needs fewer columns but runs the GEMM slower). When
 * the result has a tie as long as the block, the fit runs again with a block twice the tie, up to
 * k + 10 directions, which hold every copy that can reach the top k.
 */
export const largestRightSingular = (x: ArrayLike<number>, n: number, d: number, mean: Float64Array, components: number, options: Options): Result => {
  if (4 * components > d) throw new RangeError(`block Lanczos: ${components} components need d ≥ ${4 * components}, got ${d} (solve exactly instead)`)
  const widest = Math.min(components + 10, d)
  for (let b = Math.min(16, widest); ; ) {
    const result = run(x, n, d, mean, components, b, options)
    const tie = longestTie(result.sigma)
    if (tie < b || b === widest) return { ...result, block: b }
    b = Math.min(widest, 2 * tie)
  }
}

const run = (x: ArrayLike<number>, n: number, d: number, mean: Float64Array, k: number, b: number, options: Options) => {
  const cap = Math.max(Math.min(options.maxBasis, d), Math.min(k + b, d))
  const ld = paddedStride(d)
  const kernels = Linalg.double([n * ld, (cap + b) * ld, n * b, b * d, b * d, b * d, d * b, (cap + b) * b, (cap + b) * b, b * b, k * cap, k * d], "pca")
  const xc = centred(kernels, x, n, d, mean, ld)
  const basis = kernels.take((cap + b) * ld) // rows V_0, V_1, …, one block of b rows each
  const left = kernels.take(n * b), w = kernels.take(b * d), before = kernels.take(b * d), scratch = kernels.take(b * d), wt = kernels.take(d * b)
  const coefficients = kernels.take((cap + b) * b), negated = kernels.take((cap + b) * b), small = kernels.take(b * b)

  /**
   * Orthonormalises w's rows (b × d), which are orthogonal to basis rows [0, rows): Cholesky QR, twice,
   * when the block is well conditioned; else Gram–Schmidt, dependent rows restarted from random
   * directions, the block projected off the basis again (normalising what is left of a nearly
   * dependent row magnifies its rounding error along the basis) and Gram–Schmidt once more.
   */
  const orthonormalizeBlock = (rows: number) => {
    for (let pass = 0; pass < 2; pass++) {
      kernels.transpose(w.ptr, b, d, wt.ptr)
      kernels.gemm(b, b, d, w.ptr, d, 1, wt.ptr, b, small.ptr, b, 0)
      const r = cholesky(small.data, b)
      if (r === undefined) {
        randomize(gramSchmidt(w.data, b, d))
        if (rows > 0) orthogonalizeAgainst(rows, discarded)
        gramSchmidt(w.data, b, d)
        return
      }
      small.data.set(invertLower(r, b))
      kernels.gemm(b, d, b, small.ptr, b, 1, w.ptr, d, scratch.ptr, d, 0)
      w.data.set(scratch.data)
    }
  }
  /**
   * Removes from w (b × d) its components along basis rows [0, rows) and returns their coefficients
   * V wᵀ (rows × b) in `total`: first along the last two blocks, where Lanczos puts nearly all of w
   * (the block three-term recurrence), then along every row, which removes what rounding leaves and
   * keeps the basis orthogonal to working precision at half the cost of two full passes.
   */
  const orthogonalizeAgainst = (rows: number, total: Float64Array) => {
    total.fill(0, 0, rows * b)
    for (const from of [Math.max(0, rows - 2 * b), 0]) {
      const count = rows - from
      kernels.transpose(w.ptr, b, d, wt.ptr)
      kernels.gemm(count, b, d, basis.ptr + from * ld * 8, ld, 1, wt.ptr, b, coefficients.ptr, b, 0) // V wᵀ (count × b)
      for (let i = 0; i < count * b; i++) {
        total[from * b + i]! += coefficients.data[i]!
        negated.data[i] = -coefficients.data[i]!
      }
      kernels.gemm(b, d, count, negated.ptr, 1, b, basis.ptr + from * ld * 8, ld, w.ptr, d, 1) // w −= (V wᵀ)ᵀ V
    }
  }

  /** Rows `which` of w restart from random directions. */
  const randomize = (which: ReadonlyArray<number>) => {
    for (const i of which) for (let c = 0; c < d; c++) w.data[i * d + c] = rng.normal()
  }

  const rng = Rng.make(options.seed, "pca")
  const discarded = new Float64Array((cap + b) * b)
  randomize(Array.from({ length: b }, (_, i) => i))
  orthonormalizeBlock(0)
  for (let i = 0; i < b; i++) basis.data.set(w.data.subarray(i * d, (i + 1) * d), i * ld)

  // The Rayleigh quotient T = V Xcᵀ Xc Vᵀ, kept as its block columns: block j's holds rows 0 … j of it
  // (the rest of the column is T's symmetry).
  const columns: Array<Float64Array> = []
  const column = new Float64Array((cap + b) * b)
  let scale = 0 // the largest ‖row of V_j Xcᵀ Xc‖ so far: a lower bound on ‖Xcᵀ Xc‖
  let nextSolve = Math.max(2 * k, k + b)
  let previous: { readonly rows: number; readonly logWorst: number } | undefined
  for (let rows = b; ; rows += b) {
    const j = rows - b // the newest block's first row; w holds that block, contiguous
    kernels.transpose(w.ptr, b, d, wt.ptr)
    // w = V_j Xcᵀ Xc = (Xc V_jᵀ)ᵀ Xc, 128 rows of Xc at a time: both products read them while they are
    // still in cache (30% faster than two passes over Xc), and 128 is the GEMM's own depth panel, so
    // the sums run in the same order, to the same bits.
    for (let r0 = 0; r0 < n; r0 += CHUNK) {
      const count = Math.min(CHUNK, n - r0), chunk = xc.ptr + r0 * ld * 8, part = left.ptr + r0 * b * 8
      kernels.gemm(count, b, d, chunk, ld, 1, wt.ptr, b, part, b, 0)
      kernels.gemm(b, d, count, part, 1, b, chunk, ld, w.ptr, d, r0 > 0 ? 1 : 0)
    }
    for (let i = 0; i < b; i++) scale = Math.max(scale, rowNorm(w.data, i, d))
    orthogonalizeAgainst(rows, column)
    columns.push(column.slice(0, rows * b))
    // What is left of w is the coupling to the next block: before = L · V_next, V_next = w normalised.
    before.data.set(w.data)
    // A row with (almost) nothing left lies in the basis's span: the basis holds an invariant subspace
    // (all of Xc's row space, when n < d). Normalising its rounding noise would break orthogonality, so
    // it restarts from a random direction orthogonal to the basis; its coupling stays the tiny one.
    const noise = Array.from({ length: b }, (_, i) => i).filter((i) => rowNorm(w.data, i, d) <= BREAKDOWN * scale)
    randomize(noise)
    if (noise.length > 0) orthogonalizeAgainst(rows, discarded)
    orthonormalizeBlock(rows)
    const exhausted = rows + b > cap
    if (exhausted || rows >= nextSolve) {
      const projected = new Float64Array(rows * rows)
      columns.forEach((block, q) => {
        for (let i = 0; i < (q + 1) * b; i++) {
          for (let c = 0; c < b; c++) projected[i * rows + q * b + c] = projected[(q * b + c) * rows + i] = block[i * b + c]!
        }
      })
      const ritz = SymmetricEigen.largest(projected, rows, k, options.seed)
      kernels.transpose(w.ptr, b, d, wt.ptr)
      kernels.gemm(b, b, d, before.ptr, d, 1, wt.ptr, b, small.ptr, b, 0) // L = before · V_nextᵀ
      const worst = worstResidual(ritz, rows, j, small.data, b, k)
      const converged = worst <= 1
      if (converged || exhausted) {
        const y = kernels.take(k * rows), v = kernels.take(k * d)
        y.data.set(ritz.vectors)
        kernels.gemm(k, d, rows, y.ptr, rows, 1, basis.ptr, ld, v.ptr, d, 0) // Ritz vectors Yᵀ V
        const sigma = Float64Array.from(ritz.values, (theta) => Math.sqrt(Math.max(theta, 0)))
        return { sigma, v: Float64Array.from(v.data), basis: rows, converged }
      }
      const logWorst = Math.log(worst)
      const rate = previous !== undefined && logWorst < previous.logWorst ? (previous.logWorst - logWorst) / (rows - previous.rows) : 0
      nextSolve = rate > 0 ? rows + Math.min(0.6 * logWorst / rate, rows / 2) : FIRST_GROWTH * rows
      previous = { rows, logWorst }
    }
    for (let i = 0; i < b; i++) basis.data.set(w.data.subarray(i * d, (i + 1) * d), (rows + i) * ld)
  }
}

/**
 * Exact Gaussian-process regression (docs/surrogate.md): k(x, x') = σf² · r(x, x') + σn² · δ with an
 * RBF or Matérn-5/2 correlation r over ARD length scales ℓ₁…ℓ_d, on standardized targets. The log
 * marginal likelihood and its gradient in the log hyperparameters θ = (log σf², log ℓ₁…ℓ_d, log σn²)
 * follow Rasmussen & Williams (eq. 5.8–5.9); the fit maximises it with L-BFGS inside box bounds; the
 * prediction is the posterior mean and the standard deviation of a new observation (noise included).
 */
import { minimize } from "./Lbfgs.ts"

export type Kernel = "rbf" | "matern52"

export interface Hyperparameters {
  readonly signal: number
  readonly lengths: Float64Array
  readonly noise: number
}

/** θ as the optimiser sees it: log σf², log ℓ, log σn². */
export const toTheta = (h: Hyperparameters) => Float64Array.from([Math.log(h.signal), ...Array.from(h.lengths, Math.log), Math.log(h.noise)])
export const fromTheta = (theta: Float64Array): Hyperparameters => ({
  signal: Math.exp(theta[0]!),
  lengths: theta.slice(1, theta.length - 1).map(Math.exp),
  noise: Math.exp(theta[theta.length - 1]!)
})

const SQRT5 = Math.sqrt(5)

/**
 * The covariance of the n rows (σf² r, noise not added) and, per pair, the factor s with
 * ∂K_ij/∂log ℓ_k = σf² · s_ij · (x_ik − x_jk)² / ℓ_k².
 */
const correlation = (kernel: Kernel, x: Float64Array, n: number, d: number, h: Hyperparameters) => {
  const k = new Float64Array(n * n)
  const s = new Float64Array(n * n)
  const inv = h.lengths.map((l) => 1 / l)
  for (let i = 0; i < n; i++) {
    k[i * n + i] = h.signal
    s[i * n + i] = kernel === "rbf" ? 1 : 5 / 3
    for (let j = 0; j < i; j++) {
      let q = 0
      for (let c = 0; c < d; c++) {
        const t = (x[i * d + c]! - x[j * d + c]!) * inv[c]!
        q += t * t
      }
      const [r, g] = kernel === "rbf" ? rbf(q) : matern(q)
      k[i * n + j] = k[j * n + i] = h.signal * r
      s[i * n + j] = s[j * n + i] = g
    }
  }
  return { k, s }
}

/** RBF at squared scaled distance q: r = e^{−q/2}, and its s = r. */
const rbf = (q: number): [number, number] => {
  const r = Math.exp(-0.5 * q)
  return [r, r]
}

/** Matérn 5/2 at q = r²: (1 + √5 r + 5q/3) e^{−√5 r}, and its s = (5/3)(1 + √5 r) e^{−√5 r}. */
const matern = (q: number): [number, number] => {
  const r = Math.sqrt(q)
  const e = Math.exp(-SQRT5 * r)
  return [(1 + SQRT5 * r + (5 / 3) * q) * e, (5 / 3) * (1 + SQRT5 * r) * e]
}

/** The lower Cholesky factor of the n × n symmetric a (row-major), or undefined if it is not positive definite. */
export const cholesky = (a: Float64Array, n: number): Float64Array | undefined => {
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!
      for (let c = 0; c < j; c++) sum -= l[i * n + c]! * l[j * n + c]!
      if (i === j) {
        if (!(sum > 0)) return undefined
        l[i * n + i] = Math.sqrt(sum)
      } else {
        l[i * n + j] = sum / l[j * n + j]!
      }
    }
  }
  return l
}

/** Solves L z = b in place (forward substitution). */
const forward = (l: Float64Array, n: number, b: Float64Array) => {
  for (let i = 0; i < n; i++) {
    let sum = b[i]!
    for (let c = 0; c < i; c++) sum -= l[i * n + c]! * b[c]!
    b[i] = sum / l[i * n + i]!
  }
  return b
}

/** Solves Lᵀ z = b in place (back substitution). */
const backward = (l: Float64Array, n: number, b: Float64Array) => {
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i]!
    for (let c = i + 1; c < n; c++) sum -= l[c * n + i]! * b[c]!
    b[i] = sum / l[i * n + i]!
  }
  return b
}

/** K⁻¹ from its Cholesky factor: L⁻¹ row by row, then Σ_c (row c of L⁻¹)ᵀ(row c of L⁻¹); rows read contiguously. */
const inverse = (l: Float64Array, n: number) => {
  const li = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const row = li.subarray(i * n, i * n + i + 1)
    row[i] = 1
    for (let c = 0; c < i; c++) {
      const f = l[i * n + c]!
      if (f === 0) continue
      for (let j = 0; j <= c; j++) row[j]! -= f * li[c * n + j]!
    }
    const diagonal = l[i * n + i]!
    for (let j = 0; j <= i; j++) row[j]! /= diagonal
  }
  const out = new Float64Array(n * n)
  for (let c = 0; c < n; c++) {
    for (let i = 0; i <= c; i++) {
      const v = li[c * n + i]!
      if (v === 0) continue
      for (let j = 0; j <= i; j++) out[i * n + j]! += v * li[c * n + j]!
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j]!
  return out
}

export interface Evaluation {
  readonly lml: number
  readonly gradient: Float64Array
}

/** The log marginal likelihood of y (n, already standardized) and its gradient in θ; −∞ where K is singular. */
export const logMarginalLikelihood = (kernel: Kernel, x: Float64Array, y: Float64Array, n: number, d: number, theta: Float64Array): Evaluation => {
  const h = fromTheta(theta)
  const { k, s } = correlation(kernel, x, n, d, h)
  const covariance = Float64Array.from(k)
  for (let i = 0; i < n; i++) covariance[i * n + i]! += h.noise
  const l = cholesky(covariance, n)
  if (l === undefined) return { lml: -Infinity, gradient: new Float64Array(theta.length) }
  const alpha = backward(l, n, forward(l, n, Float64Array.from(y)))
  let lml = -0.5 * n * Math.log(2 * Math.PI)
  for (let i = 0; i < n; i++) lml += -0.5 * y[i]! * alpha[i]! - Math.log(l[i * n + i]!)
  // ½ tr((ααᵀ − K⁻¹) ∂K/∂θ) for each θ, with W = ααᵀ − K⁻¹ symmetric.
  const kinv = inverse(l, n)
  const gradient = new Float64Array(theta.length)
  const inv2 = h.lengths.map((len) => 1 / (len * len))
  for (let i = 0; i < n; i++) {
    const wii = alpha[i]! * alpha[i]! - kinv[i * n + i]!
    gradient[0]! += 0.5 * wii * k[i * n + i]!
    gradient[theta.length - 1]! += 0.5 * wii * h.noise
    for (let j = 0; j < i; j++) {
      const w = alpha[i]! * alpha[j]! - kinv[i * n + j]!
      // Both (i, j) and (j, i): the ½ cancels.
      gradient[0]! += w * k[i * n + j]!
      const f = w * h.signal * s[i * n + j]!
      for (let c = 0; c < d; c++) {
        const t = x[i * d + c]! - x[j * d + c]!
        gradient[1 + c]! += f * t * t * inv2[c]!
      }
    }
  }
  return { lml, gradient }
}

export interface Model {
  readonly kernel: Kernel
  readonly hyperparameters: Hyperparameters
  readonly lml: number
  readonly x: Float64Array
  readonly n: number
  readonly d: number
  readonly l: Float64Array
  readonly alpha: Float64Array
  /** The targets' mean and standard deviation (predictions are mapped back with them). */
  readonly mean: number
  readonly scale: number
}

/** Mean and (population) standard deviation; a constant target keeps scale 1. */
export const standardize = (y: ArrayLike<number>) => {
  const n = y.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += y[i]!
  mean /= Math.max(n, 1)
  let sq = 0
  for (let i = 0; i < n; i++) sq += (y[i]! - mean) ** 2
  const sd = Math.sqrt(sq / Math.max(n, 1))
  const scale = sd > 0 ? sd : 1
  return { mean, scale, z: Float64Array.from({ length: n }, (_, i) => (y[i]! - mean) / scale) }
}

export interface FitOptions {
  readonly kernel: Kernel
  /** θ's starting point. */
  readonly initial: Hyperparameters
  /** Box bounds of every log hyperparameter (σn² has its own lower bound). */
  readonly bounds: readonly [number, number]
  readonly noiseFloor: number
  readonly iterations: number
  /** One length scale for every column (isotropic) instead of one per column (ARD). */
  readonly shared?: boolean
}

/** The model at given hyperparameters (no fitting). */
export const condition = (kernel: Kernel, x: Float64Array, y: ArrayLike<number>, n: number, d: number, h: Hyperparameters): Model | undefined => {
  const { mean, scale, z } = standardize(y)
  const { k } = correlation(kernel, x, n, d, h)
  for (let i = 0; i < n; i++) k[i * n + i]! += h.noise
  const l = cholesky(k, n)
  if (l === undefined) return undefined
  const alpha = backward(l, n, forward(l, n, Float64Array.from(z)))
  let lml = -0.5 * n * Math.log(2 * Math.PI)
  for (let i = 0; i < n; i++) lml += -0.5 * z[i]! * alpha[i]! - Math.log(l[i * n + i]!)
  return { kernel, hyperparameters: h, lml, x, n, d, l, alpha, mean, scale }
}

/** Maximises the log marginal likelihood from `initial` and conditions on the result. */
export const fit = (x: Float64Array, y: ArrayLike<number>, n: number, d: number, options: FitOptions): Model => {
  const { z } = standardize(y)
  const [lo, hi] = options.bounds
  // The optimiser's variables: every θ, or (log σf², log ℓ, log σn²) with ℓ shared by all columns.
  const free = options.shared === true ? 3 : d + 2
  const expand = (v: Float64Array) => (options.shared === true ? Float64Array.from({ length: d + 2 }, (_, i) => (i === 0 ? v[0]! : i === d + 1 ? v[2]! : v[1]!)) : v)
  const lower = Float64Array.from({ length: free }, (_, i) => (i === free - 1 ? Math.log(options.noiseFloor) : lo))
  const upper = new Float64Array(free).fill(hi)
  const initial = toTheta(options.initial)
  const start = (options.shared === true ? Float64Array.from([initial[0]!, initial[1] ?? 0, initial[d + 1]!]) : initial)
    .map((t, i) => Math.min(Math.max(t, lower[i]!), upper[i]!))
  const solution = minimize((v) => {
    const { lml, gradient } = logMarginalLikelihood(options.kernel, x, z, n, d, expand(v))
    // A shared length scale's gradient is the sum of the per-column ones.
    const g = options.shared === true ? Float64Array.from([gradient[0]!, gradient.subarray(1, d + 1).reduce((a, b) => a + b, 0), gradient[d + 1]!]) : gradient
    return { value: -lml, gradient: g.map((v) => -v) }
  }, start, { lower, upper, iterations: options.iterations })
  const best = expand(solution)
  // A fit that failed everywhere (a duplicate-row singular K at every θ tried) falls back to more noise.
  for (let noise = fromTheta(best).noise; ; noise *= 10) {
    const model = condition(options.kernel, x, y, n, d, { ...fromTheta(best), noise })
    if (model !== undefined) return model
  }
}

/** Posterior mean and predictive standard deviation (an observation's, noise included) of m rows. */
export const predict = (model: Model, rows: ArrayLike<number>, m: number) => {
  const { n, d, hyperparameters: h } = model
  const inv = h.lengths.map((l) => 1 / l)
  const mean = new Float64Array(m)
  const sd = new Float64Array(m)
  const v = new Float64Array(n)
  for (let p = 0; p < m; p++) {
    for (let i = 0; i < n; i++) {
      let q = 0
      for (let c = 0; c < d; c++) {
        const t = (rows[p * d + c]! - model.x[i * d + c]!) * inv[c]!
        q += t * t
      }
      v[i] = h.signal * (model.kernel === "rbf" ? rbf(q) : matern(q))[0]
    }
    let mu = 0
    for (let i = 0; i < n; i++) mu += v[i]! * model.alpha[i]!
    forward(model.l, n, v)
    let vv = 0
    for (let i = 0; i < n; i++) vv += v[i]! * v[i]!
    mean[p] = mu * model.scale + model.mean
    sd[p] = Math.sqrt(Math.max(h.signal + h.noise - vv, 0)) * model.scale
  }
  return { mean, sd }
}

/**
 * Acquisition functions of docs/search.md, maximised, from the ensemble's mean μ and population
 * standard deviation σ per candidate, and the top-k selection that orders a batch best first.
 */
import type * as Rng from "../core/Rng.ts"

export type Name = "its" | "ucb" | "ei" | "exploit"

const SQRT2 = Math.SQRT2
const pdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)

/** The complementary error function: Numerical Recipes' Chebyshev fit, fractional error < 1.2e-7. */
const erfc = (x: number): number => {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
  return x >= 0 ? r : 2 - r
}
export const cdf = (x: number) => 0.5 * erfc(-x / SQRT2)

/** μ and population σ of each candidate over the members' predictions (members × n). */
export const moments = (predictions: ReadonlyArray<ArrayLike<number>>, n: number) => {
  const mu = new Float64Array(n)
  const sigma = new Float64Array(n)
  const m = predictions.length
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (const p of predictions) sum += p[i]!
    const mean = sum / m
    let sq = 0
    for (const p of predictions) sq += (p[i]! - mean) ** 2
    mu[i] = mean
    sigma[i] = Math.sqrt(sq / m)
  }
  return { mu, sigma }
}

export interface Options {
  readonly beta: number
  readonly calibration: number
}

export const defaults: Options = { beta: 0.5, calibration: 5 }

/** One value per candidate; `its` consumes one normal draw per candidate, in order, even when σ = 0. */
export const values = (name: Name, mu: Float64Array, sigma: Float64Array, best: number, rng: Rng.Rng, options: Options = defaults): Float64Array =>
  mu.map((m, i) => {
    const s = sigma[i]!
    switch (name) {
      case "its": {
        const z = rng.normal()
        return s === 0 ? m : m + s * z
      }
      case "ucb":
        return m + options.beta * s
      case "exploit":
        return m
      case "ei": {
        const scaled = s / options.calibration
        if (!(scaled > 0)) return Math.max(m - best, 0)
        const g = (m - best) / scaled
        return scaled * (g * cdf(g) + pdf(g))
      }
    }
  })

/** Indices of the k largest values, largest first; ties keep the lower index first. */
export const topK = (values: ArrayLike<number>, k: number): Array<number> =>
  Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => values[b]! - values[a]! || a - b)
    .slice(0, k)

/**
 * Search aggregates (docs/search.md): the incumbent of every trial at t = 1..B, its mean,
 * sample std and 95% CI half-width over trials, evaluations until within a fraction of the optimum
 * (the mean curve's first crossing and the per-trial median), and Welch's test between two arms.
 */
import { studentTQuantile, welch, type WelchTest } from "../steps/surrogate/Statistics.ts"

/** What the aggregates read of a trajectory row: the incumbent after evaluation t of a trial (null: none yet). */
export interface Incumbent {
  readonly trial: number
  readonly t: number
  readonly incumbent: number | null
}

export const REPORTED = [60, 120, 250, 500] as const

/** The reported t that a budget reaches, and the budget itself. */
export const reportedFor = (budget: number) => [...new Set([...REPORTED.filter((t) => t <= budget), budget])]

/** Incumbent curves, one per trial (in trial order), each of length `budget`. */
export const curves = (records: ReadonlyArray<Incumbent>, budget: number): Array<Float64Array> => {
  const byTrial = new Map<number, Float64Array>()
  for (const r of records) {
    let curve = byTrial.get(r.trial)
    if (curve === undefined) byTrial.set(r.trial, (curve = new Float64Array(budget).fill(Number.NaN)))
    if (r.t <= budget) curve[r.t - 1] = r.incumbent ?? Number.NaN
  }
  return [...byTrial.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c)
}

export interface Point {
  readonly t: number
  readonly mean: number
  readonly std: number
  readonly ci95: number
}

/** Mean, std and CI over the trials that have an incumbent at t (all of them, unless evaluations failed). */
export const aggregate = (trials: ReadonlyArray<Float64Array>, budget: number): Array<Point> =>
  Array.from({ length: budget }, (_, i) => {
    const values = trials.map((c) => c[i]!).filter((v) => !Number.isNaN(v))
    const n = values.length
    const quantile = n > 1 ? studentTQuantile(0.975, n - 1) : Number.NaN
    const mean = values.reduce((a, b) => a + b, 0) / n
    const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0
    return { t: i + 1, mean, std, ci95: n > 1 ? (quantile * std) / Math.sqrt(n) : 0 }
  })

export interface Hitting {
  readonly fraction: number
  readonly threshold: number
  /** First t at which the mean incumbent reaches the threshold; null if it never does. */
  readonly meanCurve: number | null
  /** Median over trials of each trial's first t at the threshold (never = +∞); null if that is +∞. */
  readonly median: number | null
  readonly reached: number
}

export const hitting = (trials: ReadonlyArray<Float64Array>, points: ReadonlyArray<Point>, optimum: number, fraction = 0.99): Hitting => {
  const threshold = fraction * optimum
  const first = trials.map((c) => {
    const i = c.findIndex((v) => v >= threshold)
    return i < 0 ? Infinity : i + 1
  }).sort((a, b) => a - b)
  const mid = first.length / 2
  const median = first.length === 0 ? Infinity : first.length % 2 === 1 ? first[Math.floor(mid)]! : (first[mid - 1]! + first[mid]!) / 2
  const crossing = points.find((p) => p.mean >= threshold)
  return {
    fraction,
    threshold,
    meanCurve: crossing?.t ?? null,
    median: Number.isFinite(median) ? median : null,
    reached: first.filter(Number.isFinite).length / Math.max(first.length, 1)
  }
}

export interface ArmSummary {
  readonly name: string
  readonly trials: number
  readonly reported: Array<Point>
  readonly hitting: Hitting
}

export const summarize = (name: string, records: ReadonlyArray<Incumbent>, budget: number, optimum: number): ArmSummary & { readonly curve: Array<Point> } => {
  const trials = curves(records, budget)
  const curve = aggregate(trials, budget)
  return {
    name,
    trials: trials.length,
    reported: reportedFor(budget).map((t) => curve[t - 1]!),
    hitting: hitting(trials, curve, optimum),
    curve
  }
}

/** Welch's test of arm B against arm A on the per-trial incumbents at each reported t. */
export const compare = (a: ReadonlyArray<Incumbent>, b: ReadonlyArray<Incumbent>, budget: number): Array<WelchTest & { readonly evaluations: number }> => {
  const [ca, cb] = [curves(a, budget), curves(b, budget)]
  return reportedFor(budget).map((evaluations) => ({ evaluations, ...welch(ca.map((c) => c[evaluations - 1]!), cb.map((c) => c[evaluations - 1]!)) }))
}

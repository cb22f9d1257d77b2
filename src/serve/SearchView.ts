/**
 * Search results as `cole serve` and `report.html` show them: per arm the mean incumbent curve with its
 * 95% band over trials, the 0.99 × optimum threshold, and each evaluation of a trial (architecture, value,
 * how it was proposed) for hovering.
 */
import { Schema } from "effect"
import * as Summary from "../search/Summary.ts"
import { finite, Num } from "./Json.ts"

export const CurvePoint = Schema.Struct({ t: Schema.Int, mean: Num, ci95: Num })

export const Arm = Schema.Struct({
  name: Schema.String,
  node: Schema.String,
  trials: Schema.Int,
  /** The trials' numbers (trial i ran with seed + i). */
  trialIds: Schema.Array(Schema.Int),
  curve: Schema.Array(CurvePoint),
  /** First t where the mean curve reaches the threshold, and the median over trials (null: never). */
  hitting: Schema.Struct({ meanCurve: Num, median: Num, reached: Schema.Number }),
  /** Not computed yet (its node is running, waiting, or was never reached). */
  pending: Schema.Boolean,
  /** Why there are no results although there should be (its node failed, a blob is gone); null otherwise. */
  problem: Schema.NullOr(Schema.String)
})
export type Arm = typeof Arm.Type

export const WelchRow = Schema.Struct({ evaluations: Schema.Int, t: Num, df: Num, p: Num })

export const SearchView = Schema.Struct({
  space: Schema.String,
  budget: Schema.Int,
  optimum: Num,
  threshold: Num,
  arms: Schema.Array(Arm),
  /** Welch's test of each other arm against the first, at the reported evaluations. */
  tests: Schema.Array(Schema.Struct({ a: Schema.String, b: Schema.String, rows: Schema.Array(WelchRow) }))
})
export type SearchView = typeof SearchView.Type

/** One evaluation of a trial, as the tooltip shows it. */
export const Evaluation = Schema.Struct({
  t: Schema.Int,
  arch: Schema.String,
  value: Num,
  incumbent: Num,
  /** init (the initial design), candidate (proposed by the strategy), …, and the surrogate's view of it. */
  origin: Schema.String,
  fit: Schema.NullOr(Schema.Int),
  rank: Schema.NullOr(Schema.Int),
  acquisition: Num,
  mu: Num,
  sigma: Num,
  /** ok, or why the evaluator gave no value (open searches). */
  status: Schema.String
})
export type Evaluation = typeof Evaluation.Type

/** What the view reads of a trajectory row (either trajectory table). */
export interface Row extends Summary.Incumbent {
  readonly arch: string
  readonly value: number | null
  readonly origin: string
  readonly fit: number | null
  readonly rank: number | null
  readonly acquisition: number | null
  readonly mu: number | null
  readonly sigma: number | null
  readonly status?: string
}

export interface Source {
  readonly name: string
  readonly node: string
  readonly rows: ReadonlyArray<Row> | undefined
  readonly problem?: string
}

export const make = (space: string, budget: number, optimum: number, sources: ReadonlyArray<Source>): SearchView => {
  const threshold = 0.99 * optimum
  const arms = sources.map((s): Arm => {
    if (s.rows === undefined) {
      return { name: s.name, node: s.node, trials: 0, trialIds: [], curve: [], hitting: { meanCurve: null, median: null, reached: 0 }, pending: s.problem === undefined, problem: s.problem ?? null }
    }
    const { curve, hitting, trials } = Summary.summarize(s.name, s.rows, budget, optimum)
    return {
      name: s.name,
      node: s.node,
      trials,
      trialIds: trialsOf(s.rows),
      curve: curve.map((p) => ({ t: p.t, mean: finite(p.mean), ci95: finite(p.ci95) })),
      hitting: { meanCurve: hitting.meanCurve, median: hitting.median, reached: hitting.reached },
      pending: false,
      problem: null
    }
  })
  const ready = sources.filter((s) => s.rows !== undefined)
  const tests = ready.slice(1).map((s) => ({
    a: ready[0]!.name,
    b: s.name,
    rows: Summary.compare(ready[0]!.rows!, s.rows!, budget).map((r) => ({ evaluations: r.evaluations, t: finite(r.t), df: finite(r.df), p: finite(r.p) }))
  }))
  return { space, budget, optimum: finite(optimum), threshold: finite(threshold), arms, tests }
}

/** The trial numbers of a trajectory, in order. */
export const trialsOf = (rows: ReadonlyArray<Row>) => [...new Set(rows.map((r) => r.trial))].sort((a, b) => a - b)

/** The evaluations of one trial, in order. */
export const evaluations = (rows: ReadonlyArray<Row>, trial: number): Array<Evaluation> =>
  rows.filter((r) => r.trial === trial).sort((a, b) => a.t - b.t).map((r) => ({
    t: r.t,
    arch: r.arch,
    value: finite(r.value),
    incumbent: finite(r.incumbent),
    origin: r.origin,
    fit: r.fit,
    rank: r.rank,
    acquisition: finite(r.acquisition),
    mu: finite(r.mu),
    sigma: finite(r.sigma),
    status: r.status ?? "ok"
  }))

/** An arm's display name from its node id (`search <name>`). */
export const nameOf = (node: string) => (node.startsWith("search ") ? node.slice(7) : node)

/**
 * Cross-validation results as `cole serve` and `report.html` show them: per configuration the τ summary
 * per budget (mean ± std over trials), and between any two configurations the corrected t-test per budget.
 */
import { Schema } from "effect"
import type { Trials } from "../../schemas/Tables.ts"
import type * as Artifact from "../core/Artifact.ts"
import * as Report from "../steps/surrogate/Report.ts"
import { finite, Num } from "./Json.ts"

type Trial = Artifact.Row<typeof Trials.columns>

export const BudgetRow = Schema.Struct({
  budget: Schema.Int,
  n: Schema.Int,
  meanTau: Num,
  stdTau: Num,
  meanMse: Num,
  flagged: Schema.Int
})

export const Configuration = Schema.Struct({
  name: Schema.String,
  /** The pipeline node that cross-validated it. */
  node: Schema.String,
  budgets: Schema.Array(BudgetRow),
  /** Not computed yet (its node is running, waiting, or was never reached). */
  pending: Schema.Boolean,
  /** Why there are no results although there should be (its node failed, a blob is gone); null otherwise. */
  problem: Schema.NullOr(Schema.String)
})
export type Configuration = typeof Configuration.Type

export const CvView = Schema.Struct({ configurations: Schema.Array(Configuration) })
export type CvView = typeof CvView.Type

/** One budget of the one-tailed Nadeau–Bengio test of B against A (d = τ_B − τ_A). */
export const TestRow = Schema.Struct({ budget: Schema.Int, n: Schema.Int, meanDifference: Num, t: Num, df: Num, p: Num })
export type TestRow = typeof TestRow.Type

export interface Source {
  readonly name: string
  readonly node: string
  readonly trials: ReadonlyArray<Trial> | undefined
  readonly problem?: string
}

export const configuration = (s: Source): Configuration => ({
  name: s.name,
  node: s.node,
  budgets: (s.trials === undefined ? [] : Report.summarize(s.trials)).map((b) => ({
    budget: b.budget,
    n: b.n,
    meanTau: finite(b.meanTau),
    stdTau: finite(b.stdTau),
    meanMse: finite(b.meanMse),
    flagged: b.flagged
  })),
  pending: s.trials === undefined && s.problem === undefined,
  problem: s.trials === undefined ? s.problem ?? null : null
})

export const test = (a: ReadonlyArray<Trial>, b: ReadonlyArray<Trial>): Array<TestRow> =>
  Report.compare(a, b).map((r) => ({ budget: r.budget, n: r.n, meanDifference: finite(r.meanDifference), t: finite(r.t), df: finite(r.df), p: finite(r.p) }))

/** A configuration's display name from its node id (`cv <name>`). */
export const nameOf = (node: string) => (node.startsWith("cv ") ? node.slice(3) : node)

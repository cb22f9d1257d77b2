/**
 * Cross-validation summaries (docs/surrogate.md): per budget the mean and population std of τ
 * over the trials, the mean MSE and the flagged count; between two configurations, the one-tailed
 * Nadeau–Bengio test on trials paired by (repeat, fold, budget); and the Markdown table.
 */
import type * as Artifact from "../../core/Artifact.ts"
import type { Trials } from "../../../schemas/Tables.ts"
import * as Markdown from "../../report/Markdown.ts"
import { nadeauBengio, type PairedTest } from "./Statistics.ts"

type Trial = Artifact.Row<typeof Trials.columns>

export interface BudgetSummary {
  readonly budget: number
  readonly n: number
  readonly meanTau: number
  readonly stdTau: number
  readonly meanMse: number
  readonly flagged: number
}

export const summarize = (trials: ReadonlyArray<Trial>): Array<BudgetSummary> =>
  [...new Set(trials.map((t) => t.budget))].sort((a, b) => a - b).map((budget) => {
    const rows = trials.filter((t) => t.budget === budget)
    const mean = rows.reduce((s, t) => s + t.tau, 0) / rows.length
    return {
      budget,
      n: rows.length,
      meanTau: mean,
      stdTau: Math.sqrt(rows.reduce((s, t) => s + (t.tau - mean) ** 2, 0) / rows.length),
      meanMse: rows.reduce((s, t) => s + t.mse, 0) / rows.length,
      flagged: rows.filter((t) => t.flagged).length
    }
  })

/** Per budget, B against A on the trials both have: d = τ_B − τ_A. */
export const compare = (a: ReadonlyArray<Trial>, b: ReadonlyArray<Trial>): Array<PairedTest & { readonly budget: number }> => {
  const key = (t: Trial) => `${t.repeat}/${t.fold}/${t.budget}`
  const byKey = new Map(a.map((t) => [key(t), t]))
  const budgets = [...new Set(b.map((t) => t.budget))].sort((x, y) => x - y)
  return budgets.map((budget) => {
    const pairs = b.filter((t) => t.budget === budget && byKey.has(key(t))).map((t) => [byKey.get(key(t))!, t] as const)
    const ratio = pairs.reduce((s, [, t]) => s + t.nTest, 0) / pairs.reduce((s, [, t]) => s + t.nPool, 0)
    return { budget, ...nadeauBengio(pairs.map(([x, y]) => y.tau - x.tau), ratio) }
  })
}

/** "configuration × budget → mean ± std τ" as a Markdown table. */
export const markdown = (configurations: ReadonlyArray<{ readonly name: string; readonly summary: ReadonlyArray<BudgetSummary> }>): string => {
  const budgets = [...new Set(configurations.flatMap((c) => c.summary.map((s) => s.budget)))].sort((a, b) => a - b)
  const cell = (s: BudgetSummary | undefined) => (s === undefined ? "" : `${s.meanTau.toFixed(3)} ± ${s.stdTau.toFixed(3)}`)
  return Markdown.table(["configuration", ...budgets.map(String)], configurations.map((c) => [c.name, ...budgets.map((b) => cell(c.summary.find((s) => s.budget === b)))]))
}

/** The report of a cross-validation: the τ table and tests as Markdown, and the files of `--out`. */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Trials } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Column from "../core/Column.ts"
import type { summary } from "../pipelines/CrossValidation.ts"
import * as HtmlReport from "./HtmlReport.ts"
import * as LinePlot from "./LinePlot.ts"
import * as Markdown from "./Markdown.ts"
import * as Png from "./Png.ts"
import * as Report from "../steps/surrogate/Report.ts"

export type CvSummary = ReturnType<typeof summary>

/** The table of mean ± std τ per configuration and budget, then the corrected t-tests. */
export const markdown = (objective: string, repeats: number, result: CvSummary) => {
  const table = Report.markdown(result.configurations.map((c) => ({ name: c.name, summary: c.budgets })))
  const tests = result.tests.map((t) =>
    [`${t.b} vs ${t.a} (one-tailed Nadeau–Bengio, H1: the first ranks better):`, ...t.budgets.map((b) => `  budget ${b.budget}: mean Δτ ${b.meanDifference.toFixed(4)}, t = ${b.t.toFixed(3)}, df ${b.df}, ${Markdown.pValue(b.p)}`)].join("\n")
  )
  return [`${objective}, ${repeats} × 10-fold CV, Kendall τ-b mean ± std over trials`, "", table, "", ...tests].join("\n")
}

/** A report's trials file: each row names its configuration, so the file reads alone (pandas, polars). */
export const ReportTrials = Artifact.table("cv-report-trials", { configuration: Column.utf8, ...Trials.columns })

/** Writes trials-<i>.arrow, summary.md, summary.json, tau.svg/.png and report.html into `dir`. */
export const writeCvReport = (
  dir: string, text: string, trials: ReadonlyArray<ReadonlyArray<Artifact.Row<typeof Trials.columns>>>, result: CvSummary
) => {
  mkdirSync(dir, { recursive: true })
  trials.forEach((rows, i) => {
    const configuration = result.configurations[i]!.name
    const frame = Artifact.fromRows(ReportTrials, rows.map((row) => ({ configuration, ...row })))
    writeFileSync(path.join(dir, `trials-${i}.arrow`), Artifact.encode(frame))
  })
  writeFileSync(path.join(dir, "summary.md"), `${text}\n`)
  writeFileSync(path.join(dir, "summary.json"), `${JSON.stringify(result, null, 2)}\n`)
  const plot = LinePlot.svg(
    result.configurations.map((c) => ({ name: c.name, points: c.budgets.map((b) => ({ x: b.budget, y: b.meanTau, spread: b.stdTau })) })),
    { xLabel: "training budget (architectures, log scale)", yLabel: "Kendall τ-b (mean ± std)", xLog: true, spread: "bars" }
  )
  writeFileSync(path.join(dir, "tau.svg"), plot)
  writeFileSync(path.join(dir, "tau.png"), Png.fromSvg(plot))
  HtmlReport.write(dir, text.split("\n")[0]!, { cv: cvPart(trials, result) })
}

/** The report's data as report.html shows it. */
export const cvPart = (trials: ReadonlyArray<ReadonlyArray<Artifact.Row<typeof Trials.columns>>>, result: CvSummary): HtmlReport.CvPart =>
  ({ names: result.configurations.map((c) => c.name), trials })

/** The report of a search: the incumbent table and tests as Markdown, and the files of `--out`. */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Trajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Column from "../core/Column.ts"
import type { summary } from "../pipelines/Search.ts"
import * as Summary from "../search/Summary.ts"
import type * as SearchView from "../serve/SearchView.ts"
import * as HtmlReport from "./HtmlReport.ts"
import * as LinePlot from "./LinePlot.ts"
import * as Markdown from "./Markdown.ts"
import * as Png from "./Png.ts"

export type SearchSummary = ReturnType<typeof summary>

/** A report's trajectory file: the search's trajectory table with the arm's name first. */
export const reportTable = <C extends Artifact.Columns>(table: Artifact.Table<C>) =>
  Artifact.table(`${table.name}-report`, { arm: Column.utf8, ...table.columns })

export const markdown = (objective: string, result: SearchSummary) => {
  const reported = result.arms[0]?.reported.map((p) => p.t) ?? []
  const hit = (h: Summary.Hitting) => `${h.meanCurve ?? "not reached"} / ${h.median ?? "not reached"} (${(100 * h.reached).toFixed(0)}%)`
  return [
    `${objective}: incumbent mean ± std [95% CI half-width] over trials; optimum ${result.optimum}`,
    "",
    Markdown.table(
      ["arm", "trials", ...reported.map((t) => `t = ${t}`), `evaluations to ${result.arms[0]?.hitting.threshold.toFixed(4) ?? ""}: mean curve / median (reached)`],
      result.arms.map((a) => [a.name, String(a.trials), ...a.reported.map((p) => Number.isNaN(p.mean) ? "no value yet" : `${p.mean.toFixed(3)} ± ${p.std.toFixed(3)} [${p.ci95.toFixed(3)}]`), hit(a.hitting)])
    ),
    "",
    ...result.tests.map((t) => [`${t.b} vs ${t.a}, Welch's t-test (two-sided):`, ...t.reported.map((r) => `  t = ${r.evaluations}: t = ${r.t.toFixed(3)}, df ${r.df.toFixed(1)}, ${Markdown.pValue(r.p)}`)].join("\n"))
  ].join("\n")
}

/** Writes trajectory-<i>.arrow, summary.md, summary.json, incumbent.svg/.png and report.html into `dir`. */
export const writeSearchReport = (
  dir: string, objective: string, budget: number,
  trajectories: ReadonlyArray<ReadonlyArray<SearchView.Row>>, result: SearchSummary,
  options: { readonly table?: Artifact.Table; readonly space: string }
) => {
  const table = options.table ?? Trajectory
  const { curves, ...printed } = result
  mkdirSync(dir, { recursive: true })
  // Each row names its arm, so the file reads alone (pandas, polars).
  const withArm = reportTable(table)
  trajectories.forEach((rows, i) => {
    const arm = result.arms[i]!.name
    writeFileSync(path.join(dir, `trajectory-${i}.arrow`), Artifact.encode(Artifact.fromRows(withArm, rows.map((row) => ({ arm, ...row })))))
  })
  writeFileSync(path.join(dir, "summary.md"), `${markdown(objective, result)}\n`)
  writeFileSync(path.join(dir, "summary.json"), `${JSON.stringify(printed, null, 2)}\n`)
  // From t = 10: the first few evaluations are single random draws whose spread would set the y range.
  const from = Math.min(10, budget)
  const plot = LinePlot.svg(
    result.arms.map((a, i) => ({ name: a.name, points: curves[i]!.filter((p) => p.t >= from).map((p) => ({ x: p.t, y: p.mean, spread: p.ci95 })) })),
    {
      xLabel: `evaluations (from ${from})`,
      yLabel: `${objective}: mean incumbent (95% CI)`,
      spread: "band",
      xTicks: [from, ...Summary.reportedFor(budget).filter((t) => t > from)],
      rules: [{ y: result.arms[0]!.hitting.threshold, label: "0.99 × optimum" }]
    }
  )
  writeFileSync(path.join(dir, "incumbent.svg"), plot)
  writeFileSync(path.join(dir, "incumbent.png"), Png.fromSvg(plot))
  HtmlReport.write(dir, `${objective}: search`, { search: searchPart(options.space, budget, trajectories, result) })
}

/** The report's data as report.html shows it. */
export const searchPart = (space: string, budget: number, trajectories: ReadonlyArray<ReadonlyArray<SearchView.Row>>, result: SearchSummary): HtmlReport.SearchPart =>
  ({ space, budget, optimum: result.optimum, names: result.arms.map((a) => a.name), trajectories })


/**
 * `report.html`: the page of `cole serve` with a report's data inlined — the same tables and plots, the
 * τ tests between every two configurations, and every evaluation to hover — in one file that opens from
 * disk with no server and nothing fetched.
 */
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import type { Trials } from "../../schemas/Tables.ts"
import type * as Artifact from "../core/Artifact.ts"
import * as CvView from "../serve/CvView.ts"
import * as Page from "../serve/Page.ts"
import * as SearchView from "../serve/SearchView.ts"

type Trial = Artifact.Row<typeof Trials.columns>

export interface CvPart {
  readonly names: ReadonlyArray<string>
  readonly trials: ReadonlyArray<ReadonlyArray<Trial>>
}

export interface SearchPart {
  readonly space: string
  readonly budget: number
  readonly optimum: number
  readonly names: ReadonlyArray<string>
  readonly trajectories: ReadonlyArray<ReadonlyArray<SearchView.Row>>
}

const cvData = (cv: CvPart) => {
  const sources = cv.names.map((name, i): CvView.Source => ({ name, node: `cv ${name}`, trials: cv.trials[i] }))
  const cvTests: Record<string, unknown> = {}
  for (const a of sources) {
    for (const b of sources) if (a !== b) cvTests[`${a.name}\u0000${b.name}`] = CvView.test(a.trials!, b.trials!)
  }
  return { cv: { configurations: sources.map(CvView.configuration) }, cvTests }
}

const searchData = (search: SearchPart) => {
  const sources = search.names.map((name, i): SearchView.Source => ({ name, node: `search ${name}`, rows: search.trajectories[i] }))
  const evaluations: Record<string, Record<string, unknown>> = {}
  sources.forEach((s) => {
    evaluations[s.name] = Object.fromEntries(SearchView.trialsOf(s.rows!).map((t) => [String(t), SearchView.evaluations(s.rows!, t)]))
  })
  return { search: SearchView.make(search.space, search.budget, search.optimum, sources), evaluations }
}

/** The page with the given parts, as text. */
export const html = (title: string, parts: { readonly cv?: CvPart; readonly search?: SearchPart }) =>
  Page.report({
    title,
    ...(parts.cv === undefined ? {} : cvData(parts.cv)),
    ...(parts.search === undefined ? {} : searchData(parts.search))
  })

/** Writes `report.html` into `dir` (which exists). */
export const write = (dir: string, title: string, parts: { readonly cv?: CvPart; readonly search?: SearchPart }) =>
  writeFileSync(path.join(dir, "report.html"), html(title, parts))

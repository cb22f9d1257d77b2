/**
 * What `cole serve` costs on a store of a realistic search: 2 arms (regularized evolution, random) ×
 * 50 trials × 300 evaluations = 30,000 evaluations, plus a CV of 2 configurations. Per endpoint: the
 * first request (journals parsed, tables read, verified and decoded) and the median of 20 after (the
 * journal and decoded tables kept), with the answer's size; against the same summary computed in this
 * process from the decoded trajectories (the work itself, no HTTP or JSON), measured in the same run.
 * Then what polling a live run costs (a run's detail, its journal unchanged), and report.html's size.
 *
 *   node --import tsx bench/serve.ts
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, statSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { HttpServer } from "effect/http"
import { Trajectory } from "../schemas/Tables.ts"
import * as Artifact from "../src/core/Artifact.ts"
import * as SearchReport from "../src/report/SearchReport.ts"
import * as SearchView from "../src/serve/SearchView.ts"
import * as Server from "../src/serve/Server.ts"

const root = path.resolve(import.meta.dirname, "..")
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const work = mkdtempSync(path.join(os.tmpdir(), "cole-bench-serve-"))
const store = path.join(work, "store")

const cole = (args: ReadonlyArray<string>) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), ...args, "--store", store], { cwd: root, encoding: "utf8" })
  if (r.status !== 0) throw new Error(`cole ${args.join(" ")}: ${r.stderr}`)
}

console.log("making the store: a search of 2 arms × 50 trials × 300 evaluations, a CV of 2 configurations …")
cole(["search", "--algorithm", "re", "--compare", "algorithm=random", "--trials", "50", "--budget", "300", "--out", path.join(work, "search-report")])
cole(["cv", "--repeats", "2", "--budgets", "14,55,220", "--representation", "onehot30", "--compare", "representation=path-naslib", "--epochs", "20"])

const scope = Effect.runSync(Scope.make())
const context = await Effect.runPromise(Layer.buildWithScope(Server.layer({ root: store, host: "127.0.0.1", port: 0 }), scope))
const base = HttpServer.formatAddress(Context.get(context, HttpServer.HttpServer).address)

const timed = async (url: string) => {
  const started = performance.now()
  const response = await fetch(`${base}${url}`)
  const text = await response.text()
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`)
  return { ms: performance.now() - started, bytes: text.length, body: text }
}

const runs = JSON.parse((await timed("/api/runs")).body) as Array<{ runId: string; pipeline: string }>
const searchRun = runs.find((r) => r.pipeline === "search")!.runId
const cvRun = runs.find((r) => r.pipeline === "cv")!.runId
const arm = encodeURIComponent("RE · path-naslib · cole-paper")
const endpoints = [
  ["runs list", "/api/runs"],
  ["run detail (search)", `/api/runs/${searchRun}`],
  ["search view", `/api/runs/${searchRun}/search`],
  ["one trial's evaluations", `/api/runs/${searchRun}/search/trial?arm=${arm}&trial=7`],
  ["CV view", `/api/runs/${cvRun}/cv`],
  ["cache (with gc dry run)", "/api/cache"]
] as const

// The floor for the search view: the same summary from the decoded trajectories, in this process.
const trajectories = [0, 1].map((i) => Artifact.toRows(Artifact.decode(SearchReport.reportTable(Trajectory), readFileSync(path.join(work, "search-report", `trajectory-${i}.arrow`)))))
const floor = () => {
  const started = performance.now()
  const optimum = Math.max(...trajectories.flat().map((r) => r.value))
  JSON.stringify(SearchView.make("nb201", 300, optimum, trajectories.map((rows, i) => ({ name: String(i), node: String(i), rows }))))
  return performance.now() - started
}

console.log(`\n| endpoint | first request | median of 20 after | answer |\n| --- | --- | --- | --- |`)
const cold: Record<string, number> = {}, warm: Record<string, number> = {}
for (const [name, url] of endpoints) {
  const first = await timed(url)
  const after: Array<number> = []
  for (let i = 0; i < 20; i++) after.push((await timed(url)).ms)
  cold[name] = first.ms
  warm[name] = median(after)
  console.log(`| ${name} | ${first.ms.toFixed(1)} ms | ${median(after).toFixed(1)} ms | ${(first.bytes / 1024).toFixed(1)} KB |`)
}
const floors: Array<number> = []
for (let i = 0; i < 20; i++) floors.push(floor())
const inProcess = median(floors)
console.log(`\nsearch view over HTTP: first ${cold["search view"]!.toFixed(1)} ms (${(cold["search view"]! / inProcess).toFixed(1)}× the summary computed in process from decoded tables, ${inProcess.toFixed(1)} ms: the first request also reads, verifies and decodes them), then ${warm["search view"]!.toFixed(1)} ms (${(warm["search view"]! / inProcess).toFixed(2)}×: the view is kept by its results' keys)`)
console.log(`report.html of the search: ${(statSync(path.join(work, "search-report", "report.html")).size / 1024 / 1024).toFixed(2)} MB for 30,000 evaluations`)
await Effect.runPromise(Scope.close(scope, Exit.void))

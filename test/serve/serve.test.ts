/**
 * `cole serve` on a store made by real runs (a CV with one repeat, a 3-trial search): the typed API
 * against the CLI's own summaries, a live run observed mid-way, read-only-ness, bad requests; then a
 * real browser (Debian's Chromium driven by playwright-core) on the page and on a report.html, and a
 * store with hostile contents that must render as text.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import { spawn } from "node:child_process"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import { FetchHttpClient, HttpServer } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Trajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../../src/core/Artifact.ts"
import * as SearchReport from "../../src/report/SearchReport.ts"
import { Api } from "../../src/serve/Api.ts"
import * as Server from "../../src/serve/Server.ts"
import { cole } from "../e2e/cli.ts"
import { examples } from "../spaces/einspace/examples.ts"
import { repoRoot, tempDir } from "../helpers.ts"
import { browser, CHROMIUM, closeBrowser } from "./browser.ts"
import { hostileStore } from "./hostileStore.ts"

const cvArgs = ["--repeats", "1", "--budgets", "14,55", "--epochs", "20", "--compare", "representation=onehot30"]
const searchArgs = ["--trials", "3", "--budget", "30", "--compare", "algorithm=re"]

/** Every file of a folder with its size and modification time, to show nothing was written. */
const snapshot = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
    const file = path.join(e.parentPath, e.name)
    const s = statSync(file)
    return `${path.relative(dir, file)} ${s.size} ${s.mtimeMs}`
  }).sort()

/** Starts the server in this process on a free loopback port; the scope's close stops it. */
const serve = async (root: string) => {
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(Server.layer({ root, host: "127.0.0.1", port: 0 }), scope))
  const url = HttpServer.formatAddress(Context.get(context, HttpServer.HttpServer).address)
  return { url, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}

const client = (url: string) => HttpApiClient.make(Api, { baseUrl: url }).pipe(Effect.provide(FetchHttpClient.layer))
const call = <A, E>(url: string, f: (c: Effect.Success<ReturnType<typeof client>>) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(client(url), f))
const callExit = <A, E>(url: string, f: (c: Effect.Success<ReturnType<typeof client>>) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.exit(Effect.flatMap(client(url), f)))

const failure = (exit: Exit.Exit<unknown, unknown>) => (Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: unknown })?.error : undefined)

describe("cole serve", () => {
  const store = path.join(tempDir("cole-serve-"), "store")
  const out = path.join(path.dirname(store), "out")
  let cvJson: any, searchJson: any
  let server: Awaited<ReturnType<typeof serve>>

  beforeAll(async () => {
    const cv = await cole(["cv", "--store", store, ...cvArgs, "--json"])
    expect(cv.code, cv.stderr).toBe(0)
    cvJson = JSON.parse(cv.stdout)
    const search = await cole(["search", "--store", store, ...searchArgs, "--json", "--out", out])
    expect(search.code, search.stderr).toBe(0)
    searchJson = JSON.parse(search.stdout)
    server = await serve(store)
  })
  afterAll(async () => {
    await closeBrowser()
    await server?.close()
  })

  it("serves runs, graphs, CV and search results equal to the CLI's summaries, without writing to the store", async () => {
    const before = snapshot(store)
    const runs = await call(server.url, (c) => c.store.runs())
    expect(runs.map((r) => [r.pipeline, r.state])).toEqual([["search", "finished"], ["cv", "finished"]])
    const [search, cv] = runs
    expect(cv!.units).toEqual({ hit: 0, computed: 40, failed: 0 })

    const run = await call(server.url, (c) => c.store.run({ params: { runId: cv!.runId } }))
    const node = run.graph.find((n) => n.id === `cv ${cvJson.configurations[0].name}`)!
    expect(node).toMatchObject({ step: "cross-validate", status: "computed", inputs: ["encode path-naslib", "evaluate"], units: { hit: 0, computed: 20, failed: 0 } })
    expect(run.graph.map((n) => n.id).slice(0, 2)).toEqual(["architectures", "evaluate"])
    expect(run.results).toEqual({ cv: true, search: false })
    // The journal's progress: each configuration's 20 trials, done.
    expect(run.progress.map((p) => [p.done, p.total])).toEqual([[20, 20], [20, 20]])

    const view = await call(server.url, (c) => c.store.cv({ params: { runId: cv!.runId } }))
    expect(view.configurations.map((c) => c.name)).toEqual(cvJson.configurations.map((c: any) => c.name))
    view.configurations.forEach((c, i) => {
      expect(c.problem).toBeNull()
      c.budgets.forEach((b, j) => {
        const expected = cvJson.configurations[i].budgets[j]
        expect([b.budget, b.n]).toEqual([expected.budget, expected.n])
        expect(b.meanTau).toBeCloseTo(expected.meanTau, 12)
        expect(b.stdTau).toBeCloseTo(expected.stdTau, 12)
      })
    })
    const [a, b] = view.configurations.map((c) => c.name)
    const test = await call(server.url, (c) => c.store.cvTest({ params: { runId: cv!.runId }, query: { a: a!, b: b! } }))
    test.forEach((row, j) => {
      const expected = cvJson.tests[0].budgets[j]
      expect(row.budget).toBe(expected.budget)
      expect(row.t).toBeCloseTo(expected.t, 10)
      expect(row.p).toBeCloseTo(expected.p, 12)
    })
    // The other way round: the difference changes sign.
    const reverse = await call(server.url, (c) => c.store.cvTest({ params: { runId: cv!.runId }, query: { a: b!, b: a! } }))
    expect(reverse[0]!.meanDifference).toBeCloseTo(-test[0]!.meanDifference!, 12)

    const sv = await call(server.url, (c) => c.store.search({ params: { runId: search!.runId } }))
    expect(sv.space).toBe("nb201")
    expect(sv.budget).toBe(30)
    expect(sv.optimum).toBe(searchJson.optimum)
    expect(sv.arms.map((arm) => arm.name)).toEqual(searchJson.arms.map((arm: any) => arm.name))
    sv.arms.forEach((arm, i) => {
      expect(arm.trialIds).toEqual([0, 1, 2])
      expect(arm.hitting).toEqual({ meanCurve: searchJson.arms[i].hitting.meanCurve, median: searchJson.arms[i].hitting.median, reached: searchJson.arms[i].hitting.reached })
      const reported = searchJson.arms[i].reported.at(-1)
      expect(arm.curve[reported.t - 1]!.mean).toBeCloseTo(reported.mean, 12)
      expect(arm.curve[reported.t - 1]!.ci95).toBeCloseTo(reported.ci95, 12)
    })
    expect(sv.tests[0]!.rows.at(-1)!.p).toBeCloseTo(searchJson.tests[0].reported.at(-1).p, 12)

    // A trial's evaluations are the rows of the report's trajectory file.
    const evaluations = await call(server.url, (c) => c.store.trial({ params: { runId: search!.runId }, query: { arm: sv.arms[0]!.name, trial: 1 } }))
    const rows = Artifact.toRows(Artifact.decode(SearchReport.reportTable(Trajectory), readFileSync(path.join(out, "trajectory-0.arrow"))))
    const trial1 = rows.filter((r) => r.trial === 1).sort((x, y) => x.t - y.t)
    expect(evaluations.map((e) => [e.t, e.arch, e.value, e.origin])).toEqual(trial1.map((r) => [r.t, r.arch, r.value, r.origin]))
    expect(evaluations.some((e) => e.origin !== "init" && e.fit !== null)).toBe(true)

    const cache = await call(server.url, (c) => c.store.cache())
    const manifests = readdirSync(path.join(store, "entries"), { recursive: true }).filter((f) => String(f).endsWith(".json")).length
    expect(cache.results).toBe(manifests)
    expect(cache.steps.reduce((n, s) => n + s.results, 0)).toBe(manifests)
    expect(cache.steps.find((s) => s.step === "cross-validate.trial")!.results).toBe(40)
    expect(cache.gc).toEqual({ results: 0, blobs: 0, runs: 0, bytes: 0 })
    expect(cache.stale).toEqual([])

    expect(snapshot(store)).toEqual(before)
  })

  it("answers bad requests with typed errors naming the value and what was expected", async () => {
    const runs = await call(server.url, (c) => c.store.runs())
    const cvRun = runs.find((r) => r.pipeline === "cv")!.runId
    const searchRun = runs.find((r) => r.pipeline === "search")!.runId
    for (const runId of ["nope", "../../etc/passwd", `${cvRun}.live`]) {
      expect(failure(await callExit(server.url, (c) => c.store.run({ params: { runId } })))).toMatchObject({ _tag: "RunNotFound", runId })
    }
    const arm = failure(await callExit(server.url, (c) => c.store.trial({ params: { runId: searchRun }, query: { arm: "nope", trial: 0 } })))
    expect(arm).toMatchObject({ _tag: "InvalidRequest" })
    expect((arm as any).problem).toMatch(/^arm "nope": expected one of "BANANAS · path-naslib · cole-paper", "RE · path-naslib · cole-paper"$/)
    const trial = failure(await callExit(server.url, (c) => c.store.trial({ params: { runId: searchRun }, query: { arm: "RE · path-naslib · cole-paper", trial: 7 } })))
    expect((trial as any).problem).toBe("trial 7: expected one of 0, 1, 2")
    const configuration = failure(await callExit(server.url, (c) => c.store.cvTest({ params: { runId: cvRun }, query: { a: "x", b: "y" } })))
    expect((configuration as any).problem).toMatch(/^configuration "x": expected one of "path-naslib/)
    const arch = failure(await callExit(server.url, (c) => c.store.code({ query: { space: "nb201", arch: "<script>" } })))
    expect((arch as any).problem).toMatch(/^architecture "<script>": invalid nb201 architecture/)
    for (const name of ["nb301", "constructor"]) {
      const space = failure(await callExit(server.url, (c) => c.store.code({ query: { space: name, arch: "x" } })))
      expect((space as any).problem).toBe(`unknown search space "${name}"; known: nb201, einspace`)
    }
    // An asset the page does not use is a 404, not a file read.
    const asset = await fetch(`${server.url}/assets/..%2F..%2Fpackage.json`)
    expect(asset.status).toBe(404)
  })

  it("cole serve refuses a missing store, a bad port and a taken address in one line each", async () => {
    const port = new URL(server.url).port
    const [missing, badPort, taken] = await Promise.all([
      cole(["serve", "--store", path.join(store, "nope")]),
      cole(["serve", "--store", store, "--port", "70000"]),
      cole(["serve", "--store", store, "--port", port])
    ])
    for (const r of [missing, badPort, taken]) {
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split("\n")).toHaveLength(1)
    }
    expect(missing.stderr).toContain(`--store ${path.join(store, "nope")}: no such folder`)
    expect(existsSync(path.join(store, "nope"))).toBe(false)
    expect(badPort.stderr).toMatch(/--port.*"70000".*between 0 and 65535/)
    expect(taken.stderr).toContain(`cole: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`)
  })

  it("gives an architecture's code text, and einspace's shape table", async () => {
    const einspace = await call(server.url, (c) => c.store.code({ query: { space: "einspace", arch: examples[0]!.short } }))
    expect(einspace.code).toBe(examples[0]!.code)
    expect(einspace.shapes).toContain(`parameters: ${examples[0]!.parameters}`)
    const nb201 = await call(server.url, (c) => c.store.code({ query: { space: "nb201", arch: "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_1x1~2|" } }))
    expect(nb201.code).toMatch(/kernel_size=3/)
    expect(nb201.shapes).toBeNull()
  })

  it("shows a live run mid-way: running, its progress below the total with a rate, then finished", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/cli/main.ts"), "cv", "--store", store, "--repeats", "1", "--budgets", "14,55,110", "--epochs", "20", "--loss", "mse", "--reducer", "none"], { cwd: repoRoot, stdio: "ignore" })
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve))
    let seen: any
    const deadline = Date.now() + 30_000
    while (seen === undefined && Date.now() < deadline) {
      const runs = await call(server.url, (c) => c.store.runs())
      const live = runs.find((r) => r.state === "running")
      if (live !== undefined) {
        const run = await call(server.url, (c) => c.store.run({ params: { runId: live.runId } }))
        const trials = run.progress.find((p) => p.label.endsWith(": trials"))
        if (trials !== undefined && trials.done > 0 && trials.done < trials.total) seen = run
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await exited).toBe(0)
    expect(seen, "a running run with trials under way").toBeDefined()
    expect(seen.state).toBe("running")
    expect(seen.ended).toBeNull()
    const trials = seen.progress.find((p: any) => p.label.endsWith(": trials"))
    expect(trials.total).toBe(30)
    expect(trials.perSecond).toBeGreaterThan(0)
    expect(trials.etaSeconds).toBeGreaterThan(0)
    expect(seen.graph.find((n: any) => n.step === "cross-validate").status).toBe("running")
    const after = await call(server.url, (c) => c.store.run({ params: { runId: seen.runId } }))
    expect(after.state).toBe("finished")
    expect(after.progress.find((p) => p.label === trials.label)).toMatchObject({ done: 30, total: 30 })
    expect(after.graph.find((n) => n.step === "cross-validate")!.units.computed).toBe(30)
  })

  it.skipIf(CHROMIUM === undefined)("in a browser: the runs list, a search's plot, a hovered point's architecture and its code; the report.html offline", async () => {
    const shots = path.join(repoRoot, "test-results", "serve")
    mkdirSync(shots, { recursive: true })
    const runs = await call(server.url, (c) => c.store.runs())
    const searchRun = runs.find((r) => r.pipeline === "search")!.runId
    const sv = await call(server.url, (c) => c.store.search({ params: { runId: searchRun } }))
    const evaluations = await call(server.url, (c) => c.store.trial({ params: { runId: searchRun }, query: { arm: sv.arms[0]!.name, trial: 0 } }))
    // A point the surrogate proposed (after the initial design): the best, so inside the plot's y range.
    const target = evaluations.filter((e) => e.origin !== "init" && e.value !== null).sort((a, b) => b.value! - a.value!)[0]!
    await browser(async (page, errors) => {
      await page.goto(`${server.url}/`)
      await page.waitForSelector("#runs")
      const rows = await page.$$eval("#runs tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""))
      expect(rows.some((r) => r.includes("search") && r.includes("finished"))).toBe(true)
      expect(rows.some((r) => r.includes("cv") && r.includes("finished"))).toBe(true)
      await page.click(`a[href="#run=${searchRun}"]`)
      await page.waitForSelector("#search-plot canvas")
      expect(new URL(page.url()).hash).toBe(`#run=${searchRun}`)
      expect(await page.textContent("#search-table")).toContain(sv.arms[0]!.name)
      const point = await hoverPoint(page, target.t, target.value!)
      await page.mouse.move(point.x, point.y)
      await page.waitForSelector("#tooltip:not([hidden])")
      const tip = await page.textContent("#tooltip")
      expect(tip).toContain(target.arch)
      expect(tip).toContain(`t = ${target.t}`)
      expect(tip).toContain(target.origin)
      await page.screenshot({ path: path.join(shots, "search.png"), fullPage: true })
      await page.mouse.click(point.x, point.y)
      await page.waitForSelector("#code pre")
      expect(await page.textContent("#code pre")).toMatch(/class Cell\(nn.Module\)/)
      await page.goto(`${server.url}/#view=cache`)
      await page.waitForSelector("#steps")
      expect(await page.textContent("#stale")).toContain("every stored result matches the current code")
      expect(errors).toEqual([])
    })
    // The report opens from disk: same plot, every evaluation inlined.
    await browser(async (page, errors) => {
      const requests: Array<string> = []
      page.on("request", (r) => requests.push(r.url()))
      await page.goto(`file://${path.join(out, "report.html")}`)
      await page.waitForSelector("#search-plot canvas")
      const point = await hoverPoint(page, target.t, target.value!)
      await page.mouse.move(point.x, point.y)
      await page.waitForSelector("#tooltip:not([hidden])")
      expect(await page.textContent("#tooltip")).toContain(target.arch)
      await page.screenshot({ path: path.join(shots, "report.png"), fullPage: true })
      expect(requests.filter((u) => !u.startsWith("file://") && !u.startsWith("data:"))).toEqual([])
      expect(errors).toEqual([])
    })
  })

  it.skipIf(CHROMIUM === undefined)("renders hostile store contents as text (markup in names and architectures, a truncated journal, a missing blob), and an empty store", async () => {
    const root = path.join(tempDir("cole-serve-hostile-"), "store")
    const hostile = hostileStore(root)
    const bad = await serve(root)
    try {
      const run = await call(bad.url, (c) => c.store.run({ params: { runId: hostile.runId } }))
      expect(run.problems).toEqual(["1 line of the journal could not be read (cut short by a crash, or damaged)"])
      const cv = await call(bad.url, (c) => c.store.cv({ params: { runId: hostile.runId } }))
      expect(cv.configurations[0]!.problem).toBe(`blob ${hostile.missing} is not in the store`)
      await browser(async (page, errors) => {
        await page.goto(`${bad.url}/#run=${hostile.runId}`)
        await page.waitForSelector("#search-plot canvas")
        expect(await page.textContent("h1")).toContain(hostile.pipeline)
        expect(await page.textContent("#run-top")).toContain("could not be read")
        expect(await page.textContent("#cv")).toContain(`blob ${hostile.missing} is not in the store`)
        expect(await page.textContent("svg.graph")).toContain(hostile.node.slice(0, 20))
        const point = await hoverPoint(page, 2, 52)
        await page.mouse.move(point.x, point.y)
        await page.waitForSelector("#tooltip:not([hidden])")
        expect(await page.textContent("#tooltip .arch")).toBe(hostile.arch)
        await page.screenshot({ path: path.join(repoRoot, "test-results", "serve", "hostile.png"), fullPage: true })
        expect(await page.evaluate(() => (globalThis as any).pwned)).toBeUndefined()
        expect(await page.$$("main script, main img, main b")).toEqual([])
        expect(errors).toEqual([])
      })
    } finally {
      await bad.close()
    }
    // An empty store: the runs list and the cache say so.
    const empty = await serve(tempDir("cole-serve-empty-"))
    try {
      await browser(async (page, errors) => {
        await page.goto(`${empty.url}/`)
        expect(await page.textContent("#no-runs")).toContain("No runs in this store yet")
        await page.goto(`${empty.url}/#view=cache`)
        await page.waitForSelector("#gc")
        expect(await page.textContent("main")).toContain("The store holds no results.")
        expect(errors).toEqual([])
      })
    } finally {
      await empty.close()
    }
  })
})

/** The page position of the search plot's point (t, value). */
const hoverPoint = (page: import("playwright-core").Page, t: number, value: number) =>
  page.$eval("#search-plot", (el, [t, value]) => {
    const plot = (el as any).coleplot
    const box = plot.over.getBoundingClientRect()
    return { x: box.left + plot.valToPos(t, "x"), y: box.top + plot.valToPos(value, "y") }
  }, [t, value] as const)

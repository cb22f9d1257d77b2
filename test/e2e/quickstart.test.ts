/** `npm start` (cole quickstart) at a reduced size: end to end, a report folder, and a second run that recomputes nothing. */
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { tempDir } from "../helpers.ts"
import { cole } from "./cli.ts"

describe("cole quickstart", () => {
  it("compares code text with path-naslib in CV and BANANAS, writes the report, and hits everywhere the second time", async () => {
    const dir = tempDir()
    // No --out: the report goes inside the store.
    const report = path.join(dir, "store", "reports", "quickstart")
    const args = ["quickstart", "--store", path.join(dir, "store"), "--repeats", "1", "--budgets", "14,55",
      "--epochs", "10", "--trials", "2", "--budget", "30", "--search-epochs", "5", "--workers", "1"]
    const first = await cole(args)
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/\| path-naslib · none · hinge · 10 ep \| [0-9.-]+ ± [0-9.]+ \| [0-9.-]+ ± [0-9.]+ \|/)
    expect(first.stdout).toMatch(/\| hashed-ngram · pca128 · hinge · 10 ep \|/)
    expect(first.stdout).toMatch(/hashed-ngram · pca128 · hinge · 10 ep vs path-naslib · none · hinge · 10 ep \(one-tailed Nadeau–Bengio/)
    expect(first.stdout).toMatch(/\| BANANAS · hashed-ngram · cole-paper \| 2 \|/)
    const nodes = /· (\d+) nodes, (\d+) hit/.exec(first.stdout)!
    expect(Number(nodes[2])).toBeLessThan(Number(nodes[1]))
    for (const f of ["README.md", "report.html", "cv/summary.md", "cv/tau.svg", "cv/tau.png", "cv/trials-1.arrow", "cv/report.html", "search/summary.json", "search/incumbent.png", "search/trajectory-1.arrow", "search/report.html"]) {
      expect(existsSync(path.join(report, f)), f).toBe(true)
    }
    // report.html is self-contained: both results inlined, no script or style from elsewhere.
    const html = readFileSync(path.join(report, "report.html"), "utf8")
    const data = JSON.parse(/<script type="application\/json" id="cole-report">(.*?)<\/script>/s.exec(html)![1]!)
    expect(data.cv.configurations.map((c: any) => c.name)).toEqual(["path-naslib · none · hinge · 10 ep", "hashed-ngram · pca128 · hinge · 10 ep"])
    expect(data.search.arms.map((a: any) => a.name)).toEqual(["BANANAS · path-naslib · cole-paper", "BANANAS · hashed-ngram · cole-paper"])
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="(?!data:)/)
    expect(readFileSync(path.join(report, "README.md"), "utf8")).toMatch(/^# Quickstart: hashed n-gram code text vs path-naslib on NB201 cifar10_test/)
    // Each report file names its configuration in a column.
    const Artifact = await import("../../src/core/Artifact.ts")
    const { ReportTrials } = await import("../../src/report/CvReport.ts")
    const trials = Artifact.toRows(Artifact.decode(ReportTrials, readFileSync(path.join(report, "cv", "trials-1.arrow"))))
    expect(new Set(trials.map((t) => t.configuration))).toEqual(new Set(["hashed-ngram · pca128 · hinge · 10 ep"]))

    const second = await cole(args)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toBe(first.stdout.replace(/(\d+) nodes, \d+ hit/, (_, n) => `${n} nodes, ${n} hit`))

    // --force names a step of either pipeline; its nodes (two CV arms) recompute, to the same numbers.
    const forced = await cole([...args, "--force", "cross-validate"])
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stdout).toBe(first.stdout.replace(/(\d+) nodes, \d+ hit/, (_, n) => `${n} nodes, ${Number(n) - 2} hit`))
    const unknown = await cole([...args, "--force", "cross-validation"])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toMatch(/^cole: --force cross-validation: no such step or node in this pipeline; known: .*cross-validate.*search.* \(or all\)$/)
  }, 240_000)
})

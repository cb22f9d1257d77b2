/** `cole cv` end to end: a run killed mid-way resumes trial by trial; bad flags fail in one line. */
import { readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { tempDir } from "../helpers.ts"
import { cole, unitStatuses } from "./cli.ts"

const args = (store: string) => [
  "cv", "--store", store, "--repeats", "1", "--budgets", "14,55", "--representation", "onehot30",
  "--compare", "representation=path-naslib,reducer=none", "--epochs", "5", "--workers", "1", "--json"
]

describe("cole cv", () => {
  it("killed mid-way and re-run: the same summary, and no trial computed twice", async () => {
    const baseline = tempDir()
    const log = path.join(baseline, "faults.log")
    const clean = await cole(args(baseline), { COLE_FAULT_LOG: log })
    expect(clean.code, clean.stderr).toBe(0)
    const summary = JSON.parse(clean.stdout)
    expect(summary.configurations.map((c: { budgets: Array<{ budget: number; n: number }> }) => c.budgets.map((b) => [b.budget, b.n]))).toEqual([[[14, 10], [55, 10]], [[14, 10], [55, 10]]])
    expect(summary.tests[0].budgets.map((t: { df: number }) => t.df)).toEqual([9, 9])

    const points = readFileSync(log, "utf8").trim().split("\n").length
    const store = tempDir()
    const killed = await cole(args(store), { COLE_FAULT_KILL_AT: String(Math.floor(points / 2)) })
    expect(killed.signal).toBe("SIGKILL")
    const rerun = await cole(args(store))
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(JSON.parse(rerun.stdout)).toEqual(summary)
    const [first, second] = unitStatuses(store, "cross-validate.trial")
    const committed = first!.filter((s) => s === "computed").length
    expect(committed).toBeGreaterThan(0)
    expect(committed).toBeLessThan(40)
    // Everything the killed run committed is a hit now (a trial published just before the kill may
    // not have reached the journal: it is a hit too); only the rest is computed.
    expect(second!.filter((s) => s === "hit").length).toBeGreaterThanOrEqual(committed)
    expect(second!.filter((s) => s === "computed").length).toBeLessThanOrEqual(40 - committed)
    expect(second).toHaveLength(40)
  }, 120_000)

  it.each<[Array<string>, RegExp]>([
    [["--reducer", "pca"], /^cole: component pca: params \{\}: .*components/m],
    [["--head", "gp2"], /^cole: component gp2: expected a built-in head \(cole-mlp, mlp-ensemble, gp\)/m],
    [["--budgets", "14,x"], /--budgets 14,x: "x" is not a positive integer/],
    [["--compare", "loss=l2"], /--compare loss=l2: "loss=l2": expected representation=/],
    [["--representation", "onehot31"], /onehot31/],
    [["--representation", "embeddings:/nonexistent/e.csv"], /cannot read|nonexistent/],
    [["--repeats", "0"], /--repeats 0: expected a positive integer/],
    [["--budgets", "99999"], /budget 99999 is more than the 1\d{4} training architectures of the smallest fold \(of 15625\); give budgets up to 1\d{4}/],
    [["--workers", "-3"], /^cole: Invalid value for flag --workers: "-3"\. Expected: .*greater than 0 \(cole cv --help lists the flags\)$/m],
    [["--nope", "1"], /^cole: Unrecognized flag: --nope in command cole cv \(cole cv --help lists the flags\)$/m]
  ])("%j fails with one line naming the value", async (extra, message) => {
    const flags = new Map([["--budgets", "14"], ["--repeats", "1"], [extra[0]!, extra[1]!]])
    const r = await cole(["cv", "--store", tempDir(), ...[...flags].flat()])
    expect(r.code).not.toBe(0)
    expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("cole:"))).toHaveLength(1)
    expect(r.stderr).toMatch(message)
  }, 60_000)

  it("import embeddings names a ref; cv on embeddings that miss architectures names one", async () => {
    const dir = tempDir()
    const file = path.join(dir, "two.csv")
    writeFileSync(file, "arch,e0,e1\n|none~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|,1,2\n|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,3,4\n")
    const imported = await cole(["import", "embeddings", file, "--store", path.join(dir, "store")])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/^embeddings\/two: 2 architectures × 2 dimensions \(computed\)/)
    const r = await cole(["cv", "--store", path.join(dir, "store"), "--repeats", "1", "--budgets", "14", "--representation", `embeddings:${file}`])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/architecture "\|.*\|" has an objective value but no features/)
  }, 60_000)
})


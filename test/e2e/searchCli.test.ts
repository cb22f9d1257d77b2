/** `cole search` end to end: a search killed mid-trial resumes and ends with the same trajectories. */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { tempDir } from "../helpers.ts"
import { cole, unitStatuses } from "./cli.ts"

const args = (store: string, out: string) => [
  "search", "--store", store, "--out", out, "--trials", "2", "--budget", "50", "--epochs", "10",
  "--compare", "algorithm=re", "--workers", "1", "--json"
]

describe("cole search", () => {
  it("killed mid-trial and re-run: byte-identical trajectories and summary; committed batches are not recomputed", async () => {
    const baseline = tempDir()
    const log = path.join(baseline, "faults.log")
    const clean = await cole(args(path.join(baseline, "store"), path.join(baseline, "out")), { COLE_FAULT_LOG: log })
    expect(clean.code, clean.stderr).toBe(0)
    const summary = JSON.parse(clean.stdout)
    expect(summary.arms.map((a: { name: string; trials: number }) => [a.name, a.trials])).toEqual([["BANANAS · path-naslib · cole-paper", 2], ["RE · path-naslib · cole-paper", 2]])
    // Per trial: the initial design and 3 fits (|D| = 20, 30, 40) for BANANAS, one batch for RE.
    expect(unitStatuses(path.join(baseline, "store"), "search.batch")[0]).toHaveLength(2 * 4 + 2)

    const points = readFileSync(log, "utf8").trim().split("\n").length
    const dir = tempDir()
    const store = path.join(dir, "store")
    const killed = await cole(args(store, path.join(dir, "out")), { COLE_FAULT_KILL_AT: String(Math.floor(points * 0.55)) })
    expect(killed.signal).toBe("SIGKILL")
    const rerun = await cole(args(store, path.join(dir, "out")))
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(JSON.parse(rerun.stdout)).toEqual(summary)
    for (const file of ["trajectory-0.arrow", "trajectory-1.arrow", "incumbent.svg", "incumbent.png"]) {
      expect(readFileSync(path.join(dir, "out", file)).equals(readFileSync(path.join(baseline, "out", file))), file).toBe(true)
    }
    const [first, second] = unitStatuses(store, "search.batch")
    const committed = first!.filter((s) => s === "computed").length
    expect(committed).toBeGreaterThan(0)
    expect(second!.filter((s) => s === "hit").length).toBeGreaterThanOrEqual(committed)
    expect(second!.filter((s) => s === "computed").length).toBeLessThanOrEqual(10 - committed)
  }, 180_000)

  it.each<[Array<string>, RegExp]>([
    [["--trials", "0"], /--trials 0: expected a positive integer/],
    [["--compare", "algorithm=sgd"], /^cole: component sgd: expected a built-in strategy \(bananas, re, random\) or a module and its export/m],
    [["--representation", "embeddings:/nonexistent/e.arrow"], /nonexistent/],
    [["--preset", "fast"], /fast/],
    [["--space", "einspace"], /^cole: search --space einspace: einspace has no table of measured values to search; give --evaluate CMD/m]
  ])("%j fails with one line naming the value", async (extra, message) => {
    const flags = new Map([["--trials", "1"], ["--budget", "20"], [extra[0]!, extra[1]!]])
    const r = await cole(["search", "--store", tempDir(), ...[...flags].flat()])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(message)
  }, 60_000)
})

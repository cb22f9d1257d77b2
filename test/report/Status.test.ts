/** `cole status`: latest run per pipeline from the journals, and why a stored result is stale. */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { latestRuns, staleness } from "../../src/report/Status.ts"
import { cole } from "../e2e/cli.ts"
import { tempDir } from "../helpers.ts"
import { examples } from "../spaces/einspace/examples.ts"

const start = (pipeline: string, runId: string) => ({ event: "start" as const, runId, pipeline, pid: 1, host: "h", at: `2026-01-01T00:00:0${runId}Z` })
const node = (status: "hit" | "computed" | "failed") => ({ event: "node" as const, node: "n", step: "s", key: "k", status, ms: 1 })

describe("status", () => {
  it("keeps the latest run of each pipeline and says how it ended", () => {
    const runs = [
      { runId: "1", live: false, events: [start("cv", "1"), node("computed"), node("computed"), { event: "end" as const, ok: true, at: "" }] },
      { runId: "2", live: false, events: [start("cv", "2"), node("hit"), node("computed")] },
      { runId: "3", live: false, events: [start("search", "3"), node("failed"), { event: "end" as const, ok: false, at: "" }] },
      { runId: "4", live: true, events: [start("quickstart", "4")] },
      { runId: "5", live: false, events: [start("ablate", "5"), node("computed"), { event: "end" as const, ok: false, at: "" }] }
    ]
    expect(latestRuns(runs).map((r) => [r.pipeline, r.state, r.computed, r.hit, r.failed])).toEqual([
      ["ablate", "interrupted", 1, 0, 0], // ended early with no failed node: stopped from outside
      ["quickstart", "running", 0, 0, 0],
      ["search", "failed", 0, 0, 1],
      ["cv", "interrupted", 1, 1, 0]
    ])
  })

  it("names the version that changed, for steps, their units and spaces", () => {
    const versions = new Map([["search/nb201-table-search", 2], ["cross-validate/cole-head", 2]])
    const spaces = new Map([["nb201", 3]])
    expect(staleness({ step: "search", implementation: "nb201-table-search", version: 2 }, versions, spaces)).toBeUndefined()
    expect(staleness({ step: "search.batch", implementation: "nb201-table-search", version: 1 }, versions, spaces))
      .toBe("code changed: search/nb201-table-search version 1 → 2")
    expect(staleness({ step: "cross-validate", implementation: "cole-head", version: 2, environment: { space: "nb201@1" } }, versions, spaces))
      .toBe("space changed: nb201 version 1 → 3")
    expect(staleness({ step: "embed", implementation: "word2vec", version: 1 }, versions, spaces))
      .toBe("embed/word2vec is not an implementation of this code (renamed or removed)")
  })

  it("names a built-in component whose version changed; a user's component (fingerprinted) is passed over", () => {
    const versions = new Map([["cross-validate/cole-head", 5], ["head/gp", 2], ["reducer/pca", 1]])
    const trial = (components: Record<string, unknown>) =>
      staleness({ step: "cross-validate.trial", implementation: "cole-head", version: 5, environment: { components } }, versions, new Map())
    const pca = { kind: "reducer", name: "pca", version: 1, params: { components: 128 } }
    expect(trial({ reducer: pca, head: { kind: "head", name: "gp", version: 2, params: {} } })).toBeUndefined()
    expect(trial({ reducer: pca, head: { kind: "head", name: "gp", version: 1, params: {} } })).toBe("code changed: component head/gp version 1 → 2")
    expect(trial({ reducer: pca, head: { kind: "head", name: "svr", version: 1, params: {} } })).toBe("component head/svr is not in this code (renamed or removed)")
    expect(trial({ reducer: pca, head: { kind: "head", name: "knn", version: 1, params: {}, fingerprint: "ab" } })).toBeUndefined()
  })

  it("names the evaluator file whose content changed since the evaluation; an unreadable one is passed over", () => {
    const versions = new Map([["search-open/on-demand", 3]])
    const now = new Map([["train.py", "sha256:new"], ["configs", "sha256:same"]])
    const evaluation = (files: Record<string, string>) =>
      staleness({ step: "search-open.evaluation", implementation: "on-demand", version: 3, environment: { evaluator: { evaluator: "command", files } } }, versions, new Map(), (f) => now.get(f))
    expect(evaluation({ configs: "sha256:same", "train.py": "sha256:new" })).toBeUndefined()
    expect(evaluation({ configs: "sha256:same", "train.py": "sha256:old" })).toBe("evaluator file train.py has changed")
    expect(evaluation({ "elsewhere/train.py": "sha256:old" })).toBeUndefined()
  })

  it("reports a result from older code as stale, through the CLI", async () => {
    const dir = tempDir()
    const store = path.join(dir, "store")
    const csv = path.join(dir, "labels.csv")
    writeFileSync(csv, `"${examples[0]!.short}",71.5\n"${examples[1]!.short}",70\n`)
    expect((await cole(["import", "labels", csv, "--space", "einspace", "--store", store])).code).toBe(0)
    const fresh = await cole(["status", "--store", store])
    expect(fresh.stdout).toMatch(/import-labels +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +finished +1 +0 +0/)
    expect(fresh.stdout).toMatch(/stale: nothing/)
    // Pretend the result came from version 0 of the importer.
    const entries = path.join(store, "entries", "import-objective")
    const file = path.join(entries, readdirSync(entries)[0]!)
    const manifest = JSON.parse(readFileSync(file, "utf8"))
    manifest.preimage.version = 0
    writeFileSync(file, JSON.stringify(manifest))
    const stale = await cole(["status", "--store", store])
    expect(stale.stdout).toMatch(/1 +[0-9.]+ \w+ +import-objective: code changed: import-objective\/labels-csv version 0 → 1/)
  }, 60_000)
})

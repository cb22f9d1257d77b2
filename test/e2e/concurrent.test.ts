/** Two processes running the same pipeline on one store at once both succeed, and compute each key once. */
import { existsSync, readdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Journal from "../../src/core/Journal.ts"
import * as Store from "../../src/core/Store.ts"
import { tempDir } from "../helpers.ts"
import { cole } from "./cli.ts"

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setImmediate(r))
}

describe("concurrent runs", () => {
  it("share one store: both succeed, each key is computed exactly once", async () => {
    const root = tempDir()
    const gate = path.join(tempDir(), "open")
    const env = { COLE_TEST_GATE: gate }
    const args = ["run", "test/fixtures/gated-pipeline.ts", "--store", root, "--workers", "0"]
    const first = cole(args, env)
    // Wait until the first process holds the lease of the gated step, then start the second.
    const leases = path.join(root, "leases", "toy", "scale")
    await until(() => existsSync(leases) && readdirSync(leases).length > 0)
    const second = cole(args, env)
    const runsDir = path.join(root, "runs")
    await until(() => readdirSync(runsDir).filter((f) => f.endsWith(".jsonl")).length === 2)
    writeFileSync(gate, "")
    const [a, b] = await Promise.all([first, second])
    expect(a.code, a.stderr).toBe(0)
    expect(b.code, b.stderr).toBe(0)

    const runs = await Effect.runPromise(Journal.runs(Store.make(root)))
    expect(runs).toHaveLength(2)
    const computed = runs.flatMap((r) => r.events.flatMap((e) => e.event === "node" && e.status === "computed" ? [e.step] : []))
    expect(computed.sort()).toEqual(["toy/scale", "toy/source", "toy/sum"])
    const hits = runs.flatMap((r) => r.events.flatMap((e) => e.event === "node" && e.status === "hit" ? [e.step] : []))
    expect(hits.sort()).toEqual(["toy/scale", "toy/source", "toy/sum"])
  }, 120_000)
})

/** Embedding resumes shard by shard after SIGKILL and ends with the same artifact bytes. */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { tempDir } from "../helpers.ts"
import { tinyFolder } from "../steps/embed/fixtures.ts"
import { cole, pool } from "./cli.ts"

const digestOf = (stdout: string) => /(sha256:[0-9a-f]{64})/.exec(stdout)?.[1]

describe("embedding kill-and-resume", () => {
  it("re-runs after kills at four points give the bytes of an uninterrupted run", async () => {
    const model = tinyFolder({ seed: 4 })
    const args = (store: string) => ["embed", "--model", model, "--limit", "120", "--batch-size", "8", "--shard-batches", "2", "--store", store]
    const baseline = tempDir()
    const log = path.join(baseline, "faults.log")
    const clean = await cole(args(baseline), { COLE_FAULT_LOG: log })
    expect(clean.code, clean.stderr).toBe(0)
    const expected = digestOf(clean.stdout)
    expect(expected).toBeDefined()
    const points = readFileSync(log, "utf8").trim().split("\n")
    // 120 texts / 8 = 15 batches → 8 shards: a kill in the middle leaves some shards committed.
    const shardWrites = points.filter((p) => p.includes("rename") && !p.includes(".json")).length
    expect(shardWrites).toBeGreaterThanOrEqual(8)
    const kills = [0.3, 0.45, 0.6, 0.75].map((f) => Math.floor(points.length * f))
    const results = await pool(kills, 2, async (k) => {
      const store = tempDir()
      const killed = await cole(args(store), { COLE_FAULT_KILL_AT: String(k) })
      const rerun = await cole(args(store))
      const embedded = Number(/embedding (\d+) of 120 texts/.exec(rerun.stderr)?.[1] ?? 120)
      return { k, killed: killed.signal, code: rerun.code, stderr: rerun.stderr, digest: digestOf(rerun.stdout), embedded }
    })
    // Some re-runs really resumed: they embedded only what the killed run had not committed.
    expect(Math.min(...results.map((r) => r.embedded))).toBeLessThan(120)
    for (const r of results) {
      expect(r.killed, `kill at ${r.k}`).toBe("SIGKILL")
      expect(r.code, r.stderr).toBe(0)
      expect(r.digest, `after kill at ${r.k}`).toBe(expected)
    }
  }, 180_000)
})

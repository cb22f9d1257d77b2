/**
 * Crash safety: the demo pipeline (4 cached shards, then 3 steps, two of them concurrent) is SIGKILLed at
 * 20 different points spread over every durable write of a run. Each re-run must complete, recompute
 * nothing that was committed before the kill, and produce byte-identical outputs; the store must verify.
 */
import { readFileSync } from "node:fs"
import * as path from "node:path"
import { Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import * as Cache from "../../src/core/Cache.ts"
import * as Hash from "../../src/core/Hash.ts"
import * as Journal from "../../src/core/Journal.ts"
import * as Store from "../../src/core/Store.ts"
import { tempDir } from "../helpers.ts"
import { cole, pool } from "./cli.ts"

const KILLS = 20
const args = (store: string) => ["run", "test/fixtures/small-demo.ts", "--store", store, "--workers", "0"]

const committed = (root: string) =>
  Effect.runPromise(Effect.gen(function*() {
    const store = Store.make(root)
    const out = new Set<string>()
    for (const e of yield* store.entries) if (Option.isSome(yield* store.lookup(e.step, e.key))) out.add(`${e.step}/${e.key}`)
    return out
  }))

/** node → its output digests, from the finished run's journal and the manifests it names. */
const outputs = (root: string) =>
  Effect.runPromise(Effect.gen(function*() {
    const store = Store.make(root)
    const runs = yield* Journal.runs(store)
    // Run ids sort by start time: the last one is the re-run.
    const last = runs.sort((a, b) => a.runId.localeCompare(b.runId)).at(-1)!
    expect(last.events.at(-1)).toMatchObject({ event: "end", ok: true })
    const out: Record<string, unknown> = {}
    for (const e of last.events) {
      if (e.event !== "node" || e.step.endsWith(".shard")) continue
      out[e.node] = Option.getOrThrow(yield* store.lookup(e.step, e.key)).outputs
    }
    return { out, last }
  }))

describe("crash safety", () => {
  it("survives SIGKILL at 20 points: re-runs complete, recompute nothing finished, and give identical bytes", async () => {
    const baseline = tempDir()
    const log = path.join(baseline, "faults.log")
    const clean = await cole(args(baseline), { COLE_FAULT_LOG: log })
    expect(clean.code, clean.stderr).toBe(0)
    const points = readFileSync(log, "utf8").trim().split("\n").length
    expect(points).toBeGreaterThanOrEqual(KILLS)
    const expected = (await outputs(baseline)).out
    expect(Object.keys(expected).sort()).toEqual(["demo/generate", "demo/norms", "demo/standardize", "demo/summarize"])

    const killAt = Array.from({ length: KILLS }, (_, i) => 1 + Math.floor((i * (points - 1)) / (KILLS - 1)))
    expect(new Set(killAt).size).toBe(KILLS)

    const results = await pool(killAt, 2, async (k) => {
      const root = tempDir()
      const killed = await cole(args(root), { COLE_FAULT_KILL_AT: String(k) })
      const before = await committed(root)
      const rerun = await cole(args(root))
      const { out, last } = await outputs(root)
      const recomputed = last.events.flatMap((e) =>
        e.event === "node" && e.status === "computed" && before.has(`${e.step}/${e.key}`) ? [`${e.step}/${e.key}`] : []
      )
      const verify = await Effect.runPromise(Cache.verify(Store.make(root)))
      return { k, killed: killed.signal, rerun: rerun.code, rerunErr: rerun.stderr, recomputed, same: Hash.canonicalJson(out) === Hash.canonicalJson(expected), verify, committedBefore: before.size }
    })

    for (const r of results) {
      expect(r.killed, `kill at point ${r.k}`).toBe("SIGKILL")
      expect(r.rerun, `re-run after kill at ${r.k}: ${r.rerunErr}`).toBe(0)
      expect(r.recomputed, `kill at ${r.k}`).toEqual([])
      expect(r.same, `outputs after kill at ${r.k}`).toBe(true)
      expect([r.verify.corrupt.length, r.verify.broken.length, r.verify.unreadable.length], `verify after kill at ${r.k}`).toEqual([0, 0, 0])
    }
    // The kills landed at every stage: before anything was committed, midway, and after everything was.
    const committedCounts = results.map((r) => r.committedBefore)
    expect(Math.min(...committedCounts)).toBe(0)
    expect(Math.max(...committedCounts)).toBe(4 + 4) // 4 shards and 4 nodes
  }, 300_000)
})

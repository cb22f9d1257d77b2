/** A run read from its journal: the graph's statuses, units by node, progress rate and ETA, problems. */
import { describe, expect, it } from "vitest"
import type { RunEvent } from "../../schemas/Store.ts"
import * as Journal from "../../src/core/Journal.ts"
import { Effect } from "effect"
import * as Store from "../../src/core/Store.ts"
import * as CvView from "../../src/serve/CvView.ts"
import * as RunResults from "../../src/serve/RunResults.ts"
import * as RunView from "../../src/serve/RunView.ts"
import * as SearchView from "../../src/serve/SearchView.ts"

const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, s)).toISOString()
const node = (id: string, step: string, status: "hit" | "computed" | "failed", extra: Partial<RunEvent> = {}): RunEvent =>
  ({ event: "node", node: id, step, key: status === "failed" ? "" : `k-${id}`, status, ms: 10, ...extra }) as RunEvent

const events: Array<RunEvent> = [
  { event: "start", runId: "r", pipeline: "cv", pid: 1, host: "h", at: at(0) },
  { event: "declared", node: "architectures", step: "architectures", inputs: [] },
  { event: "declared", node: "encode", step: "encode", inputs: ["architectures"] },
  { event: "declared", node: "cv a", step: "cross-validate", inputs: ["encode"] },
  { event: "declared", node: "cv b", step: "cross-validate", inputs: ["cv a"] },
  node("architectures", "architectures", "hit"),
  node("encode", "encode", "computed"),
  node("cv a[0/0/14]", "cross-validate.trial", "computed"),
  node("cv a[0/1/14]", "cross-validate.trial", "hit"),
  { event: "progress", label: "cv a: trials", done: 3, total: 10, started: at(10), at: at(16) }
]

const record = (evs: ReadonlyArray<RunEvent>, live: boolean, text?: string): Journal.RunRecord => {
  const lines = text ?? evs.map((e) => JSON.stringify(e)).join("\n")
  const parsed = Journal.parse(lines)
  return { runId: "r", events: parsed, unreadable: lines.split("\n").filter((l) => l.trim() !== "").length - parsed.length, live, mtimeMs: 0 }
}

describe("RunView", () => {
  it("a live run: outcomes, running and waiting nodes, units by node, rate and ETA from the latest progress", () => {
    const run = RunView.detail(record(events, true))
    expect(run.state).toBe("running")
    expect(run.graph.map((n) => [n.id, n.status])).toEqual([["architectures", "hit"], ["encode", "computed"], ["cv a", "running"], ["cv b", "waiting"]])
    expect(run.graph[2]!.inputs).toEqual(["encode"])
    expect(run.graph[2]!.units).toEqual({ hit: 1, computed: 1, failed: 0 })
    // 3 done in 6 s: 0.5/s; 7 left: 14 s.
    expect(run.progress).toEqual([{ label: "cv a: trials", done: 3, total: 10, started: at(10), at: at(16), perSecond: 0.5, etaSeconds: 14 }])
    expect(run.nodes).toEqual({ hit: 1, computed: 1, failed: 0 })
    expect(run.units).toEqual({ hit: 1, computed: 1, failed: 0 })
    expect(run.results).toEqual({ cv: true, search: false })
  })

  it("a run that died: unfinished nodes are not run, a cut line is a problem, the state is interrupted", () => {
    const text = `${events.map((e) => JSON.stringify(e)).join("\n")}\n{"event":"node","node":"cv a","st`
    const run = RunView.detail(record(events, false, text))
    expect(run.state).toBe("interrupted")
    expect(run.graph.map((n) => n.status)).toEqual(["hit", "computed", "not run", "not run"])
    expect(run.problems).toEqual(["1 line of the journal could not be read (cut short by a crash, or damaged)"])
  })

  it("a failed node keeps its error; a journal without declarations lists the nodes it finished", () => {
    const failed = [events[0]!, node("architectures", "architectures", "computed"), node("encode", "encode", "failed", { error: "boom" }), { event: "end", ok: false, at: at(20) } as RunEvent]
    const run = RunView.detail(record(failed, false))
    expect(run.state).toBe("failed")
    expect(run.graph.map((n) => [n.id, n.status, n.error, n.key])).toEqual([["architectures", "computed", null, "k-architectures"], ["encode", "failed", "boom", null]])
    expect(run.ended).toBe(at(20))
    const empty = RunView.summary(record([], false, "garbage"))
    expect(empty.pipeline).toBe("(unknown)")
    expect(empty.problems).toEqual(["the journal has no start event", "1 line of the journal could not be read (cut short by a crash, or damaged)"])
  })

  it("a result node not published yet is pending; a failed one is a problem with its error; neither reads the store", async () => {
    const run = RunView.detail(record([...events, node("cv b", "cross-validate", "failed", { error: "boom" })], true))
    const store = Store.make("/nonexistent/store")
    const cv = await Effect.runPromise(RunResults.cv(store, RunResults.tableCache(), run.graph))
    expect(cv.map(CvView.configuration).map((c) => [c.name, c.pending, c.problem])).toEqual([["a", true, null], ["b", false, "failed: boom"]])
    const search = await Effect.runPromise(RunResults.search(store, RunResults.tableCache(), [{ ...run.graph[2]!, id: "search x", step: "search" }]))
    expect(SearchView.make("nb201", 10, 1, search.arms).arms.map((a) => [a.name, a.pending, a.problem])).toEqual([["x", true, null]])
  })
})

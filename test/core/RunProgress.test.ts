/** Progress written to the run journal: at start, at most once per interval while advancing, and at the end. */
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { RunEvent } from "../../schemas/Store.ts"
import type { Journal } from "../../src/core/Journal.ts"
import type { Progress } from "../../src/core/Progress.ts"
import * as RunProgress from "../../src/core/RunProgress.ts"

const quiet: Progress["Service"] = { track: () => ({ advance: () => undefined, done: () => undefined }), notice: () => undefined }

describe("RunProgress", () => {
  it("writes a tracker when it starts, throttled while it advances, and its last count when it ends", async () => {
    const written: Array<RunEvent> = []
    const journal: Journal = { runId: "r", append: (e) => Effect.sync(() => void written.push(e)) }
    const counts = () => written.flatMap((e) => (e.event === "progress" ? [e.done] : []))
    await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const progress = yield* RunProgress.journaled(quiet, journal, 1000)
      const tracker = progress.track("x: trials", 5)
      yield* Effect.sleep(150)
      expect(counts()).toEqual([0])
      tracker.advance()
      tracker.advance()
      yield* Effect.sleep(250)
      // Within the interval of the first write: not yet.
      expect(counts()).toEqual([0])
      yield* Effect.sleep(900)
      expect(counts()).toEqual([0, 2])
      tracker.advance(3)
      tracker.done()
      yield* Effect.sleep(150)
      expect(counts()).toEqual([0, 2, 5])
      const other = progress.track("y", 3)
      other.advance()
    })))
    // Closing the run writes what had not been written yet.
    expect(written.filter((e) => e.event === "progress" && e.label === "y").map((e) => (e as { done: number }).done).at(-1)).toBe(1)
    expect(written.every((e) => e.event !== "progress" || e.total === (e.label === "y" ? 3 : 5))).toBe(true)
  })
})

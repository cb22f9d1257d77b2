/**
 * Progress of a run's long steps, also written to its journal, so that whoever reads the store (`cole
 * serve`) sees units done of total while the run is alive. A tracker is written when it starts, at most
 * once per interval while it advances, and when it ends; the terminal output is unchanged.
 */
import { Effect, Schedule } from "effect"
import type { Journal } from "./Journal.ts"
import type { Progress } from "./Progress.ts"

interface Tracked {
  readonly label: string
  readonly total: number
  readonly started: string
  done: number
  finished: boolean
  /** `done` when last written (-1: never), and when. */
  written: number
  writtenAt: number
}

/** A Progress that passes everything to `inner` and records its trackers in `journal`; scoped, the writer stops with the run. */
export const journaled = (inner: Progress["Service"], journal: Journal, intervalMs = 1_000) =>
  Effect.gen(function*() {
    const trackers = new Set<Tracked>()
    const due = (t: Tracked, now: number, final: boolean) =>
      t.written === -1 || (t.done !== t.written && (final || t.finished || now - t.writtenAt >= intervalMs))
    // Trackers advance from plain callbacks (worker replies); this writes what is due, in order.
    const flush = (final: boolean) => Effect.suspend(() => {
      const now = Date.now()
      const writes = [...trackers].filter((t) => due(t, now, final))
      for (const t of trackers) if (t.finished && (t.done === t.written || writes.includes(t))) trackers.delete(t)
      return Effect.forEach(writes, (t) => {
        t.written = t.done
        t.writtenAt = now
        return journal.append({ event: "progress", label: t.label, done: t.done, total: t.total, started: t.started, at: new Date(now).toISOString() }).pipe(Effect.ignore)
      }, { discard: true })
    })
    yield* Effect.forkScoped(Effect.repeat(flush(false), Schedule.spaced(Math.min(100, intervalMs))))
    yield* Effect.addFinalizer(() => flush(true))
    const service: Progress["Service"] = {
      notice: inner.notice,
      track: (label, total) => {
        const tracker = inner.track(label, total)
        const t: Tracked = { label, total, started: new Date().toISOString(), done: 0, finished: false, written: -1, writtenAt: 0 }
        trackers.add(t)
        return {
          advance: (n = 1) => {
            t.done += n
            tracker.advance(n)
          },
          done: () => {
            t.finished = true
            tracker.done()
          }
        }
      }
    }
    return service
  })

/**
 * The run journal: one JSON line per event in `runs/<runId>.jsonl` (start, each node as declared, each
 * node's and unit's hit / computed / failed, progress of long steps, end), plus a `runs/<runId>.live`
 * marker touched while the run is alive. gc treats the entries of live and recent runs as roots; tests
 * read journals to check what a run recomputed; `cole serve` shows them.
 */
import { randomBytes } from "node:crypto"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import { Effect, Exit, Option, Schedule, Schema } from "effect"
import { RunEvent } from "../../schemas/Store.ts"
import * as Fault from "./Fault.ts"
import * as Files from "./Files.ts"
import * as Process from "./Process.ts"
import type { Store } from "./Store.ts"

const decodeEvent = Schema.decodeUnknownOption(Schema.fromJsonString(RunEvent))

export interface Journal {
  readonly runId: string
  readonly append: (event: RunEvent) => Effect.Effect<void, Files.StoreIOError>
}

// Sortable by start time to the millisecond: 20261128-221530-123-<random>.
const newRunId = () => {
  const iso = new Date().toISOString()
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}-${iso.slice(20, 23)}-${randomBytes(4).toString("hex")}`
}

/** Opens a journal for one run; closing the scope writes the end event and removes the live marker. */
export const open = (store: Store["Service"], pipeline: string, heartbeatMs = 1_000) =>
  Effect.gen(function*() {
    const runId = newRunId()
    const file = store.dir("runs", `${runId}.jsonl`)
    const live = store.dir("runs", `${runId}.live`)
    const append = (event: RunEvent) =>
      Files.io("journal", file, () => fs.appendFile(file, `${JSON.stringify(event)}\n`)).pipe(
        // Progress lines come on a timer: no crash point, so a test's count of points stays fixed.
        Effect.tap(() => event.event === "progress" ? Effect.void : Fault.at(`journal ${event.event}`))
      )
    yield* Files.io("journal", file, async () => {
      await fs.mkdir(store.dir("runs"), { recursive: true })
      await fs.writeFile(live, JSON.stringify({ pid: process.pid, host: os.hostname() }))
    })
    yield* append({ event: "start", runId, pipeline, pid: process.pid, host: os.hostname(), at: new Date().toISOString() })
    yield* Effect.forkScoped(
      Files.io("heartbeat", live, () => fs.utimes(live, new Date(), new Date())).pipe(
        Effect.ignore,
        Effect.repeat(Schedule.spaced(heartbeatMs))
      )
    )
    yield* Effect.addFinalizer((exit) =>
      append({ event: "end", ok: Exit.isSuccess(exit), at: new Date().toISOString() }).pipe(
        Effect.andThen(Files.removeIfExists(live)),
        Effect.ignore
      )
    )
    return { runId, append } satisfies Journal
  })

export interface RunRecord {
  readonly runId: string
  readonly events: ReadonlyArray<RunEvent>
  /** Lines that are not events: cut short by a crash, or damaged. */
  readonly unreadable: number
  /** The run's process is still alive (its marker exists and is fresh). */
  readonly live: boolean
  readonly mtimeMs: number
}

/** Parses journal text; a line cut short by a crash is skipped. */
export const parse = (text: string): Array<RunEvent> =>
  text.split("\n").flatMap((line) => Option.toArray(decodeEvent(line)))

const unreadableLines = (text: string, events: number) => text.split("\n").filter((line) => line.trim() !== "").length - events

/** The ids of the store's runs, oldest first (ids sort by start time). */
export const ids = (store: Store["Service"]) =>
  Effect.map(Files.listFiles(store.dir("runs")), (files) =>
    files.filter((f) => f.endsWith(".jsonl")).map((f) => f.slice(0, -".jsonl".length)).sort())

/** Whether a run's process is alive: as for leases, the pid decides on this host, the heartbeat on another. */
export const isLive = (store: Store["Service"], runId: string, staleMs = 15_000) =>
  Files.io("journal", runId, async () => {
    const markerFile = store.dir("runs", `${runId}.live`)
    const marker = await fs.stat(markerFile).catch(() => undefined)
    if (marker === undefined) return false
    const owner = await fs.readFile(markerFile, "utf8").then((t) => JSON.parse(t), () => undefined)
    return owner?.host === os.hostname() ? Process.alive(owner.pid) : Date.now() - marker.mtimeMs < staleMs
  })

/** One run's journal and liveness. */
export const read = (store: Store["Service"], runId: string, staleMs = 15_000) =>
  Effect.gen(function*() {
    const file = store.dir("runs", `${runId}.jsonl`)
    const { text, mtimeMs } = yield* Files.io("journal", file, async () => {
      const [text, stat] = await Promise.all([fs.readFile(file, "utf8"), fs.stat(file)])
      return { text, mtimeMs: stat.mtimeMs }
    })
    const events = parse(text)
    return {
      runId,
      events,
      unreadable: unreadableLines(text, events.length),
      live: yield* isLive(store, runId, staleMs),
      mtimeMs
    } satisfies RunRecord
  })

/** All runs in the store, oldest first. */
export const runs = (store: Store["Service"], staleMs = 15_000) =>
  Effect.flatMap(ids(store), (list) => Effect.forEach(list, (runId) => read(store, runId, staleMs)))

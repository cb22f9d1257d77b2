/**
 * The run journal: one JSON line per event in `runs/<runId>.jsonl` (start, each node's hit / computed /
 * failed, end), plus a `runs/<runId>.live` marker touched while the run is alive. gc treats the entries
 * of live and recent runs as roots; tests read journals to check what a run recomputed.
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
        Effect.tap(() => Fault.at(`journal ${event.event}`))
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
  /** The run's process is still alive (its marker exists and is fresh). */
  readonly live: boolean
  readonly mtimeMs: number
}

/** Parses journal text; a line cut short by a crash is skipped. */
export const parse = (text: string): Array<RunEvent> =>
  text.split("\n").flatMap((line) => Option.toArray(decodeEvent(line)))

/** All runs in the store, oldest first. */
export const runs = (store: Store["Service"], staleMs = 15_000) =>
  Effect.gen(function*() {
    const files = (yield* Files.listFiles(store.dir("runs"))).filter((f) => f.endsWith(".jsonl"))
    return yield* Effect.forEach(files, (name) => {
      const runId = name.slice(0, -".jsonl".length)
      return Files.io("journal", name, async (): Promise<RunRecord> => {
        const file = store.dir("runs", name)
        const [text, stat] = await Promise.all([fs.readFile(file, "utf8"), fs.stat(file)])
        const markerFile = store.dir("runs", `${runId}.live`)
        const marker = await fs.stat(markerFile).catch(() => undefined)
        const owner = marker && await fs.readFile(markerFile, "utf8").then((t) => JSON.parse(t), () => undefined)
        // As for leases: the pid decides on this host, the heartbeat on another.
        const live = marker !== undefined &&
          (owner?.host === os.hostname() ? Process.alive(owner.pid) : Date.now() - marker.mtimeMs < staleMs)
        return {
          runId,
          events: parse(text),
          live,
          mtimeMs: stat.mtimeMs
        }
      })
    })
  })


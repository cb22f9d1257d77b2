/**
 * Per-key leases: the writer of a cache key holds `leases/<step>/<key>.lease` (created exclusively) and
 * touches it every heartbeat. Others wait for the manifest to appear or the lease to go. A lease whose
 * holder died (its pid is gone, on this host; its heartbeat is older than `staleMs`, on another) is
 * taken over.
 * There is no global lock: unrelated keys never wait on each other.
 */
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Option, Schedule, Schema } from "effect"
import { Lease } from "../../schemas/Store.ts"
import * as Fault from "./Fault.ts"
import * as Files from "./Files.ts"
import * as Process from "./Process.ts"
import type { Store } from "./Store.ts"

export interface Options {
  readonly heartbeatMs: number
  readonly staleMs: number
  readonly pollMs: number
}

export const defaults: Options = { heartbeatMs: 1_000, staleMs: 15_000, pollMs: 25 }

const decodeLease = Schema.decodeUnknownOption(Schema.fromJsonString(Lease))

/** Owners of the leases this process holds now. */
const heldHere = new Set<string>()

// On this host the holder's pid tells for sure; a holder on another host is judged by its heartbeat.
// Heavy step work runs on the Executor's workers now (the main thread's longest stall while embedding
// and reducing all of NB201 is ~0.3 s, bench/main-thread.ts), so heartbeats keep time; the pid check
// stays because it is exact both ways: a crashed holder's lease is taken over at once instead of after
// `staleMs`, and a live holder paused past `staleMs` (swap, a debugger, a slow disk) is never robbed.
// A lease naming this very pid but not held here was left by a killed process whose pid this one reuses.
const isStale = (lease: Lease, mtimeMs: number, options: Options) =>
  lease.host !== os.hostname()
    ? Date.now() - mtimeMs > options.staleMs
    : lease.pid === process.pid
    ? !heldHere.has(lease.owner)
    : !Process.alive(lease.pid)

/**
 * Runs `compute` while holding the lease of (step, key), unless `hit` finds the result first — before
 * taking the lease, while waiting for another holder, and once more right after taking it.
 */
export const withLease = <A, E, R>(
  store: Store["Service"],
  step: string,
  key: string,
  runId: string,
  work: { readonly hit: Effect.Effect<Option.Option<A>, E>; readonly compute: Effect.Effect<A, E, R> },
  options: Options = defaults
): Effect.Effect<A, E | Files.StoreIOError, R> => {
  const file = store.dir("leases", step, `${key}.lease`)
  const owner = randomUUID()
  const body = JSON.stringify({ owner, pid: process.pid, host: os.hostname(), runId, acquiredAt: new Date().toISOString() })

  const tryCreate = Files.io("lease", file, async () => {
    // Written aside and hard-linked into place: link fails if the lease exists, and a lease is never
    // seen half-written.
    await fs.mkdir(path.dirname(file), { recursive: true })
    const aside = path.join(store.tmp, `${owner}.lease`)
    await fs.writeFile(aside, body)
    try {
      await fs.link(aside, file)
      return true
    } catch (cause) {
      if (Files.errorCode(cause) === "EEXIST") return false
      throw cause
    } finally {
      await fs.rm(aside, { force: true })
    }
  })

  const current = Files.io("lease", file, async () => {
    try {
      const [text, stat] = await Promise.all([fs.readFile(file, "utf8"), fs.stat(file)])
      return { lease: decodeLease(text), mtimeMs: stat.mtimeMs }
    } catch (cause) {
      if (Files.errorCode(cause) === "ENOENT") return undefined
      throw cause
    }
  })

  // Move the stale file aside, then check it was the one judged stale; if a fresh lease slipped in
  // between, put it back. Losing that race costs at worst one duplicate computation of equal bytes.
  const takeOver = (staleOwner: string | undefined) =>
    Files.io("lease takeover", file, async () => {
      const aside = path.join(store.tmp, `${randomUUID()}.lease`)
      try {
        await fs.rename(file, aside)
      } catch (cause) {
        if (Files.errorCode(cause) === "ENOENT") return
        throw cause
      }
      const moved = decodeLease(await fs.readFile(aside, "utf8"))
      const movedOwner = Option.isSome(moved) ? moved.value.owner : undefined
      if (movedOwner !== staleOwner) await fs.link(aside, file).catch(() => undefined)
      await fs.rm(aside, { force: true })
    })

  const release = Files.io("lease release", file, async () => {
    const text = await fs.readFile(file, "utf8").catch(() => undefined)
    if (text === body) await fs.rm(file, { force: true })
  }).pipe(Effect.ignore, Effect.tap(() => Fault.at("lease released")))

  const heartbeat = Files.io("heartbeat", file, () => {
    const now = new Date()
    return fs.utimes(file, now, now)
  }).pipe(Effect.ignore, Effect.repeat(Schedule.spaced(options.heartbeatMs)))

  const holding = Effect.scoped(
    Effect.gen(function*() {
      Fault.point("lease acquired")
      heldHere.add(owner)
      yield* Effect.addFinalizer(() => Effect.andThen(release, Effect.sync(() => heldHere.delete(owner))))
      yield* Effect.forkScoped(heartbeat)
      const found = yield* work.hit
      if (Option.isSome(found)) return found.value
      return yield* work.compute
    })
  )

  return Effect.gen(function*() {
    while (true) {
      const found = yield* work.hit
      if (Option.isSome(found)) return found.value
      if (yield* tryCreate) return yield* holding
      const seen = yield* current
      if (seen === undefined) continue
      const lease = Option.getOrUndefined(seen.lease)
      // An unreadable lease is one whose holder died while writing it: judge it by age alone.
      if (lease === undefined ? Date.now() - seen.mtimeMs > options.staleMs : isStale(lease, seen.mtimeMs, options)) {
        yield* takeOver(lease?.owner)
        continue
      }
      yield* Effect.sleep(options.pollMs)
    }
  })
}

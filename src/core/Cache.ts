/**
 * Store maintenance: `verify` re-hashes every blob and checks every manifest; `gc` deletes what no root
 * needs. Roots are named refs, the entries of live runs and of the most recent runs, and anything
 * touched within the grace period; the inputs' producers of a kept entry are kept too.
 */
import { createReadStream } from "node:fs"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Effect, Option } from "effect"
import type { EntryId, Manifest } from "../../schemas/Store.ts"
import * as Files from "./Files.ts"
import * as Hash from "./Hash.ts"
import * as Journal from "./Journal.ts"
import type { Store } from "./Store.ts"

const hashFile = (file: string) =>
  Files.io("hash", file, () =>
    new Promise<Hash.Digest>((resolve, reject) => {
      const h = Hash.hasher()
      createReadStream(file, { highWaterMark: 1 << 22 })
        .on("data", (chunk) => h.update(chunk as Buffer))
        .on("error", reject)
        .on("end", () => resolve(h.digest()))
    }))

export interface VerifyReport {
  readonly blobs: number
  readonly entries: number
  /** Blobs whose bytes did not match their name; each was moved to quarantine/. */
  readonly corrupt: ReadonlyArray<{ readonly digest: string; readonly quarantinedTo: string }>
  /** Manifests that do not parse; each was moved to quarantine/, so its unit or node recomputes. */
  readonly unreadable: ReadonlyArray<{ readonly file: string; readonly quarantinedTo: string }>
  /** Entries naming a blob that is missing or has the wrong size (they are misses and will recompute). */
  readonly broken: ReadonlyArray<{ readonly step: string; readonly key: string; readonly digest: string }>
}

/**
 * Re-hashes every blob and checks every manifest against the blobs. What cannot be trusted — a blob whose
 * bytes do not match its name, a manifest that does not parse — is quarantined, so the next run
 * recomputes it and the next verify finds the store clean.
 */
export const verify = (store: Store["Service"]) =>
  Effect.gen(function*() {
    const blobs = yield* store.blobs
    const corrupt: Array<{ digest: string; quarantinedTo: string }> = []
    yield* Effect.forEach(blobs, (blob) =>
      Effect.gen(function*() {
        if ((yield* hashFile(blob.file)) !== blob.digest) {
          corrupt.push({ digest: blob.digest, quarantinedTo: yield* store.quarantineFile(blob.file) })
        }
      }), { concurrency: 2, discard: true })
    const entries = yield* store.entries
    const unreadable: Array<{ file: string; quarantinedTo: string }> = []
    const broken: Array<{ step: string; key: string; digest: string }> = []
    for (const entry of entries) {
      if (Option.isNone(entry.manifest)) {
        unreadable.push({ file: entry.file, quarantinedTo: yield* store.quarantineFile(entry.file) })
        continue
      }
      for (const output of Object.values(entry.manifest.value.outputs)) {
        const size = yield* Files.sizeIfExists(store.blobPath(output.digest as Hash.Digest))
        if (size !== output.size) broken.push({ step: entry.step, key: entry.key, digest: output.digest })
      }
    }
    return { blobs: blobs.length, entries: entries.length, corrupt, unreadable, broken } satisfies VerifyReport
  })

export interface GcOptions {
  readonly dryRun: boolean
  /** Nothing modified more recently than this is deleted (protects writers that have not committed). */
  readonly graceMs: number
  /** The entries of this many most recent runs are roots. */
  readonly keepRuns: number
}

export const gcDefaults: GcOptions = { dryRun: false, graceMs: 60 * 60 * 1000, keepRuns: 10 }

export interface Deletion {
  readonly kind: "entry" | "blob" | "run" | "tmp" | "quarantine"
  readonly path: string
  readonly size: number
}

export interface GcReport {
  readonly dryRun: boolean
  readonly kept: { readonly entries: number; readonly blobs: number }
  readonly deleted: ReadonlyArray<Deletion>
  readonly bytes: number
}

const id = (e: EntryId) => `${e.step}\u0000${e.key}`

const statOf = (file: string) =>
  Files.io("stat", file, () => fs.stat(file).then((s) => ({ size: s.size, mtimeMs: s.mtimeMs }), () => undefined))

export const gc = (store: Store["Service"], options: GcOptions = gcDefaults) =>
  Effect.gen(function*() {
    const now = Date.now()
    const young = (mtimeMs: number) => now - mtimeMs < options.graceMs
    const runs = yield* Journal.runs(store)
    const recent = [...runs].sort((a, b) => b.mtimeMs - a.mtimeMs).slice(0, options.keepRuns)
    const rootRuns = new Set([...recent, ...runs.filter((r) => r.live)].map((r) => r.runId))
    const roots: Array<EntryId> = []
    for (const ref of yield* store.refs) roots.push(...ref.entries)
    for (const run of runs) {
      if (!rootRuns.has(run.runId)) continue
      for (const e of run.events) if (e.event === "node" && e.status !== "failed") roots.push({ step: e.step, key: e.key })
    }

    const entries = yield* store.entries
    const manifests = new Map<string, Manifest>()
    const stats = new Map<string, { size: number; mtimeMs: number } | undefined>()
    for (const entry of entries) {
      stats.set(entry.file, yield* statOf(entry.file))
      if (Option.isSome(entry.manifest)) manifests.set(id(entry), entry.manifest.value)
      if (young(stats.get(entry.file)?.mtimeMs ?? 0)) roots.push({ step: entry.step, key: entry.key })
    }

    // Mark: roots and, transitively, the producers of their inputs.
    const kept = new Set<string>()
    const stack = [...roots]
    while (stack.length > 0) {
      const e = stack.pop()!
      if (kept.has(id(e))) continue
      kept.add(id(e))
      for (const input of Object.values(manifests.get(id(e))?.inputs ?? {})) if (input.producer) stack.push(input.producer)
    }

    const deleted: Array<Deletion> = []
    const keptBlobs = new Set<string>()
    for (const entry of entries) {
      if (kept.has(id(entry))) {
        for (const o of Object.values(manifests.get(id(entry))?.outputs ?? {})) keptBlobs.add(o.digest)
      } else {
        deleted.push({ kind: "entry", path: entry.file, size: stats.get(entry.file)?.size ?? 0 })
      }
    }
    for (const blob of yield* store.blobs) {
      if (!keptBlobs.has(blob.digest) && !young(blob.mtimeMs)) deleted.push({ kind: "blob", path: blob.file, size: blob.size })
    }
    for (const run of runs) {
      if (rootRuns.has(run.runId) || young(run.mtimeMs)) continue
      for (const suffix of [".jsonl", ".live"]) {
        const file = store.dir("runs", `${run.runId}${suffix}`)
        const s = yield* statOf(file)
        if (s) deleted.push({ kind: "run", path: file, size: s.size })
      }
    }
    for (const [kind, dir] of [["tmp", store.tmp], ["quarantine", store.dir("quarantine")]] as const) {
      for (const rel of yield* Files.listFiles(dir)) {
        const file = path.join(dir, rel)
        const s = yield* statOf(file)
        if (s && !young(s.mtimeMs)) deleted.push({ kind, path: file, size: s.size })
      }
    }

    if (!options.dryRun) {
      // Entries go before their blobs, so no surviving manifest ever names a deleted blob.
      for (const kind of ["entry", "run", "blob", "tmp", "quarantine"] as const) {
        yield* Effect.forEach(deleted.filter((d) => d.kind === kind), (d) => Files.removeIfExists(d.path), { discard: true })
      }
    }
    return {
      dryRun: options.dryRun,
      kept: { entries: entries.length - deleted.filter((d) => d.kind === "entry").length, blobs: keptBlobs.size },
      deleted,
      bytes: deleted.reduce((sum, d) => sum + d.size, 0)
    } satisfies GcReport
  })

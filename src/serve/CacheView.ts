/**
 * The cache as `cole serve` shows it: what the store holds by step, what `cole cache gc` would free now
 * (found by a dry run: nothing is deleted), and the results that can never be hits again, with why.
 */
import { Effect, Option, Schema } from "effect"
import * as Cache from "../core/Cache.ts"
import type { Store } from "../core/Store.ts"
import { staleAmong } from "../report/Status.ts"

export const StepRow = Schema.Struct({ step: Schema.String, results: Schema.Int, bytes: Schema.Number })

export const CacheView = Schema.Struct({
  root: Schema.String,
  results: Schema.Int,
  blobs: Schema.Int,
  bytes: Schema.Number,
  /** Per step: its results and the bytes of the blobs they name (a blob two steps share counts for both). */
  steps: Schema.Array(StepRow),
  gc: Schema.Struct({ results: Schema.Int, blobs: Schema.Int, runs: Schema.Int, bytes: Schema.Number }),
  stale: Schema.Array(Schema.Struct({ step: Schema.String, why: Schema.String, results: Schema.Int, bytes: Schema.Number }))
})
export type CacheView = typeof CacheView.Type

export const read = (store: Store["Service"]) =>
  Effect.gen(function*() {
    const [entries, blobs] = [yield* store.entries, yield* store.blobs]
    const sizes = new Map(blobs.map((b) => [b.digest as string, b.size]))
    const steps = new Map<string, { step: string; results: number; bytes: number }>()
    for (const e of entries) {
      const row = steps.get(e.step) ?? { step: e.step, results: 0, bytes: 0 }
      row.results++
      for (const o of Option.match(e.manifest, { onNone: () => [], onSome: (m) => Object.values(m.outputs) })) row.bytes += sizes.get(o.digest) ?? 0
      steps.set(e.step, row)
    }
    const gc = yield* Cache.gc(store, { ...Cache.gcDefaults, dryRun: true })
    // A run is its journal and, while alive, its marker: count journals.
    const deleted = (kind: Cache.Deletion["kind"]) => gc.deleted.filter((d) => d.kind === kind && (kind !== "run" || d.path.endsWith(".jsonl"))).length
    return {
      root: store.root,
      results: entries.length,
      blobs: blobs.length,
      bytes: blobs.reduce((n, b) => n + b.size, 0),
      steps: [...steps.values()].sort((a, b) => b.bytes - a.bytes),
      gc: { results: deleted("entry"), blobs: deleted("blob"), runs: deleted("run"), bytes: gc.bytes },
      stale: staleAmong(entries, blobs)
    } satisfies CacheView
  })

/**
 * Sharded work inside a step: the step splits its work into units, and each unit is its own cache entry
 * (`<step>.shard`), computed on the Executor with bounded concurrency. A killed step therefore resumes
 * shard by shard, and a unit whose content was seen before — in any earlier run — is a hit.
 */
import { Effect } from "effect"
import * as Artifact from "./Artifact.ts"
import * as Entry from "./Entry.ts"
import { Executor, type Task } from "./Executor.ts"
import * as Hash from "./Hash.ts"
import { tracked } from "./Progress.ts"
import * as Step from "./Step.ts"

export interface Spec<C extends Artifact.Columns, I> {
  /** The table every shard produces. */
  readonly table: Artifact.Table<C>
  /** One input per shard, passed to the task (structured-cloneable). */
  readonly units: ReadonlyArray<I>
  /** What identifies a unit's content in its key; defaults to the unit itself (it must then be JSON). */
  readonly keyOf?: (unit: I) => unknown
  /** The function that computes one shard's columns, run on the Executor. */
  readonly task: Task
  readonly label: string
}

/** Computes (or reuses) every shard and returns their frames in unit order. */
export const map = <C extends Artifact.Columns, I>(context: Step.RunContext, spec: Spec<C, I>) =>
  Effect.gen(function*() {
    const executor = yield* Executor
    const step = `${context.preimage.step}.shard`
    const parent = context.preimage
    return yield* tracked(`${context.node}: ${spec.label}`, spec.units.length, (tracker) =>
      Effect.forEach(spec.units, (unit, index) =>
        Effect.gen(function*() {
          const started = Date.now()
          const unitDigest = Hash.digestJson((spec.keyOf ?? ((u: I) => u))(unit))
          // The task sees only its unit, so the unit (with the code version and environment) is the
          // whole of what decides a shard: the step's params stay out, and shards outlive param changes.
          const preimage = { ...parent, step, params: {}, inputs: { unit: unitDigest } }
          const key = Step.key(preimage)
          const resolve = (force: boolean) =>
            Entry.resolve(context.entries, {
              preimage,
              key,
              force,
              outputs: { shard: spec.table },
              inputs: { unit: { digest: unitDigest, producer: null } },
              produce: executor.run<I, Artifact.ColumnData<C>>(spec.task, unit).pipe(Effect.map((shard) => ({ shard })))
            })
          const result = yield* resolve(false)
          yield* context.record({
            node: `${context.node}[${index}]`,
            step,
            key,
            status: result.frames === undefined ? "hit" : "computed",
            ms: Date.now() - started
          })
          tracker.advance()
          if (result.frames !== undefined) return result.frames.shard as Artifact.Frame<C>
          // A shard whose blob turns out corrupt or missing is recomputed on the spot.
          const bytes = yield* context.entries.store.readBlob(result.outputs!.shard!.digest as Hash.Digest).pipe(
            Effect.map((b) => Artifact.decode(spec.table, b)),
            Effect.catchTags({
              CorruptBlob: () => Effect.map(resolve(true), (r) => r.frames!.shard as Artifact.Frame<C>),
              MissingBlob: () => Effect.map(resolve(true), (r) => r.frames!.shard as Artifact.Frame<C>)
            })
          )
          return bytes
        }), { concurrency: executor.concurrency })
    )
  })

/** Concatenates frames of one table (shards) into one frame. */
export const concat = <C extends Artifact.Columns>(table: Artifact.Table<C>, frames: ReadonlyArray<Artifact.Frame<C>>) => {
  const columns: Record<string, unknown> = {}
  const empty = Artifact.empty(table).columns as Record<string, unknown>
  for (const name of Object.keys(table.columns)) {
    const parts = frames.map((f) => (f.columns as any)[name])
    if (ArrayBuffer.isView(empty[name])) {
      const Ctor = (empty[name] as any).constructor
      const out = new Ctor(parts.reduce((n, p) => n + p.length, 0))
      let at = 0
      for (const p of parts) {
        out.set(p, at)
        at += p.length
      }
      columns[name] = out
    } else {
      columns[name] = parts.flat()
    }
  }
  return Artifact.make(table, columns as Artifact.ColumnData<C>)
}

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
import { notice, tracked } from "./Progress.ts"
import * as Step from "./Step.ts"
import type { CorruptBlob, MissingBlob } from "./Store.ts"

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

export interface UnitSpec<C extends Artifact.Columns, E> {
  /** The entry folder of the units, e.g. `embed.shard`. */
  readonly step: string
  /** How the unit appears in the run journal. */
  readonly label: string
  /** The part of the step's params that decides the unit's result. */
  readonly params: Step.Json
  /** Content digests that decide it (its own data, and any parent input it reads). */
  readonly inputs: Readonly<Record<string, Hash.Digest>>
  readonly table: Artifact.Table<C>
  readonly produce: Effect.Effect<Artifact.Frame<C> | Artifact.ColumnData<C>, E>
}

/**
 * One cached unit of work inside a running step (a shard, a trial): keyed by the step's identity and
 * environment plus the unit's own params and inputs, journaled, and repaired on the spot when its blob
 * turns out corrupt or missing.
 */
export const unit = <C extends Artifact.Columns, E>(context: Step.RunContext, spec: UnitSpec<C, E>) =>
  Effect.gen(function*() {
    const started = Date.now()
    const preimage = { ...context.preimage, step: spec.step, params: spec.params, inputs: spec.inputs }
    const key = Step.key(preimage)
    const resolve = (force: boolean) =>
      Entry.resolve(context.entries, {
        preimage,
        key,
        force,
        outputs: { unit: spec.table },
        inputs: Object.fromEntries(Object.entries(spec.inputs).map(([name, digest]) => [name, { digest, producer: null }])),
        produce: Effect.map(spec.produce, (unit) => ({ unit }))
      })
    const result = yield* resolve(context.recompute(key))
    const computed = result.frames !== undefined
    yield* context.record({ node: spec.label, step: spec.step, key, status: computed ? "computed" : "hit", ms: Date.now() - started })
    if (computed) return { frame: result.frames!.unit as Artifact.Frame<C>, computed }
    const repaired = (error: CorruptBlob | MissingBlob) =>
      notice(`cole: ${error.message}; recomputing ${spec.label}`).pipe(
        Effect.andThen(resolve(true)),
        Effect.map((r) => r.frames!.unit as Artifact.Frame<C>)
      )
    const frame = yield* context.entries.store.readBlob(result.outputs!.unit!.digest as Hash.Digest).pipe(
      Effect.flatMap((bytes) => Artifact.decodeEffect(spec.table, bytes)),
      Effect.catchTags({ CorruptBlob: repaired, MissingBlob: repaired })
    )
    return { frame, computed }
  })

/** Computes (or reuses) every shard and returns their frames in unit order. */
export const map = <C extends Artifact.Columns, I>(context: Step.RunContext, spec: Spec<C, I>) =>
  Effect.gen(function*() {
    const executor = yield* Executor
    return yield* tracked(`${context.node}: ${spec.label}`, spec.units.length, (tracker) =>
      Effect.forEach(spec.units, (input, index) =>
        unit(context, {
          step: `${context.preimage.step}.shard`,
          label: `${context.node}[${index}]`,
          // The task sees only its unit, so the unit (with the code version and environment) is the
          // whole of what decides a shard: the step's params stay out, and shards outlive param changes.
          params: {},
          inputs: { unit: Hash.digestJson((spec.keyOf ?? ((u: I) => u))(input)) },
          table: spec.table,
          produce: executor.run<I, Artifact.ColumnData<C>>(spec.task, input)
        }).pipe(Effect.map(({ frame }) => frame), Effect.tap(() => Effect.sync(() => tracker.advance()))), { concurrency: executor.concurrency })
    )
  })

/** Concatenates frames of one table (shards) into one frame. */
export const concat = <C extends Artifact.Columns>(table: Artifact.Table<C>, frames: ReadonlyArray<Artifact.Frame<C>>) => {
  if (frames.length === 0) return Artifact.empty(table)
  const columns: Record<string, unknown> = {}
  const data = frames.map((f) => new Map<string, unknown>(Object.entries(f.columns)))
  for (const name of Object.keys(table.columns)) {
    const parts = data.map((d) => d.get(name))
    columns[name] = concatColumn(parts)
  }
  // make() checks every concatenated column against the table.
  return Artifact.make(table, columns as Artifact.ColumnData<C>)
}

/** One column's parts joined: typed arrays into one array of their type, arrays flattened. */
const concatColumn = (parts: ReadonlyArray<unknown>): unknown => {
  const total = parts.reduce<number>((n, p) => n + (ArrayBuffer.isView(p) || Array.isArray(p) ? (p as ArrayLike<unknown>).length : 0), 0)
  if (parts.every((p) => p instanceof Float32Array)) return Artifact.concatPrimitive(new Float32Array(total), parts)
  if (parts.every((p) => p instanceof Float64Array)) return Artifact.concatPrimitive(new Float64Array(total), parts)
  if (parts.every((p) => p instanceof Int32Array)) return Artifact.concatPrimitive(new Int32Array(total), parts)
  return parts.flatMap((p) => (Array.isArray(p) ? p : []))
}

/** What a unit may fail with besides its own work's errors: the store's. */
export type UnitError = Effect.Error<ReturnType<typeof unit<Artifact.Columns, never>>>

/**
 * One cache entry's life: a verified hit, or — under the key's lease — compute, store the output blobs,
 * and commit the manifest. Pipeline nodes and the shards inside a step both resolve through here.
 */
import { Data, Effect, Option } from "effect"
import type { EntryId, InputRecord, KeyPreimage, Manifest, OutputRecord } from "../../schemas/Store.ts"
import * as Artifact from "./Artifact.ts"
import * as Lease from "./Lease.ts"
import type * as Step from "./Step.ts"
import type { Store } from "./Store.ts"

export interface Resolved {
  /** The entry holding the outputs; undefined in explain mode when the node would run. */
  readonly entry: EntryId | undefined
  readonly outputs: Readonly<Record<string, OutputRecord>> | undefined
  /** Frames already in memory: present exactly when this call computed them. */
  readonly frames: Readonly<Record<string, Artifact.Frame>> | undefined
}

export interface Context {
  readonly store: Store["Service"]
  readonly runId: string
  readonly lease: Lease.Options
}

export class OutputMissing extends Data.TaggedError("OutputMissing")<{ readonly step: string; readonly output: string }> {
  override get message() {
    return `step ${this.step} did not produce its output "${this.output}"`
  }
}

const isFrame = (value: object): value is Artifact.Frame => "table" in value && "columns" in value && "length" in value

/** Checks a step's output against its table (a frame is re-checked: steps may build frames by hand). */
export const toFrame = (table: Artifact.Table<any>, value: Artifact.Frame | Artifact.ColumnData<any>): Artifact.Frame =>
  Artifact.make(table, isFrame(value) ? value.columns : value)

export const hit = (store: Store["Service"], step: string, key: string) =>
  store.lookup(step, key).pipe(
    Effect.map(Option.map((m): Resolved => ({ entry: { step, key }, outputs: m.outputs, frames: undefined })))
  )

export interface Spec<E> {
  readonly preimage: KeyPreimage
  readonly key: string
  readonly inputs: Readonly<Record<string, InputRecord>>
  readonly outputs: Step.Tables
  /** Recompute even if a result exists (`--force`, or repairing a corrupt blob). */
  readonly force: boolean
  readonly produce: Effect.Effect<Readonly<Record<string, Artifact.Frame | Artifact.ColumnData<any>>>, E>
}

export const resolve = <E>(ctx: Context, spec: Spec<E>) => {
  const step = spec.preimage.step
  const compute = Effect.gen(function*() {
    const started = Date.now()
    const produced = yield* spec.produce
    const outputs: Record<string, OutputRecord> = {}
    const frames: Record<string, Artifact.Frame> = {}
    for (const [name, table] of Object.entries(spec.outputs)) {
      const value = produced[name]
      if (value === undefined) return yield* new OutputMissing({ step, output: name })
      const frame = yield* Effect.try({ try: () => toFrame(table, value), catch: (e) => e as Artifact.ArtifactMismatch })
      const chunks = yield* Effect.promise(() => Artifact.encodeChunks(frame))
      outputs[name] = { ...(yield* ctx.store.putBlob(chunks)), table: table.name }
      frames[name] = frame
    }
    const manifest: Manifest = {
      step,
      key: spec.key,
      preimage: spec.preimage,
      outputs,
      inputs: spec.inputs,
      createdAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      runId: ctx.runId
    }
    yield* ctx.store.commit(manifest)
    return { entry: { step, key: spec.key }, outputs, frames } satisfies Resolved
  })
  const found = spec.force ? Effect.succeed(Option.none<Resolved>()) : hit(ctx.store, step, spec.key)
  return Lease.withLease(ctx.store, step, spec.key, ctx.runId, { hit: found, compute }, ctx.lease)
}

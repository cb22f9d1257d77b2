/**
 * Data contracts of the store: manifests (the commit record of one cached step result), run journal
 * events, leases and named refs. All are small JSON files next to the content-addressed blobs.
 */
import { Schema } from "effect"

export const Digest = Schema.String.check(Schema.isPattern(/^sha256:[0-9a-f]{64}$/))

/** Where an input came from: the entry that produced it, or null for data given from outside. */
export const EntryId = Schema.Struct({ step: Schema.String, key: Schema.String })
export type EntryId = typeof EntryId.Type

export const OutputRecord = Schema.Struct({ digest: Digest, size: Schema.Int, table: Schema.String })
export type OutputRecord = typeof OutputRecord.Type

export const InputRecord = Schema.Struct({ digest: Digest, producer: Schema.NullOr(EntryId) })
export type InputRecord = typeof InputRecord.Type

/** The full cache-key preimage, kept so that a miss can be explained field by field. */
export const KeyPreimage = Schema.Struct({
  keyFormat: Schema.Literal(1),
  step: Schema.String,
  implementation: Schema.String,
  version: Schema.Int,
  params: Schema.Json,
  inputs: Schema.Record(Schema.String, Digest),
  environment: Schema.Record(Schema.String, Schema.Json)
})
export type KeyPreimage = typeof KeyPreimage.Type

export const Manifest = Schema.Struct({
  step: Schema.String,
  key: Schema.String,
  preimage: KeyPreimage,
  outputs: Schema.Record(Schema.String, OutputRecord),
  inputs: Schema.Record(Schema.String, InputRecord),
  createdAt: Schema.String,
  durationMs: Schema.Finite,
  runId: Schema.String
})
export type Manifest = typeof Manifest.Type

export const Lease = Schema.Struct({
  owner: Schema.String,
  pid: Schema.Int,
  host: Schema.String,
  runId: Schema.String,
  acquiredAt: Schema.String
})
export type Lease = typeof Lease.Type

export const Ref = Schema.Struct({ name: Schema.String, entries: Schema.Array(EntryId), createdAt: Schema.String })
export type Ref = typeof Ref.Type

export const NodeStatus = Schema.Literals(["hit", "computed", "failed"])
export type NodeStatus = typeof NodeStatus.Type

/** Where a long step stands (units done of total), written when it starts, about once a second, and when it ends. */
export const ProgressFields = {
  label: Schema.String,
  done: Schema.Int,
  total: Schema.Int,
  started: Schema.String,
  at: Schema.String
}

export const RunEvent = Schema.Union([
  Schema.Struct({
    event: Schema.Literal("start"),
    runId: Schema.String,
    pipeline: Schema.String,
    pid: Schema.Int,
    host: Schema.String,
    at: Schema.String
  }),
  Schema.Struct({
    event: Schema.Literal("node"),
    node: Schema.String,
    step: Schema.String,
    key: Schema.String,
    status: NodeStatus,
    ms: Schema.Finite,
    error: Schema.optional(Schema.String)
  }),
  Schema.Struct({ event: Schema.Literal("end"), ok: Schema.Boolean, at: Schema.String }),
  /** A node as the program declared it, with the nodes its inputs come from: the run's graph. */
  Schema.Struct({ event: Schema.Literal("declared"), node: Schema.String, step: Schema.String, inputs: Schema.Array(Schema.String) }),
  Schema.Struct({ event: Schema.Literal("progress"), ...ProgressFields })
])
export type RunEvent = typeof RunEvent.Type

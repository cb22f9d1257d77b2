/**
 * A unit of work as a cluster message. The request names the task, the code it must run with (the
 * install's fingerprint) and its input (a store blob, by digest); its primary key is the digest of all
 * three, so sending the same unit twice — a coordinator restarted mid-run — stores one message and
 * gets the first one's reply. A reply is the task's outcome with its output as a store blob, by digest.
 *
 * Units go to one of two entity types: `cole-cpu` (any runner) and `cole-gpu` (only runners started
 * with the gpu pool). Each is its own shard group, so a gpu unit waits in PostgreSQL until a runner
 * that serves the group joins.
 */
import { Schema } from "effect"
import { ClusterSchema, Entity } from "effect/cluster"
import { Rpc } from "effect/rpc"
import { ClusterUnavailable, CodeMismatch, UnitAbandoned } from "../core/Executor.ts"
import type * as TaskOutcome from "../core/TaskOutcome.ts"

export const RequestFields = {
  /** The unit's content id: sha256 of the task, the code fingerprint, the input digest and the store. */
  unit: Schema.String,
  module: Schema.String,
  fn: Schema.String,
  /** The coordinator's code fingerprint (Code.ts): a runner with other code refuses the unit. */
  code: Schema.String,
  /** The digest of the input blob (Transfer.ts). */
  input: Schema.String,
  /** The store the input is in and the output goes to: the shared folder, at the same path everywhere. */
  store: Schema.String
}
export type Request = Schema.Struct<typeof RequestFields>["Type"]

const Stack = Schema.optional(Schema.String)

/** What performing the task came to (TaskOutcome.Outcome, with the output left in the store). */
export const Reply = Schema.Union([
  Schema.TaggedStruct("Succeeded", { output: Schema.String }),
  Schema.TaggedStruct("Failed", { encoded: Schema.optional(Schema.Json), message: Schema.String, stack: Stack }),
  Schema.TaggedStruct("Died", { message: Schema.String, stack: Stack })
])
export type Reply = typeof Reply.Type

/** A task's outcome as a reply, its output already in the store as `output`; absent fields left out. */
export const reply = (outcome: Exclude<TaskOutcome.Outcome, { readonly _tag: "Succeeded" }>): Reply => {
  const stack = outcome.stack === undefined ? {} : { stack: outcome.stack }
  if (outcome._tag === "Died") return { _tag: "Died", message: outcome.message, ...stack }
  const encoded = Schema.is(Schema.Json)(outcome.encoded) ? { encoded: outcome.encoded } : {}
  return { _tag: "Failed", message: outcome.message, ...encoded, ...stack }
}

export const Perform = Rpc.make("Perform", {
  payload: RequestFields,
  success: Reply,
  error: Schema.Union([CodeMismatch, UnitAbandoned, ClusterUnavailable]),
  primaryKey: ({ unit }) => unit
}).annotate(ClusterSchema.Persisted, true)

export const pools = ["cpu", "gpu"] as const
export type PoolName = typeof pools[number]

const entity = (pool: PoolName) =>
  Entity.make(`cole-${pool}`, [Perform]).annotate(ClusterSchema.ShardGroup, () => pool)

export const entities: Readonly<Record<PoolName, ReturnType<typeof entity>>> = { cpu: entity("cpu"), gpu: entity("gpu") }

/**
 * How a pipeline fails: `NodeFailed` keeps a failed node's original error (a step's declared error, the
 * store's, or `NodeDied` for a defect) and `PipelineFailed` lists them, each origin node once, typed by
 * the steps of the pipeline. `originalErrors` hands the nodes' own errors to `catchTag`.
 */
import { Cause, Data, Effect, Result, Schema } from "effect"
import type * as Artifact from "./Artifact.ts"
import type * as Entry from "./Entry.ts"
import type { Report } from "./Pipeline.ts"
import type * as Step from "./Step.ts"
import type { Store } from "./Store.ts"

/** A defect inside a node (an exception its code did not expect), kept with its message and stack. */
export class NodeDied extends Schema.TaggedError<NodeDied>()("NodeDied", {
  reason: Schema.String,
  stack: Schema.optional(Schema.String)
}) {
  override get message() {
    return this.reason
  }
}

/** Why explain cannot go on: the program reads data that only running the node would make. */
export class ExplainStopped extends Schema.TaggedError<ExplainStopped>()("ExplainStopped", { node: Schema.String }) {
  override get message() {
    return `explain cannot look past node ${this.node}: the pipeline reads its output, which does not exist yet`
  }
}

/** What resolving a node through the store may fail with, whatever its step. */
export type StoreError =
  | Effect.Error<ReturnType<typeof Entry.resolve<never>>>
  | Effect.Error<ReturnType<Store["Service"]["readBlob"]>>
  | Artifact.ArtifactUnreadable
  | Artifact.ArtifactMismatch

/** Everything a node of step service `Self` may fail with: its declared errors, the store's, a defect. */
export type NodeError<Self> = Step.ErrorOf<Self> | StoreError | NodeDied

/**
 * A node failed; `node` is the node where the failure started and `error` the original error, with its
 * tag and fields (`NodeDied` for a defect).
 */
export class NodeFailed<E = unknown> extends Data.TaggedError("NodeFailed")<{
  readonly node: string
  readonly step: string
  readonly error: E
}> {
  override get message() {
    return `node ${this.node} (step ${this.step}) failed: ${messageOf(this.error)}`
  }
}

/** A run in which nodes failed: each origin node once, in declaration order, with the run's report. */
export class PipelineFailed<E = unknown> extends Data.TaggedError("PipelineFailed")<{
  readonly pipeline: string
  readonly failures: ReadonlyArray<NodeFailed<E>>
  readonly report: Report
}> {
  override get message() {
    return `pipeline ${this.pipeline} failed: ${this.failures.map((f) => f.message).join("; ")}`
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

export class UnknownStep extends Data.TaggedError("UnknownStep")<{
  readonly name: string
  readonly known: ReadonlyArray<string>
}> {
  override get message() {
    return `--force ${this.name}: no such step or node in this pipeline; known: ${this.known.join(", ")} (or all)`
  }
}

/** The error a failed effect ended with: its typed error, or its defect as `NodeDied`. */
export const originalError = (cause: Cause.Cause<unknown>): unknown => {
  const error = Cause.findError(cause)
  if (Result.isSuccess(error)) return error.success
  const defect = Cause.squash(cause)
  return defect instanceof Error
    ? new NodeDied({ reason: defect.message, stack: defect.stack })
    : new NodeDied({ reason: String(defect) })
}

/** A node's settled failure (its deferred fails only with NodeFailed; anything else is a bug, kept as NodeDied). */
export const nodeFailure = (cause: Cause.Cause<NodeFailed>): NodeFailed => {
  const error = originalError(cause)
  return error instanceof NodeFailed ? error : new NodeFailed({ node: "?", step: "?", error })
}

/** The error type of the nodes behind a `PipelineFailed` in `E`. */
export type FailedNodeError<E> = E extends PipelineFailed<infer N> ? N : never

/**
 * Replaces a `PipelineFailed` with the original errors of its failed nodes, so a caller handles them by
 * tag: `Pipeline.run(p).pipe(Pipeline.originalErrors, Effect.catchTag("ArchParseError", …))`. The first
 * failed node's error is the failure; the others follow it in the cause, in declaration order.
 */
export const originalErrors = <A, E, R>(
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, Exclude<E, Extract<E, PipelineFailed<any>>> | FailedNodeError<E>, R> =>
  Effect.catchIf(
    self,
    (error): error is Extract<E, PipelineFailed<any>> => error instanceof PipelineFailed,
    (failed) => Effect.failCause(Cause.fromReasons(failed.failures.map((f: NodeFailed<FailedNodeError<E>>) => Cause.makeFailReason(f.error)))),
    (other) => Effect.fail(other)
  )

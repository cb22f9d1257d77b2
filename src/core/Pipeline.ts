/**
 * Pipelines: an `Effect.gen` program that declares step invocations with `Pipeline.node`. Each node
 * starts as soon as it is declared and waits only for the nodes whose outputs it takes, so independent
 * nodes run concurrently. Every node resolves through the store: a verified hit is reused, a miss runs
 * under the key's lease and is published atomically. Re-running an interrupted pipeline therefore
 * resumes: finished nodes are hits. `explain` answers, without running or writing anything, which nodes
 * would run and why.
 */
import { Cause, Context, Deferred, Effect, Exit, Layer, Option, Scope } from "effect"
import type { EntryId, KeyPreimage } from "../../schemas/Store.ts"
import * as Artifact from "./Artifact.ts"
import * as Entry from "./Entry.ts"
import type * as Files from "./Files.ts"
import * as Explain from "./Explain.ts"
import * as Hash from "./Hash.ts"
import * as Journal from "./Journal.ts"
import * as Lease from "./Lease.ts"
import * as Step from "./Step.ts"
import type { Executor } from "./Executor.ts"
import { notice, Progress } from "./Progress.ts"
import * as RunProgress from "./RunProgress.ts"
import { Store } from "./Store.ts"
import { ExplainStopped, NodeFailed, nodeFailure, originalError, PipelineFailed, UnknownStep, type NodeError, type StoreError } from "./PipelineErrors.ts"

export * from "./PipelineErrors.ts"

// ---------------------------------------------------------------------------------------------------------
// reports

export type NodeStatus = "hit" | "computed" | "failed" | "skipped"

export interface NodeReport {
  readonly id: string
  readonly step: string
  readonly implementation: string
  readonly key: string | undefined
  readonly status: NodeStatus
  readonly ms: number
  readonly error?: string
}

export interface Report {
  readonly pipeline: string
  readonly runId: string
  readonly nodes: ReadonlyArray<NodeReport>
  readonly ms: number
}

// ---------------------------------------------------------------------------------------------------------
// definition

/** The services a pipeline's step layers may use: the store, the executor and progress output. */
export type Platform = Store | Executor | Progress

/** A declared pipeline: a name, a program over step services, and the layers that implement them. */
export interface Pipeline<A = unknown, E = unknown, R = any, LE = unknown> {
  readonly name: string
  readonly program: Effect.Effect<A, E, R | Runtime | Platform>
  readonly layer: Layer.Layer<R, LE, Platform>
}

export const make = <A, E, R, LE>(
  name: string,
  program: Effect.Effect<A, E, R | Runtime | Platform>,
  layer: Layer.Layer<R, LE, Platform>
): Pipeline<A, E, R, LE> => ({ name, program, layer })

// ---------------------------------------------------------------------------------------------------------
// runtime

type Resolved = Entry.Resolved

/** A handle on one output of a node: its digest once known, and its data on demand. */
export interface ArtifactRef<T extends Artifact.Table<any> = Artifact.Table<any>> {
  readonly node: string
  readonly output: string
  readonly table: T
  readonly resolved: Effect.Effect<Resolved, NodeFailed>
  /** The frame, read from the store (and verified) or taken from memory. */
  readonly load: Effect.Effect<Artifact.Frame<T["columns"]>, NodeFailed>
}

export type Refs<T extends Step.Tables> = { readonly [K in keyof T]: ArtifactRef<T[K]> }

interface NodeRecord {
  readonly id: string
  readonly step: string
  readonly done: Deferred.Deferred<Resolved, NodeFailed>
}

export interface RuntimeShape {
  readonly mode: "run" | "explain"
  readonly pipeline: string
  readonly store: Store["Service"]
  readonly journal: Journal.Journal | undefined
  readonly force: ReadonlySet<string>
  readonly scope: Scope.Scope
  readonly nodes: Array<NodeRecord>
  readonly reports: Map<string, NodeReport>
  readonly explanations: Array<Explain.NodeExplanation>
  readonly lease: Lease.Options
  readonly onNode: (report: NodeReport) => void
}

export class Runtime extends Context.Service<Runtime, RuntimeShape>()("cole/core/Pipeline/Runtime") {}

const uniqueId = (rt: RuntimeShape, wanted: string) => {
  const taken = new Set(rt.nodes.map((n) => n.id))
  if (!taken.has(wanted)) return wanted
  let i = 2
  while (taken.has(`${wanted}#${i}`)) i++
  return `${wanted}#${i}`
}

/**
 * Declares one invocation of a step. Returns at once with a handle per output; the node itself runs
 * in the background, after the nodes it takes inputs from.
 */
export function node<Self, I extends Step.Tables, O extends Step.Tables>(
  service: Step.Service<Self, I, O>,
  inputs: Refs<I>,
  options?: { readonly id?: string }
): Effect.Effect<Refs<O>, never, Runtime | Self>
/**
 * With `layer`, the node uses its own implementation (an ablation variant within one pipeline); the
 * layer lives as long as the run, like the pipeline's own layers.
 */
export function node<Self, I extends Step.Tables, O extends Step.Tables, LE>(
  service: Step.Service<Self, I, O>,
  inputs: Refs<I>,
  options: { readonly id?: string; readonly layer: Layer.Layer<Self, LE, Platform> }
): Effect.Effect<Refs<O>, LE, Runtime | Platform>
export function node<Self, I extends Step.Tables, O extends Step.Tables>(
  service: Step.Service<Self, I, O>,
  inputs: Refs<I>,
  options: { readonly id?: string; readonly layer?: Layer.Layer<Self, unknown, Platform> } = {}
): Effect.Effect<Refs<O>, unknown, any> {
  return Effect.gen(function*() {
    const rt = yield* Runtime
    // Seen as an implementation of any step: the runtime passes frames by name and keeps errors as they are.
    const impl: Step.Implementation = options.layer === undefined
      ? yield* service
      : Context.get(yield* Layer.buildWithScope(options.layer, rt.scope), service)
    const id = uniqueId(rt, options.id ?? impl.step)
    const done = yield* Deferred.make<Resolved, NodeFailed>()
    rt.nodes.push({ id, step: impl.step, done })
    const inputRefs = Object.entries(inputs as Record<string, ArtifactRef>)
    if (rt.journal !== undefined) {
      yield* rt.journal.append({ event: "declared", node: id, step: impl.step, inputs: [...new Set(inputRefs.map(([, ref]) => ref.node))] }).pipe(Effect.ignore)
    }
    const failed = (error: unknown) => new NodeFailed({ node: id, step: impl.step, error })
    const forced = rt.force.has(FORCE_ALL) || rt.force.has(id) || rt.force.has(impl.step)

    const report = (r: Omit<NodeReport, "id" | "step" | "implementation">) => {
      const full: NodeReport = { id, step: impl.step, implementation: impl.implementation, ...r }
      rt.reports.set(id, full)
      rt.onNode(full)
    }

    // A forced node recomputes each of its units once; a unit asked for again in the same run is a hit.
    const recomputed = new Set<string>()
    const recompute = (unitKey: string) => {
      if (!forced || recomputed.has(unitKey)) return false
      recomputed.add(unitKey)
      return true
    }
    const entryContext: Entry.Context = { store: rt.store, runId: rt.journal?.runId ?? "", lease: rt.lease }
    const record: Step.RunContext["record"] = (unit) =>
      rt.journal === undefined ? Effect.void : rt.journal.append({ event: "node", ...unit }).pipe(Effect.ignore)

    // Computes the node under its lease and publishes the result; `force` skips the hit checks.
    const compute = (pre: KeyPreimage, key: string, producers: Record<string, EntryId | null>, force: boolean) =>
      Entry.resolve(entryContext, {
        preimage: pre,
        key,
        force,
        outputs: impl.outputs,
        inputs: Object.fromEntries(inputRefs.map(([name]) => [name, { digest: pre.inputs[name]!, producer: producers[name] ?? null }])),
        produce: Effect.gen(function*() {
          const frames: Record<string, Artifact.Frame> = {}
          for (const [name, ref] of inputRefs) frames[name] = yield* ref.load
          return yield* impl.run(frames, { node: id, preimage: pre, entries: entryContext, record, forced, recompute })
        })
      })

    const resolveInputs = Effect.forEach(inputRefs, ([name, ref]) =>
      ref.resolved.pipe(Effect.map((r) => {
        const output = r.outputs?.[ref.output]
        return { name, ref, digest: output?.digest as Hash.Digest | undefined, producer: r.entry ?? null }
      })))

    const keyOf = Effect.gen(function*() {
      const resolvedInputs = yield* resolveInputs
      const environment = yield* impl.environment
      const digests: Record<string, Hash.Digest> = {}
      for (const input of resolvedInputs) if (input.digest !== undefined) digests[input.name] = input.digest
      const pre = Step.preimage(impl, digests, environment)
      return {
        pre,
        key: Step.key(pre),
        unknown: resolvedInputs.filter((i) => i.digest === undefined),
        producers: Object.fromEntries(resolvedInputs.map((i) => [i.name, i.producer]))
      }
    })

    // Resolves through the store and records the outcome in the journal and the report.
    const resolveRecorded = (pre: KeyPreimage, key: string, producers: Record<string, EntryId | null>, force: boolean) =>
      Effect.gen(function*() {
        const started = Date.now()
        const result = yield* compute(pre, key, producers, force)
        const status = result.frames === undefined ? "hit" : "computed"
        const ms = Date.now() - started
        yield* record({ node: id, step: impl.step, key, status, ms })
        report({ key, status, ms })
        return result
      })

    const runNode = Effect.gen(function*() {
      const { key, pre, producers } = yield* keyOf
      return { result: yield* resolveRecorded(pre, key, producers, forced), repair: resolveRecorded(pre, key, producers, true) }
    })

    const explainNode = Effect.gen(function*() {
      const { key, pre, unknown } = yield* keyOf
      const found = unknown.length > 0 || forced ? Option.none() : yield* rt.store.lookup(impl.step, key)
      const explanation = unknown.length > 0
        ? Explain.upstream(id, impl.step, unknown.map((u) => ({ input: u.name, node: u.ref.node })))
        : forced
        ? Explain.forced(id, impl.step, key)
        : Option.isSome(found)
        ? Explain.hit(id, impl.step, key)
        : yield* Explain.miss(rt.store, id, pre, key)
      rt.explanations.push(explanation)
      const resolved: Resolved = Option.isSome(found)
        ? { entry: { step: impl.step, key }, outputs: found.value.outputs, frames: undefined }
        : { entry: undefined, outputs: undefined, frames: undefined }
      return { result: resolved, repair: Effect.fail(failed(new ExplainStopped({ node: id }))) }
    })

    // An upstream node's failure passes through as it is; anything else becomes this node's.
    const asNodeFailure = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, NodeFailed> =>
      self.pipe(Effect.catchCause((cause) => {
        const error = originalError(cause)
        return Effect.fail(error instanceof NodeFailed ? error : failed(error))
      }))

    const work = yield* Effect.cached(asNodeFailure(rt.mode === "run" ? runNode : explainNode))

    yield* Effect.forkIn(
      Effect.gen(function*() {
        const started = Date.now()
        const exit = yield* Effect.exit(work)
        if (Exit.isFailure(exit)) {
          const error = nodeFailure(exit.cause)
          const own = error.node === id
          if (rt.mode === "run") {
            yield* rt.journal!.append({ event: "node", node: id, step: impl.step, key: "", status: "failed", ms: Date.now() - started, error: error.message }).pipe(Effect.ignore)
          }
          report({ key: undefined, status: own ? "failed" : "skipped", ms: Date.now() - started, error: error.message })
        }
        yield* Deferred.done(done, Exit.map(exit, (w) => w.result))
      }),
      rt.scope
    )

    // A corrupt or vanished blob found while reading is repaired by recomputing this node, once.
    const repaired = yield* Effect.cached(asNodeFailure(Effect.flatMap(work, (w) => w.repair)))

    const repairNotice = (error: { readonly message: string }) => notice(`cole: ${error.message}; recomputing node ${id}`)
    const refs: Record<string, ArtifactRef> = {}
    for (const [name, table] of Object.entries(impl.outputs as Step.Tables)) {
      const fromStore = (r: Resolved): Effect.Effect<Artifact.Frame, NodeFailed | StoreError> =>
        r.frames?.[name] !== undefined
          ? Effect.succeed(r.frames[name])
          : r.outputs === undefined
          ? Effect.fail(failed(new ExplainStopped({ node: id })))
          : rt.store.readBlob(r.outputs[name]!.digest as Hash.Digest).pipe(
            Effect.flatMap((bytes) => Artifact.decodeEffect(table, bytes))
          )
      const load = Deferred.await(done).pipe(
        Effect.flatMap((r) =>
          fromStore(r).pipe(
            Effect.catchTags({
              CorruptBlob: (e) => Effect.andThen(repairNotice(e), Effect.flatMap(repaired, (r) => fromStore(r))),
              MissingBlob: (e) => Effect.andThen(repairNotice(e), Effect.flatMap(repaired, (r) => fromStore(r)))
            })
          )
        ),
        asNodeFailure
      )
      refs[name] = { node: id, output: name, table, resolved: Deferred.await(done), load: yield* Effect.cached(load) }
    }
    return refs as Refs<O>
  })
}

export const isRef = (value: unknown): value is ArtifactRef =>
  typeof value === "object" && value !== null && "node" in value && "output" in value && "load" in value && "resolved" in value

/** Loads the data behind a handle (verifying it if it comes from the store). */
export const load = <T extends Artifact.Table<any>>(ref: ArtifactRef<T>) => ref.load

// ---------------------------------------------------------------------------------------------------------
// running

/** The `force` name that recomputes every node. */
export const FORCE_ALL = "all"

export interface RunOptions {
  /** Step names or node ids to recompute, with the cached units inside them; `all` for every node. */
  readonly force?: ReadonlyArray<string>
  readonly lease?: Lease.Options
  readonly onNode?: (report: NodeReport) => void
}

const execute = <A, E, R, LE>(
  pipeline: Pipeline<A, E, R, LE>,
  mode: RuntimeShape["mode"],
  options: RunOptions
) =>
  Effect.scoped(
    Effect.gen(function*() {
      const store = yield* Store
      const scope = yield* Scope.make()
      yield* Effect.addFinalizer((exit) => Scope.close(scope, exit))
      const journal = mode === "run" ? yield* Journal.open(store, pipeline.name) : undefined
      // A run's progress also goes to its journal, for those who watch the store rather than the terminal.
      const progress = journal === undefined ? yield* Progress : yield* RunProgress.journaled(yield* Progress, journal)
      const rt: RuntimeShape = {
        mode,
        pipeline: pipeline.name,
        store,
        journal,
        force: new Set(options.force ?? []),
        scope,
        nodes: [],
        reports: new Map(),
        explanations: [],
        lease: options.lease ?? Lease.defaults,
        onNode: options.onNode ?? (() => undefined)
      }
      const started = Date.now()
      // The layers live as long as this run, not just the program: nodes keep running after the
      // program has declared them, and their resources (ONNX sessions) must outlive it.
      const services = yield* Layer.buildWithScope(pipeline.layer, scope).pipe(Effect.provideService(Progress, progress))
      const value = yield* Effect.exit(
        pipeline.program.pipe(Effect.provideService(Runtime, rt), Effect.provideContext(services), Effect.provideService(Progress, progress))
      )
      // Wait for every declared node, also those the program's value does not depend on.
      const exits = yield* Effect.forEach(rt.nodes, (n) => Effect.exit(Deferred.await(n.done)))
      const failures = new Map<string, NodeFailed>()
      for (const exit of exits) {
        if (Exit.isFailure(exit)) {
          const error = nodeFailure(exit.cause)
          failures.set(error.node, error)
        }
      }
      const report: Report = {
        pipeline: pipeline.name,
        runId: journal?.runId ?? "",
        nodes: rt.nodes.flatMap((n) => rt.reports.get(n.id) ?? []),
        ms: Date.now() - started
      }
      return {
        value,
        failures: [...failures.values()],
        report,
        // In declaration order, whatever order the nodes finished in.
        explanations: rt.nodes.flatMap((n) => rt.explanations.filter((e) => e.node === n.id)),
        nodes: rt.nodes.map((n) => ({ id: n.id, step: n.step }))
      }
    })
  )

/** The names `force` accepts for a pipeline: its node ids and step names (found without running anything). */
export const forceable = <A, E, R, LE>(pipeline: Pipeline<A, E, R, LE>) =>
  Effect.map(execute(pipeline, "explain", {}), (result) =>
    [...new Set(result.nodes.flatMap((n) => [n.id, n.step]))].sort())

/**
 * Splits `force` names between pipelines run one after another: each gets the names it knows, and a
 * name none of them knows is refused before any runs.
 */
export const splitForce = (known: ReadonlyArray<ReadonlyArray<string>>, force: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const all = [...new Set(known.flat())].sort()
    const unknown = force.find((f) => f !== FORCE_ALL && !all.includes(f))
    if (unknown !== undefined) return yield* new UnknownStep({ name: unknown, known: all })
    return known.map((names) => force.filter((f) => f === FORCE_ALL || names.includes(f)))
  })

/** Runs a pipeline: hits are reused, misses run and are published; fails with the nodes that failed. */
export const run = <A, E, R, LE>(
  pipeline: Pipeline<A, E, R, LE>,
  options: RunOptions = {}
): Effect.Effect<
  { readonly value: A; readonly report: Report },
  E | LE | PipelineFailed<NodeError<R>> | UnknownStep | Files.StoreIOError,
  Platform
> =>
  Effect.gen(function*() {
    if (options.force !== undefined && options.force.some((f) => f !== FORCE_ALL)) {
      const known = yield* forceable(pipeline)
      const unknown = options.force.find((f) => f !== FORCE_ALL && !known.includes(f))
      if (unknown !== undefined) return yield* new UnknownStep({ name: unknown, known })
    }
    const result = yield* execute(pipeline, "run", options)
    if (result.failures.length > 0) {
      // Every node of this run invokes a step its layer provides (R), so each error is one of NodeError<R>.
      const failures = result.failures as ReadonlyArray<NodeFailed<NodeError<R>>>
      return yield* new PipelineFailed({ pipeline: pipeline.name, failures, report: result.report })
    }
    if (Exit.isFailure(result.value)) return yield* Effect.failCause(result.value.cause)
    return { value: result.value.value, report: result.report }
  }).pipe(Effect.withSpan("Pipeline.run"))

export interface Explanation {
  readonly nodes: ReadonlyArray<Explain.NodeExplanation>
  /** Set when the pipeline reads data that does not exist yet, so later nodes could not be seen. */
  readonly stopped: string | undefined
}

/** Tells for every node whether it would hit and, if not, why — without running or writing anything. */
export const explain = <A, E, R, LE>(
  pipeline: Pipeline<A, E, R, LE>,
  options: { readonly force?: ReadonlyArray<string> } = {}
): Effect.Effect<Explanation, E | LE | Files.StoreIOError, Platform> =>
  Effect.gen(function*() {
    const result = yield* execute(pipeline, "explain", options)
    if (Exit.isSuccess(result.value)) return { nodes: result.explanations, stopped: undefined }
    const error = Cause.squash(result.value.cause)
    // The program read the output of a node that would run: what was declared so far is still explained.
    if (error instanceof NodeFailed) return { nodes: result.explanations, stopped: error.message }
    return yield* Effect.failCause(result.value.cause)
  })

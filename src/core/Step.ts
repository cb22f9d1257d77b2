/**
 * Steps: typed units of cached work. A step is a `Context.Service` that names typed input and output
 * tables; its implementations are layers that carry their identity (implementation name, version) and
 * their params into the cache key. Swapping a layer is an ablation: each variant caches separately.
 */
import { Context, Data, Effect, Layer, Schema, type Scope } from "effect"
import type { KeyPreimage } from "../../schemas/Store.ts"
import * as Artifact from "./Artifact.ts"
import type * as Entry from "./Entry.ts"
import type { ExecutorError } from "./Executor.ts"
import type { StoreIOError } from "./Files.ts"
import * as Hash from "./Hash.ts"

export type Tables = Readonly<Record<string, Artifact.Table<any>>>

/** Frames of each named table. */
export type Frames<T extends Tables> = { readonly [K in keyof T]: Artifact.Frame<T[K]["columns"]> }
/** What a step returns per output: a frame, or the bare columns of its table. */
export type Outputs<T extends Tables> = {
  readonly [K in keyof T]: Artifact.Frame<T[K]["columns"]> | Artifact.ColumnData<T[K]["columns"]>
}

export type Json = typeof Schema.Json.Type

/**
 * One implementation of a step, with its params decoded and its requirements already provided. `E` is
 * the step's declared error type: what a failed node reports, by tag, to whoever runs the pipeline.
 */
export interface Implementation<I extends Tables = Tables, O extends Tables = Tables, E = unknown> {
  readonly step: string
  readonly inputs: I
  readonly outputs: O
  readonly implementation: string
  readonly version: number
  /** Params as they enter the cache key (the Schema's encoded form). */
  readonly params: Json
  /** Facts about the environment that change outputs (model digest, dtype, …); never paths or hosts. */
  readonly environment: Effect.Effect<Readonly<Record<string, Json>>, E>
  // Method syntax on purpose: a runtime that handles any implementation sees it as Implementation<Tables, Tables>.
  run(inputs: Frames<I>, context: RunContext): Effect.Effect<Outputs<O>, E>
  /** Entry modules of the drift guard's fingerprint (URLs or paths); everything they reach is covered. */
  readonly sources: ReadonlyArray<string>
}

export class InvalidParams extends Data.TaggedError("InvalidParams")<{
  readonly step: string
  readonly implementation: string
  readonly reason: string
}> {
  override get message() {
    return `invalid params for ${this.step} (${this.implementation}): ${this.reason}`
  }
}

/** The step a service stands for: its name and tables. */
export interface Definition<I extends Tables, O extends Tables> {
  readonly stepName: string
  readonly inputs: I
  readonly outputs: O
}

/** A step service class: a context key whose statics describe the step. */
export type Service<Self = any, I extends Tables = any, O extends Tables = any, E = any> = Context.Key<
  Self,
  Implementation<I, O, E>
>

/** True for a key declared with `Step.Service`, whose statics describe the step. */
export const isDeclared = <I extends Tables, O extends Tables>(
  service: Service<any, I, O>
): service is Service<any, I, O> & Definition<I, O> =>
  "stepName" in service && "inputs" in service && "outputs" in service

/**
 * What any step may fail with besides its own errors: the store's I/O, an output that does not match
 * its table, a worker task that died. Steps need not declare these.
 */
export type PlatformError = StoreIOError | Artifact.ArtifactMismatch | Artifact.ArtifactUnreadable | Entry.OutputMissing | ExecutorError

/** The error type a step declares, read from its service (the class instance type `Self`). */
export type ErrorOf<Self> = Self extends { readonly Service: Implementation<any, any, infer E> } ? E : never

/**
 * Declares a step service and the errors its implementations may fail with:
 * `class Parse extends Step.Service<Parse, ArchParseError>()("parse", { inputs: {…}, outputs: {…} }) {}`
 */
export const Service = <Self, E = never>() =>
<const I extends Tables, const O extends Tables>(
  stepName: string,
  tables: { readonly inputs: I; readonly outputs: O }
) => {
  const Base = Context.Service<Self, Implementation<I, O, E | PlatformError>>()(`cole/step/${stepName}`)
  return class extends Base {
    static readonly stepName = stepName
    static readonly inputs = tables.inputs
    static readonly outputs = tables.outputs
  }
}

/** What a running step knows about its own invocation (used by sharded work to key its shards). */
export interface RunContext {
  readonly node: string
  readonly preimage: KeyPreimage
  readonly entries: Entry.Context
  /** The node was forced: its cached units are recomputed too. */
  readonly forced: boolean
  /** Whether to recompute the unit with this key: once per unit of a forced node, never otherwise. */
  readonly recompute: (unitKey: string) => boolean
  /** Records a unit of work (a shard) in the run journal. */
  readonly record: (unit: { readonly node: string; readonly step: string; readonly key: string; readonly status: "hit" | "computed"; readonly ms: number }) => Effect.Effect<void>
}

export interface ImplementationSpec<I extends Tables, O extends Tables, E, P, PE, R, Res = undefined, ERes = never> {
  readonly implementation: string
  readonly version: number
  readonly params: Schema.Codec<P, PE>
  /**
   * A resource the implementation holds while its layer lives (an ONNX session): acquired when the
   * layer is built, released when the layer's scope closes.
   */
  readonly resource?: (params: P) => Effect.Effect<Res, ERes, R | Scope.Scope>
  readonly environment?: (params: P, resource: Res) => Effect.Effect<Readonly<Record<string, Json>>, E, R>
  readonly run: (inputs: Frames<I>, params: P, context: RunContext, resource: Res) => Effect.Effect<Outputs<O>, E, R>
  /**
   * The implementation's own module (`import.meta.url`): its fingerprint covers every project file that
   * module reaches (Fingerprint.ts). Add only files no import or `new URL(…, import.meta.url)` reveals.
   */
  readonly sources: ReadonlyArray<string>
}

/**
 * Makes the layer constructor of one implementation: `implement(Reducer, {...})({ components: 128 })`.
 * Params are decoded with the Schema (a typed error names what is wrong) and re-encoded for the key.
 */
export const implement = <Self, I extends Tables, O extends Tables, E, P, PE, R, Res = undefined, ERes = never, Raised extends E = never>(
  service: Service<Self, I, O, E>,
  spec: ImplementationSpec<I, O, Raised, P, PE, R, Res, ERes>
) => {
  if (!isDeclared(service)) return notDeclared(service.key)
  const step: Definition<I, O> = service
  const layer = (params: PE): Layer.Layer<Self, InvalidParams | ERes, Exclude<R, Scope.Scope>> =>
  Layer.effect(
    service,
    Effect.gen(function*() {
      const decoded = yield* Schema.decodeUnknownEffect(spec.params)(params).pipe(
        Effect.mapError((error) =>
          new InvalidParams({
            step: step.stepName,
            implementation: spec.implementation,
            reason: `${safeJson(params)}: ${error.message.replace(/\s*\n\s*/g, " ")}`
          })
        )
      )
      const encoded = yield* Schema.encodeEffect(spec.params)(decoded).pipe(Effect.orDie)
      const resource = spec.resource === undefined ? (undefined as Res) : yield* spec.resource(decoded)
      const context = yield* Effect.context<R>()
      return {
        step: step.stepName,
        inputs: step.inputs,
        outputs: step.outputs,
        implementation: spec.implementation,
        version: spec.version,
        params: encoded as Json,
        environment: spec.environment === undefined
          ? Effect.succeed({})
          : Effect.provideContext(spec.environment(decoded, resource), context),
        run: (inputs, runContext) => Effect.provideContext(spec.run(inputs, decoded, runContext, resource), context),
        sources: spec.sources
      } satisfies Implementation<I, O, E>
    })
  )
  // The identity the drift guard checks, readable without building the layer.
  return Object.assign(layer, {
    step: step.stepName,
    implementation: spec.implementation,
    version: spec.version,
    sources: spec.sources
  })
}

/** What the drift guard needs of an implementation's layer constructor. */
export interface Identity {
  readonly step: string
  readonly implementation: string
  readonly version: number
  readonly sources: ReadonlyArray<string>
}

/** A context key that was not made by `Step.Service`: a programming error, reported at declaration. */
const notDeclared = (key: string): never => {
  throw new TypeError(`Step.implement: ${key} was not declared with Step.Service`)
}

const safeJson = (value: unknown) => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

export const KEY_FORMAT = 1 as const

/** The cache-key preimage of one invocation. */
export const preimage = (
  impl: Implementation<any, any, unknown>,
  inputs: Readonly<Record<string, Hash.Digest>>,
  environment: Readonly<Record<string, Json>>
): KeyPreimage => ({
  keyFormat: KEY_FORMAT,
  step: impl.step,
  implementation: impl.implementation,
  version: impl.version,
  params: impl.params,
  inputs,
  environment
})

/** The cache key: the hex sha256 of the canonical JSON of the preimage. */
export const key = (pre: KeyPreimage): string => Hash.hex(Hash.digestJson(pre))

/**
 * The `Embed` step through a frozen LM (ONNX Runtime). Embeddings are cached per text: every text
 * already embedded under the same model, tokenizer and settings (in any earlier run, for any pipeline)
 * is reused; the rest are planned into length-sorted batches, grouped into shards, and each shard is its
 * own cache entry — so a killed run resumes shard by shard, and new architectures embed only their own
 * texts. Because shards hold whole batches of one sorted plan, resuming reproduces exactly the batches
 * an uninterrupted run would have used, and with them the same bytes.
 *
 * Locally the model runs in this process, one session for every shard. On a cluster (a remote Executor)
 * each shard is a unit (EmbedTask.ts) — a gpu unit when the provider is cuda — and this process only reads
 * the graph (the facts that enter the key) and the tokenizer (the batch plan), never the weights.
 */
import { Effect, Option, Schema } from "effect"
import * as Artifact from "../../core/Artifact.ts"
import * as Column from "../../core/Column.ts"
import { Executor } from "../../core/Executor.ts"
import * as Hash from "../../core/Hash.ts"
import { tracked } from "../../core/Progress.ts"
import * as Shards from "../../core/Shards.ts"
import * as Step from "../../core/Step.ts"
import { Embed } from "../Services.ts"
import * as EmbedTask from "./EmbedTask.ts"
import * as OnnxSession from "./OnnxSession.ts"

/** One shard of cached embeddings: the texts (by digest) and their vectors. */
export const EmbeddingShard = Artifact.table("embedding-shard", { text: Column.utf8, x: Column.vector() })

const SHARD_STEP = "embed.shard"

/** What enters the cache key; the model folder's path and the thread count do not. */
const Params = Schema.Struct({
  maxLength: Schema.Int.check(Schema.isGreaterThan(0)),
  batchSize: Schema.Int.check(Schema.isGreaterThan(0)),
  pooling: Schema.Literals(["mean", "last-token", "all-layer-mean"]),
  paddingSide: Schema.Literals(["auto", "left", "right"]),
  positionIds: Schema.Literals(["arange", "mask-cumsum"])
})

export interface Options {
  readonly model: string
  readonly executionProvider?: OnnxSession.Provider
  readonly maxLength?: number
  readonly batchSize?: number
  readonly pooling?: OnnxSession.Pooling
  readonly paddingSide?: "auto" | "left" | "right"
  readonly positionIds?: "arange" | "mask-cumsum"
  readonly threads?: number
  /** Batches per shard (the resume granularity); does not change any number. */
  readonly batchesPerShard?: number
}

const sameIdentity = (a: Record<string, unknown>, b: Record<string, unknown>) => Hash.canonicalJson(a) === Hash.canonicalJson(b)

const implementation = (options: Options) =>
  Step.implement(Embed, {
    implementation: "onnx",
    version: 1,
    params: Params,
    sources: [import.meta.url],
    resource: (params) =>
      Effect.gen(function*() {
        const settings = { model: options.model, ...params, ...(options.threads === undefined ? {} : { threads: options.threads }) }
        const provider = options.executionProvider ?? "cpu"
        if (!(yield* Executor).remote) {
          const session = yield* OnnxSession.open({ ...settings, executionProvider: provider })
          return { session, remote: undefined }
        }
        // On a cluster the shards run on runners, with the provider the key names: this process reads
        // the graph's facts and the tokenizer for the plan, and never loads the weights.
        if (provider === "auto") {
          return yield* new OnnxSession.EmbedderError({ model: options.model, problem: "on a cluster the execution provider must be named: cpu, or cuda (runners with --pools gpu)" })
        }
        const remote = { ...settings, executionProvider: provider }
        return { session: yield* OnnxSession.describe(remote), remote }
      }),
    environment: (_params, { session }) => Effect.succeed(session.facts),
    run: ({ code }, params, context, resource) =>
      Effect.gen(function*() {
        const { session } = resource
        const executor = yield* Executor
        const store = context.entries.store
        const texts = code.columns.code
        const keys = texts.map(OnnxSession.textKey)
        const identity = { implementation: context.preimage.implementation, version: context.preimage.version, params: context.preimage.params, environment: context.preimage.environment }

        // Texts embedded before under this identity, from the shards in the store (none when forced).
        const known = new Map<string, Float32Array>()
        for (const entry of context.forced ? [] : yield* store.entries) {
          if (entry.step !== SHARD_STEP || Option.isNone(entry.manifest)) continue
          const m = entry.manifest.value
          if (!sameIdentity({ ...m.preimage, step: undefined, inputs: undefined, keyFormat: undefined }, identity)) continue
          if (Option.isNone(yield* store.lookup(entry.step, entry.key))) continue
          const output = m.outputs.unit
          if (output === undefined) continue
          const bytes = yield* store.readBlob(output.digest as Hash.Digest).pipe(Effect.option)
          if (Option.isNone(bytes)) continue
          const decoded = yield* Artifact.decodeEffect(EmbeddingShard, bytes.value).pipe(Effect.option)
          if (Option.isNone(decoded)) continue
          const shard = decoded.value
          shard.columns.text.forEach((t, i) => known.set(t, shard.columns.x.subarray(i * session.hidden, (i + 1) * session.hidden)))
        }

        const missing = [...new Set(keys.filter((k) => !known.has(k)))]
        const textOf = new Map(keys.map((k, i) => [k, texts[i]!]))
        const missingTexts = missing.map((k) => textOf.get(k)!)
        const counts = missingTexts.map((t) => session.tokenization.encode(t).ids.length)
        const batches = OnnxSession.plan(counts, missing, params.batchSize)
        const perShard = options.batchesPerShard ?? 16
        const shards: Array<Array<Array<number>>> = []
        for (let i = 0; i < batches.length; i += perShard) shards.push(batches.slice(i, i + perShard))

        yield* tracked(`${context.node}: embedding ${missing.length} of ${keys.length} texts`, missing.length, (tracker) =>
          Effect.forEach(shards, (shardBatches) =>
            Effect.gen(function*() {
              const rows = shardBatches.flat()
              const shardKeys = rows.map((r) => missing[r]!)
              const texts = Hash.digestJson(shardKeys)
              const local = shardBatches.map((b) => b.map((r) => rows.indexOf(r)))
              const { frame, computed } = yield* Shards.unit(context, {
                step: SHARD_STEP,
                label: `${context.node}[${texts.slice(7, 15)}]`,
                params: context.preimage.params,
                inputs: { texts },
                table: EmbeddingShard,
                produce: (resource.remote === undefined
                  ? resource.session.embed(rows.map((r) => missingTexts[r]!), local, (n) => tracker.advance(n))
                  : executor.run<EmbedTask.Input, Float32Array, OnnxSession.EmbedderError>(
                    EmbedTask.task(resource.remote.executionProvider),
                    { options: resource.remote, texts: rows.map((r) => missingTexts[r]!), batches: local }
                  ).pipe(Effect.tap(() => Effect.sync(() => tracker.advance(rows.length))))).pipe(
                  Effect.map((x) => ({ text: shardKeys, x }))
                )
              })
              frame.columns.text.forEach((t, i) => known.set(t, frame.columns.x.subarray(i * session.hidden, (i + 1) * session.hidden)))
              if (!computed) tracker.advance(rows.length)
            }), { discard: true })
        )

        const x = new Float32Array(keys.length * session.hidden)
        keys.forEach((k, i) => x.set(known.get(k)!, i * session.hidden))
        return { embeddings: { arch: code.columns.arch, x } }
      })
  })

const withDefaults = (options: Options) => ({
  maxLength: options.maxLength ?? 512,
  batchSize: options.batchSize ?? 32,
  pooling: options.pooling ?? "mean",
  paddingSide: options.paddingSide ?? "auto",
  positionIds: options.positionIds ?? "arange"
})

export const OnnxEmbedder = {
  /** The Embed step on the model folder `options.model`; the session lives as long as the layer. */
  layer: (options: Options) => implementation(options)(withDefaults(options)),
  /** The identity the drift guard checks. */
  identity: implementation({ model: "" })
}

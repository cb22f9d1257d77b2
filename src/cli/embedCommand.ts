/** `cole embed`: every architecture of a space embedded with a model folder, cached shard by shard. */
import { Console, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import * as Pipeline from "../core/Pipeline.ts"
import { EmbeddingConfig, embeddingPipeline } from "../pipelines/Embedding.ts"
import { db, executor, platformLayer } from "./clusterFlags.ts"
import { oneLine, store } from "./common.ts"
import * as Format from "./format.ts"

export const embedCommand = Command.make(
  "embed",
  {
    store,
    model: Flag.String("model").pipe(Flag.withDescription("Model folder (model.onnx, tokenizer.json, …)")),
    space: Flag.String("space").pipe(Flag.withDescription("Search space whose architectures are embedded"), Flag.withDefault("nb201")),
    mode: Flag.String("mode").pipe(Flag.withDescription("Transpiler verbosity mode"), Flag.withDefault("exclude-helper")),
    addon: Flag.String("addon").pipe(Flag.withDescription("NB201 code-text add-on: none, comment, backbone"), Flag.withDefault("none")),
    limit: Flag.Int("limit").pipe(Flag.withDescription("Only the first N architectures"), Flag.optional),
    pooling: Flag.Literals("pooling", ["mean", "last-token", "all-layer-mean"]).pipe(Flag.withDescription("How token states become one vector: mean of the last layer, the last token, or the mean over all layers"), Flag.withDefault("mean")),
    batchSize: Flag.Int("batch-size").pipe(Flag.withDescription("Texts per model call (length-sorted batches)"), Flag.withDefault(32)),
    maxLength: Flag.Int("max-length").pipe(Flag.withDescription("Tokens per text at most (longer texts are truncated)"), Flag.withDefault(512)),
    provider: Flag.Literals("execution-provider", ["cpu", "cuda", "auto"]).pipe(Flag.withDescription("Where ONNX Runtime runs the model (cuda needs npm run install:cuda)"), Flag.withDefault("cpu")),
    threads: Flag.Int("threads").pipe(Flag.withDescription("ONNX Runtime intra-op threads (default: its own choice)"), Flag.optional),
    shardBatches: Flag.Int("shard-batches").pipe(Flag.withDescription("Batches per cached shard (resume granularity)"), Flag.withDefault(16)),
    executor,
    db
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const config = yield* Schema.decodeUnknownEffect(EmbeddingConfig)({
        model: o.model,
        space: o.space,
        transpile: { mode: o.mode, addon: o.addon },
        ...Option.match(o.limit, { onNone: () => ({}), onSome: (limit) => ({ limit }) }),
        pooling: o.pooling,
        batchSize: o.batchSize,
        maxLength: o.maxLength,
        executionProvider: o.provider,
        ...Option.match(o.threads, { onNone: () => ({}), onSome: (threads) => ({ threads }) }),
        batchesPerShard: o.shardBatches
      }).pipe(Effect.mapError((e) => new Error(`embed: ${e.message.replace(/\s*\n\s*/g, " ")}`)))
      const { value, report } = yield* Pipeline.run(embeddingPipeline(config))
      const output = (yield* value.embeddings.resolved).outputs!.embeddings!
      const frame = yield* Pipeline.load(value.embeddings)
      yield* Console.log(`embedded ${frame.length} architectures of ${o.space} (${o.mode}) → ${frame.columns.x.length / Math.max(frame.length, 1)}-d, ${output.digest} (${Format.bytes(output.size)}); ${report.nodes.map((n) => `${n.id} ${n.status}`).join(", ")}`)
      // Locally the model runs in this process (one session); on a cluster each shard is a unit.
    }).pipe(Effect.provide(platformLayer(o.store, { executor: o.executor, db: o.db, workers: Option.some(0) }))))
).pipe(Command.withDescription("Embed a space's code text with an ONNX model folder (cached per text)"))

/**
 * The embedding pipeline: every architecture of a space (or the first `limit`), its code text, and that
 * text embedded with an exported model folder, cached text by text in shards. Library code: `cole
 * embed` decodes an `EmbeddingConfig` from its flags and runs `embeddingPipeline(config)`.
 */
import * as path from "node:path"
import { Effect, Layer, Schema } from "effect"
import * as Pipeline from "../core/Pipeline.ts"
import { OnnxEmbedder } from "../steps/embed/OnnxEmbedder.ts"
import { Architectures, Embed, Transpile } from "../steps/Services.ts"
import * as SpaceSteps from "../steps/SpaceSteps.ts"

const positive = Schema.Int.check(Schema.isGreaterThan(0))

export const EmbeddingConfig = Schema.Struct({
  /** The exported model folder (model.onnx, tokenizer.json, …). */
  model: Schema.String,
  space: Schema.String,
  /** Transpiler options over the space's defaults (NB201: mode, addon). */
  transpile: Schema.Record(Schema.String, Schema.String),
  limit: Schema.optional(positive),
  pooling: Schema.Literals(["mean", "last-token", "all-layer-mean"]),
  batchSize: positive,
  maxLength: positive,
  executionProvider: Schema.Literals(["cpu", "cuda", "auto"]),
  threads: Schema.optional(positive),
  /** Batches per cached shard: how much an interrupted run recomputes at most. */
  batchesPerShard: positive
})
export type EmbeddingConfig = typeof EmbeddingConfig.Type

export const embeddingPipeline = (o: EmbeddingConfig) =>
  Pipeline.make("embed", Effect.gen(function*() {
    const { architectures } = yield* Pipeline.node(Architectures, {})
    const { code } = yield* Pipeline.node(Transpile, { architectures })
    const { embeddings } = yield* Pipeline.node(Embed, { code })
    return { embeddings }
  }), Layer.mergeAll(
    SpaceSteps.architectures({ space: o.space, ...(o.limit === undefined ? {} : { limit: o.limit }) }),
    SpaceSteps.transpile({ space: o.space, options: o.transpile }),
    OnnxEmbedder.layer({
      model: path.resolve(o.model),
      executionProvider: o.executionProvider,
      pooling: o.pooling,
      batchSize: o.batchSize,
      maxLength: o.maxLength,
      batchesPerShard: o.batchesPerShard,
      ...(o.threads === undefined ? {} : { threads: o.threads })
    })
  ))

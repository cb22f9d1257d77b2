/** Commands for model folders: make a tiny one, check one, and embed a space's code text with one. */
import * as path from "node:path"
import { Console, Effect, Layer, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Executor from "../core/Executor.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"
import { getSpace } from "../spaces/registry.ts"
import * as ModelFolder from "../steps/embed/ModelFolder.ts"
import { OnnxEmbedder } from "../steps/embed/OnnxEmbedder.ts"
import * as OnnxSession from "../steps/embed/OnnxSession.ts"
import * as TinyModel from "../steps/embed/TinyModel.ts"
import { Architectures, Embed, Transpile } from "../steps/Services.ts"
import * as SpaceSteps from "../steps/SpaceSteps.ts"
import { oneLine, store } from "./common.ts"
import * as Format from "./format.ts"

const tiny = Command.make(
  "tiny",
  {
    out: Flag.String("out").pipe(Flag.withDescription("Folder to write (model.onnx, tokenizer.json, configs)")),
    kind: Flag.Literals("kind", ["encoder", "decoder"]).pipe(Flag.withDescription("Input signature: encoder (token_type_ids) or decoder (position_ids)"), Flag.withDefault("encoder")),
    layers: Flag.Int("layers").pipe(Flag.withDescription("Transformer layers of the generated model"), Flag.withDefault(TinyModel.defaults.layers)),
    hidden: Flag.Int("hidden").pipe(Flag.withDescription("Hidden size (the embedding width)"), Flag.withDefault(TinyModel.defaults.hidden)),
    heads: Flag.Int("heads").pipe(Flag.withDescription("Attention heads per layer (must divide the hidden size)"), Flag.withDefault(TinyModel.defaults.heads)),
    ffn: Flag.Int("ffn").pipe(Flag.withDescription("Feed-forward width per layer"), Flag.withDefault(TinyModel.defaults.ffn)),
    vocab: Flag.Int("vocab").pipe(Flag.withDescription("Embedding rows (the BPE vocabulary is trained up to this)"), Flag.withDefault(TinyModel.defaults.vocab)),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Seed of the random weights"), Flag.withDefault(0))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const nb201 = yield* getSpace("nb201")
      // The tokenizer learns NB201 code text: every 25th architecture in each verbosity mode.
      const corpus = nb201.enumerate!().filter((_, i) => i % 25 === 0).flatMap((a) =>
        (["exclude-helper", "helper", "inline"] as const).map((mode) => nb201.transpile(a, { mode, addon: "none" }))
      )
      const written = yield* Effect.try({
        try: () => ModelFolder.writeTiny(o.out, { ...TinyModel.defaults, ...o, corpus, tokenizerVocab: o.vocab }),
        catch: (e) => new Error(`cannot write ${o.out}: ${(e as Error).message}`)
      })
      yield* Console.log(`wrote ${o.out}: ${o.kind}, ${o.layers} layers × ${o.hidden} hidden, ${o.heads} heads, vocabulary ${written.vocab}, model.onnx ${Format.bytes(written.bytes)}`)
    }))
).pipe(Command.withDescription("Write a deterministic tiny transformer-like model and a BPE tokenizer trained on NB201 code"))

const check = Command.make("check", { folder: Argument.String("folder").pipe(Argument.withDescription("An exported model folder (model.onnx, tokenizer.json)")) }, ({ folder }) =>
  oneLine(Effect.scoped(Effect.gen(function*() {
    const session = yield* OnnxSession.open({ model: folder, executionProvider: "cpu", maxLength: 512, batchSize: 1, pooling: "mean", paddingSide: "auto", positionIds: "arange" })
    yield* Console.log([
      `model folder ${folder}: ok`,
      `  inputs:       ${session.inputs.join(", ")}`,
      `  outputs:      ${session.outputs.length > 6 ? `${session.outputs.slice(0, 4).join(", ")}, … (${session.outputs.length})` : session.outputs.join(", ")}`,
      `  hidden size:  ${session.hidden} (${session.dtype})`,
      `  vocabulary:   ${session.tokenization.vocabSize} tokens, pad id ${session.tokenization.padId}, padding ${session.tokenization.paddingSide}`,
      `  model:        ${session.folder.modelDigest}`,
      `  tokenizer:    ${session.folder.tokenizerDigest}`
    ].join("\n"))
  })))).pipe(Command.withDescription("Validate a model folder; print its inputs, outputs, hidden size and vocabulary"))

const model = Command.make("model").pipe(Command.withDescription("Model folders for the embedder"), Command.withSubcommands([tiny, check]))

const embed = Command.make(
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
    shardBatches: Flag.Int("shard-batches").pipe(Flag.withDescription("Batches per cached shard (resume granularity)"), Flag.withDefault(16))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const program = Effect.gen(function*() {
        const { architectures } = yield* Pipeline.node(Architectures, {})
        const { code } = yield* Pipeline.node(Transpile, { architectures })
        const { embeddings } = yield* Pipeline.node(Embed, { code })
        return { embeddings }
      })
      const layer = Layer.mergeAll(
        SpaceSteps.architectures({ space: o.space, ...Option.match(o.limit, { onNone: () => ({}), onSome: (limit) => ({ limit }) }) }),
        SpaceSteps.transpile({ space: o.space, options: { mode: o.mode, addon: o.addon } }),
        OnnxEmbedder.layer({
          model: path.resolve(o.model),
          executionProvider: o.provider,
          pooling: o.pooling,
          batchSize: o.batchSize,
          maxLength: o.maxLength,
          batchesPerShard: o.shardBatches,
          ...Option.match(o.threads, { onNone: () => ({}), onSome: (threads) => ({ threads }) })
        })
      )
      const { value, report } = yield* Pipeline.run(Pipeline.make("embed", program, layer))
      const output = (yield* value.embeddings.resolved).outputs!.embeddings!
      const frame = yield* Pipeline.load(value.embeddings)
      yield* Console.log(`embedded ${frame.length} architectures of ${o.space} (${o.mode}) → ${frame.columns.x.length / Math.max(frame.length, 1)}-d, ${output.digest} (${Format.bytes(output.size)}); ${report.nodes.map((n) => `${n.id} ${n.status}`).join(", ")}`)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(o.store), Executor.inline, Progress.layer))))
).pipe(Command.withDescription("Embed a space's code text with an ONNX model folder (cached per text)"))

export const modelCommands = [model, embed] as const

/** `cole model tiny | check`: a small generated model folder for tests and trials, and checking a folder. */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { getSpace } from "../spaces/registry.ts"
import * as ModelFolder from "../steps/embed/ModelFolder.ts"
import * as OnnxSession from "../steps/embed/OnnxSession.ts"
import * as TinyModel from "../steps/embed/TinyModel.ts"
import { oneLine } from "./common.ts"
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

export const modelCommand = Command.make("model").pipe(Command.withDescription("Model folders for the embedder"), Command.withSubcommands([tiny, check]))

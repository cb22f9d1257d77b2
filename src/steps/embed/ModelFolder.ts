/**
 * An exported model folder: `model.onnx` (+ its external-data files), `tokenizer.json`, optional
 * `tokenizer_config.json`, `special_tokens_map.json` and `config.json`. Loading checks what the
 * embedder needs and digests the files that decide its outputs; `writeTiny` makes a folder in code.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Data, Effect } from "effect"
import * as Hash from "../../core/Hash.ts"
import * as Bpe from "./Bpe.ts"
import * as TinyModel from "./TinyModel.ts"

export class ModelFolderError extends Data.TaggedError("ModelFolderError")<{ readonly folder: string; readonly problem: string }> {
  override get message() {
    return `model folder ${this.folder}: ${this.problem}`
  }
}

type Json = Record<string, unknown>

export interface ModelFolder {
  readonly folder: string
  readonly modelFile: string
  readonly tokenizer: Json
  readonly tokenizerConfig: Json
  readonly specialTokensMap: Json
  readonly config: Json | undefined
  /** sha256 over the graph and its external-data files. */
  readonly modelDigest: Hash.Digest
  /** sha256 over the tokenizer files. */
  readonly tokenizerDigest: Hash.Digest
}

const readJson = (folder: string, file: string, required: boolean) =>
  Effect.suspend(() => {
    const full = path.join(folder, file)
    if (!existsSync(full)) {
      return required
        ? Effect.fail(new ModelFolderError({ folder, problem: `${file} is missing` }))
        : Effect.succeed(undefined)
    }
    try {
      return Effect.succeed({ json: JSON.parse(readFileSync(full, "utf8")) as Json, bytes: readFileSync(full) })
    } catch (e) {
      return Effect.fail(new ModelFolderError({ folder, problem: `${file} is not valid JSON (${(e as Error).message})` }))
    }
  })

/** External weights sit next to the graph: `model.onnx_data`, `model.onnx.data`, `*.onnx_data`. */
const externalData = (folder: string) =>
  readdirSync(folder).filter((f) => /\.onnx[._]data$|^model\.onnx_data$/.test(f)).sort()

export const load = (folder: string) =>
  Effect.gen(function*() {
    if (!existsSync(folder)) return yield* new ModelFolderError({ folder, problem: "does not exist" })
    const modelFile = path.join(folder, "model.onnx")
    if (!existsSync(modelFile)) return yield* new ModelFolderError({ folder, problem: "model.onnx is missing (export the model to ONNX first; see the README)" })
    const tokenizer = (yield* readJson(folder, "tokenizer.json", true))!
    const tokenizerConfig = yield* readJson(folder, "tokenizer_config.json", false)
    const specialTokensMap = yield* readJson(folder, "special_tokens_map.json", false)
    const config = yield* readJson(folder, "config.json", false)
    const model = Hash.hasher()
    for (const file of ["model.onnx", ...externalData(folder)]) model.update(readFileSync(path.join(folder, file)))
    const tok = Hash.hasher()
    for (const part of [tokenizer, tokenizerConfig, specialTokensMap]) tok.update(part?.bytes ?? new Uint8Array([0]))
    return {
      folder,
      modelFile,
      tokenizer: tokenizer.json,
      tokenizerConfig: tokenizerConfig?.json ?? {},
      specialTokensMap: specialTokensMap?.json ?? {},
      config: config?.json,
      modelDigest: model.digest(),
      tokenizerDigest: tok.digest()
    } satisfies ModelFolder
  })

export interface TinyOptions extends TinyModel.Options {
  /** Texts to train the tokenizer on. */
  readonly corpus: ReadonlyArray<string>
  /** Target vocabulary (training stops earlier when no pair repeats). */
  readonly tokenizerVocab: number
}

/** Writes a complete model folder: a tiny transformer-like graph and a BPE tokenizer trained on `corpus`. */
export const writeTiny = (folder: string, options: TinyOptions) => {
  const decoder = options.kind === "decoder"
  const specials: Bpe.Specials = decoder
    ? { prefix: ["<s>"], suffix: [], all: ["<s>", "</s>"] }
    : { prefix: ["[CLS]"], suffix: ["[SEP]"], all: ["[PAD]", "[CLS]", "[SEP]"] }
  const trained = Bpe.train(options.corpus, Math.min(options.tokenizerVocab, options.vocab), specials)
  const { bytes, config } = TinyModel.build(options)
  // Llama-style tokenizers have no pad token (pad = eos) and pad on the left; BERT-style ones pad right.
  const tokenizerConfig = decoder
    ? { tokenizer_class: "LlamaTokenizerFast", bos_token: "<s>", eos_token: "</s>", model_max_length: options.maxPositions }
    : { tokenizer_class: "PreTrainedTokenizerFast", cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]", model_max_length: options.maxPositions }
  const specialTokensMap = decoder ? { bos_token: "<s>", eos_token: "</s>" } : { cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]" }
  mkdirSync(folder, { recursive: true })
  writeFileSync(path.join(folder, "model.onnx"), bytes)
  writeFileSync(path.join(folder, "tokenizer.json"), JSON.stringify(Bpe.tokenizerJson(trained, specials)))
  writeFileSync(path.join(folder, "tokenizer_config.json"), JSON.stringify(tokenizerConfig, null, 2))
  writeFileSync(path.join(folder, "special_tokens_map.json"), JSON.stringify(specialTokensMap, null, 2))
  writeFileSync(path.join(folder, "config.json"), JSON.stringify(config, null, 2))
  return { vocab: trained.vocab.size, bytes: bytes.length }
}

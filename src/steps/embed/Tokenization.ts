/**
 * Tokenisation as docs/surrogate.md says: special tokens added, right truncation of the content at
 * `maxLength` (specials counted), pad = the pad token or else eos, padding side from the tokenizer
 * config or its class. Uses @huggingface/tokenizers on the folder's tokenizer.json.
 */
import { Tokenizer } from "@huggingface/tokenizers"
import { Data, Effect } from "effect"
import type { ModelFolder } from "./ModelFolder.ts"

export class TokenizerError extends Data.TaggedError("TokenizerError")<{ readonly folder: string; readonly problem: string }> {
  override get message() {
    return `tokenizer of ${this.folder}: ${this.problem}`
  }
}

export type PaddingSide = "left" | "right"

const LEFT_PADDING_CLASSES = new Set(["LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer", "CodeLlamaTokenizerFast"])

/** A special token as configs write it: a string, or `{ content }`. */
const tokenText = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "object" && value !== null && "content" in value ? String((value as { content: unknown }).content) : undefined

export interface Tokenization {
  /** Token ids of one text, special tokens included, truncated to maxLength. */
  readonly encode: (text: string) => { readonly ids: ReadonlyArray<number>; readonly truncated: boolean }
  readonly padId: number
  readonly paddingSide: PaddingSide
  readonly vocabSize: number
}

export const make = (model: ModelFolder, options: { readonly maxLength: number; readonly paddingSide: "auto" | PaddingSide }) =>
  Effect.gen(function*() {
    const fail = (problem: string) => Effect.fail(new TokenizerError({ folder: model.folder, problem }))
    let tokenizer: Tokenizer
    try {
      tokenizer = new Tokenizer(model.tokenizer, model.tokenizerConfig)
    } catch (e) {
      return yield* fail(`tokenizer.json cannot be loaded (${(e as Error).message})`)
    }
    const special = (key: string) => tokenText(model.tokenizerConfig[key]) ?? tokenText(model.specialTokensMap[key])
    const padToken = special("pad_token") ?? special("eos_token")
    if (padToken === undefined) return yield* fail("it defines neither a pad token nor an eos token, so batches cannot be padded")
    const padId = tokenizer.token_to_id(padToken)
    if (padId === undefined) return yield* fail(`its pad token ${JSON.stringify(padToken)} is not in the vocabulary`)

    const configured = model.tokenizerConfig.padding_side
    const paddingSide: PaddingSide = options.paddingSide !== "auto"
      ? options.paddingSide
      : configured === "left" || configured === "right"
      ? configured
      : LEFT_PADDING_CLASSES.has(String(model.tokenizerConfig.tokenizer_class))
      ? "left"
      : "right"

    // Where the post-processor puts special tokens around the content, found by encoding a probe.
    const probe: Array<number> = tokenizer.encode("x", { add_special_tokens: false }).ids
    const full: Array<number> = tokenizer.encode("x").ids
    const at = full.findIndex((_, i) => probe.every((id, j) => full[i + j] === id))
    const prefix = full.slice(0, at)
    const suffix = full.slice(at + probe.length)
    const room = options.maxLength - prefix.length - suffix.length
    if (room < 1) return yield* fail(`maxLength ${options.maxLength} leaves no room beside ${prefix.length + suffix.length} special tokens`)

    return {
      encode: (text: string) => {
        const ids = tokenizer.encode(text).ids
        if (ids.length <= options.maxLength) return { ids, truncated: false }
        const content = tokenizer.encode(text, { add_special_tokens: false }).ids.slice(0, room)
        return { ids: [...prefix, ...content, ...suffix], truncated: true }
      },
      padId,
      paddingSide,
      vocabSize: tokenizer.get_vocab(true).size
    } satisfies Tokenization
  })

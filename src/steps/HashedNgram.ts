/**
 * A model-free featurizer of code text: token n-grams (n = 1…N) hashed into a fixed number of
 * dimensions (signed feature hashing), weighted by sublinear TF-IDF over the embedded corpus and
 * L2-normalised. A cheap baseline representation, and what runs where no model is available.
 *
 * The step runs on the Executor in shards of texts: first each shard's document frequencies (only
 * TF-IDF needs them; summed here, exactly, as integer counts), then each shard's rows. A row depends on
 * its text and the corpus's frequencies alone, so the result is the same bytes as `embedCorpus`.
 */
import { Effect, Schema } from "effect"
import { Executor } from "../core/Executor.ts"
import * as Step from "../core/Step.ts"
import { Embed } from "./Services.ts"

/** Identifiers, numbers, and single punctuation characters. */
export const tokenize = (text: string): Array<string> => text.match(/[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|\S/g) ?? []

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export const fnv1a = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export const Weighting = Schema.Literals(["tf", "sublinear-tf", "sublinear-tfidf"])

export const Params = Schema.Struct({
  dims: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1 << 20 })),
  n: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 8 })),
  weighting: Weighting
})
export type Params = typeof Params.Type

/** The hashed features of one text: slot → signed count. */
const counts = (text: string, params: Params): Map<number, number> => {
  const tokens = tokenize(text)
  const out = new Map<number, number>()
  for (let len = 1; len <= params.n; len++) {
    for (let i = 0; i + len <= tokens.length; i++) {
      const gram = tokens.slice(i, i + len).join("\u0001")
      const h = fnv1a(gram)
      // The top bit picks the sign, so that collisions cancel in expectation instead of piling up.
      const slot = (h & 0x7fffffff) % params.dims
      out.set(slot, (out.get(slot) ?? 0) + (h >>> 31 === 1 ? -1 : 1))
    }
  }
  return out
}

/** How many texts of `texts` hold each slot. */
export const documentFrequencies = (input: { readonly texts: ReadonlyArray<string>; readonly params: Params }): Float64Array => {
  const df = new Float64Array(input.params.dims)
  for (const text of input.texts) for (const slot of counts(text, input.params).keys()) df[slot]!++
  return df
}

/** The rows of `texts`, weighted with the frequencies of a corpus of `corpusSize` texts (`df`, for TF-IDF). */
export const embedRows = (input: {
  readonly texts: ReadonlyArray<string>
  readonly params: Params
  readonly df: Float64Array | undefined
  readonly corpusSize: number
}): Float32Array => {
  const { texts, params, df, corpusSize } = input
  const rows = texts.map((t) => counts(t, params))
  const out = new Float32Array(texts.length * params.dims)
  const row = new Float64Array(params.dims)
  rows.forEach((features, i) => {
    row.fill(0)
    for (const [slot, signed] of features) {
      if (signed === 0) continue // colliding n-grams of opposite sign cancelled out
      const tf = Math.abs(signed)
      const weight = params.weighting === "tf" ? tf : 1 + Math.log(tf)
      // Smoothed IDF, as scikit-learn's TfidfTransformer: ln((1 + N) / (1 + df)) + 1.
      const idf = df === undefined ? 1 : Math.log((1 + corpusSize) / (1 + df[slot]!)) + 1
      row[slot] = Math.sign(signed) * weight * idf
    }
    let norm = 0
    for (let d = 0; d < params.dims; d++) norm += row[d]! * row[d]!
    norm = Math.sqrt(norm)
    for (let d = 0; d < params.dims; d++) out[i * params.dims + d] = norm === 0 ? 0 : row[d]! / norm
  })
  return out
}

/** Embeds a corpus in this thread: rows in order, each L2-normalised (an empty text gives zeros). */
export const embedCorpus = (texts: ReadonlyArray<string>, params: Params): Float32Array =>
  embedRows({
    texts,
    params,
    df: params.weighting === "sublinear-tfidf" ? documentFrequencies({ texts, params }) : undefined,
    corpusSize: texts.length
  })

const here = import.meta.url
const FREQUENCIES = { module: here, fn: "documentFrequencies" }
const ROWS = { module: here, fn: "embedRows" }

/** Texts per shard: enough shards to keep every worker busy, none so small that messaging dominates. */
const shardsOf = <A>(items: ReadonlyArray<A>, workers: number): Array<ReadonlyArray<A>> => {
  const size = Math.max(256, Math.ceil(items.length / (4 * workers)))
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))
}

/** `embedCorpus` on the Executor, shard by shard (same bytes). */
export const embedOnExecutor = (texts: ReadonlyArray<string>, params: Params) =>
  Effect.gen(function*() {
    const executor = yield* Executor
    const shards = shardsOf(texts, executor.concurrency)
    const options = { concurrency: executor.concurrency }
    let df: Float64Array | undefined
    if (params.weighting === "sublinear-tfidf") {
      df = new Float64Array(params.dims)
      const parts = yield* Effect.forEach(shards, (shard) => executor.run<unknown, Float64Array>(FREQUENCIES, { texts: shard, params }), options)
      for (const part of parts) for (let slot = 0; slot < params.dims; slot++) df[slot]! += part[slot]!
    }
    const rows = yield* Effect.forEach(shards, (shard) =>
      executor.run<unknown, Float32Array>(ROWS, { texts: shard, params, df, corpusSize: texts.length }), options)
    const out = new Float32Array(texts.length * params.dims)
    let at = 0
    for (const part of rows) {
      out.set(part, at)
      at += part.length
    }
    return out
  })

export const HashedNgramEmbedder = {
  layer: Step.implement(Embed, {
    implementation: "hashed-ngram",
    version: 1,
    params: Params,
    sources: [import.meta.url],
    run: ({ code }, params) =>
      Effect.map(embedOnExecutor(code.columns.code, params), (x) => ({ embeddings: { arch: code.columns.arch, x } }))
  })
}

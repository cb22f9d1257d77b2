/**
 * A model-free featurizer of code text: token n-grams (n = 1…N) hashed into a fixed number of
 * dimensions (signed feature hashing), weighted by sublinear TF-IDF over the embedded corpus and
 * L2-normalised. A cheap baseline representation, and what runs where no model is available.
 */
import { Effect, Schema } from "effect"
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

/** Embeds a corpus: rows in order, each L2-normalised (an empty text gives zeros). */
export const embedCorpus = (texts: ReadonlyArray<string>, params: Params): Float32Array => {
  const rows = texts.map((t) => counts(t, params))
  const df = new Float64Array(params.dims)
  for (const row of rows) for (const slot of row.keys()) df[slot]!++
  const out = new Float32Array(texts.length * params.dims)
  const row = new Float64Array(params.dims)
  rows.forEach((features, i) => {
    row.fill(0)
    for (const [slot, signed] of features) {
      if (signed === 0) continue // colliding n-grams of opposite sign cancelled out
      const tf = Math.abs(signed)
      const weight = params.weighting === "tf" ? tf : 1 + Math.log(tf)
      // Smoothed IDF, as scikit-learn's TfidfTransformer: ln((1 + N) / (1 + df)) + 1.
      const idf = params.weighting === "sublinear-tfidf" ? Math.log((1 + texts.length) / (1 + df[slot]!)) + 1 : 1
      row[slot] = Math.sign(signed) * weight * idf
    }
    let norm = 0
    for (let d = 0; d < params.dims; d++) norm += row[d]! * row[d]!
    norm = Math.sqrt(norm)
    for (let d = 0; d < params.dims; d++) out[i * params.dims + d] = norm === 0 ? 0 : row[d]! / norm
  })
  return out
}

export const HashedNgramEmbedder = {
  layer: Step.implement(Embed, {
    implementation: "hashed-ngram",
    version: 1,
    params: Params,
    sources: [import.meta.url],
    run: ({ code }, params) =>
      Effect.sync(() => ({ embeddings: { arch: code.columns.arch, x: embedCorpus(code.columns.code, params) } }))
  })
}

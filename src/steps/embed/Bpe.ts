/**
 * A byte-level BPE trainer that writes a Hugging Face `tokenizer.json`, for the tiny test/demo models
 * (no tokenizer can be downloaded here). Pre-tokenisation and the byte→character map are GPT-2's, so
 * the file loads in any Hugging Face tokenizer implementation.
 */

/** GPT-2's reversible map from the 256 byte values to printable characters. */
export const bytesToUnicode = (): Array<string> => {
  const keep: Array<number> = []
  for (let b = 33; b <= 126; b++) keep.push(b)
  for (let b = 161; b <= 172; b++) keep.push(b)
  for (let b = 174; b <= 255; b++) keep.push(b)
  const map = new Array<string>(256)
  let extra = 0
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++)
  return map
}

/** GPT-2's pre-tokenisation pattern, as the ByteLevel pre-tokenizer applies it. */
export const PRE_TOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu

export interface Specials {
  /** Added in front of every sequence (e.g. `<s>` or `[CLS]`). */
  readonly prefix: ReadonlyArray<string>
  /** Added after every sequence (e.g. `[SEP]`). */
  readonly suffix: ReadonlyArray<string>
  /** All special tokens, in id order (they take ids 0…k−1). */
  readonly all: ReadonlyArray<string>
}

/** Trains merges until the vocabulary has `vocabSize` entries or no pair occurs twice. */
export const train = (corpus: ReadonlyArray<string>, vocabSize: number, specials: Specials) => {
  const byteChar = bytesToUnicode()
  const encoder = new TextEncoder()
  const words = new Map<string, number>()
  for (const text of corpus) {
    for (const piece of text.match(PRE_TOKENIZE) ?? []) {
      const word = Array.from(encoder.encode(piece), (b) => byteChar[b]).join("\u0000")
      words.set(word, (words.get(word) ?? 0) + 1)
    }
  }
  const split = [...words].map(([w, count]) => ({ symbols: w.split("\u0000"), count }))
  const vocab = new Map<string, number>()
  for (const s of specials.all) vocab.set(s, vocab.size)
  for (const c of [...byteChar].sort()) vocab.set(c, vocab.size)
  const merges: Array<string> = []
  while (vocab.size < vocabSize) {
    const pairs = new Map<string, number>()
    for (const { symbols, count } of split) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`
        pairs.set(key, (pairs.get(key) ?? 0) + count)
      }
    }
    let best: string | undefined
    let bestCount = 1
    // The most frequent pair; ties go to the lexicographically smallest, so training is deterministic.
    for (const [key, count] of pairs) if (count > bestCount || (count === bestCount && best !== undefined && key < best)) (best = key), (bestCount = count)
    if (best === undefined) break
    const [a, b] = best.split(" ") as [string, string]
    merges.push(best)
    vocab.set(a + b, vocab.size)
    for (const word of split) {
      const out: Array<string> = []
      for (let i = 0; i < word.symbols.length; i++) {
        if (i + 1 < word.symbols.length && word.symbols[i] === a && word.symbols[i + 1] === b) {
          out.push(a + b)
          i++
        } else out.push(word.symbols[i]!)
      }
      word.symbols = out
    }
  }
  return { vocab, merges }
}

/** The `tokenizer.json` of a trained BPE, with the specials added around every sequence. */
export const tokenizerJson = (trained: ReturnType<typeof train>, specials: Specials) => {
  const piece = (id: string) => ({ SpecialToken: { id, type_id: 0 } })
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: specials.all.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true
    })),
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: "TemplateProcessing",
      single: [...specials.prefix.map(piece), { Sequence: { id: "A", type_id: 0 } }, ...specials.suffix.map(piece)],
      pair: [
        ...specials.prefix.map(piece),
        { Sequence: { id: "A", type_id: 0 } },
        ...specials.suffix.map(piece),
        { Sequence: { id: "B", type_id: 1 } },
        ...specials.suffix.map(piece)
      ],
      special_tokens: Object.fromEntries([...specials.prefix, ...specials.suffix].map((t) => [t, { id: t, ids: [trained.vocab.get(t)!], tokens: [t] }]))
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(trained.vocab),
      merges: trained.merges
    }
  }
}

/**
 * Embedding throughput: NB201 code texts through a generated base-size encoder (6 layers × 768 hidden,
 * 12 heads, FFN 3072) on CPU, with length-bucketed batches of 32. Reports real tokens/s and padding
 * efficiency (real / processed tokens) next to ../shared/bench/reference.py encoder (PyTorch, the same
 * shapes, the same token counts, sorted batches) run right after on the same machine.
 *
 *   node --import tsx bench/embed.ts [texts = 15625] [threads = 2] [reference texts = 32]
 *
 * Debian's python3-torch is built with a generic BLAS and runs this model at a few dozen tokens/s, so
 * the reference gets one batch from the middle of the same sorted plan (typical lengths, tight
 * padding; tokens/s is comparable, the whole corpus would take it days). Unsets OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for it.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { nb201 } from "../src/spaces/nb201/Nb201.ts"
import * as ModelFolder from "../src/steps/embed/ModelFolder.ts"
import * as OnnxSession from "../src/steps/embed/OnnxSession.ts"
import * as TinyModel from "../src/steps/embed/TinyModel.ts"

const count = Number(process.argv[2] ?? 15_625)
const threads = Number(process.argv[3] ?? 2)
const referenceTexts = Number(process.argv[4] ?? 32)
const shape = { layers: 6, hidden: 768, heads: 12, ffn: 3072, vocab: 8000 }

const dir = mkdtempSync(path.join(os.tmpdir(), "cole-bench-embed-"))
try {
  const archs = nb201.enumerate!().slice(0, count)
  const texts = archs.map((a) => nb201.transpile(a, { mode: "exclude-helper", addon: "none" }))
  const model = path.join(dir, "model")
  const corpus = texts.filter((_, i) => i % 25 === 0)
  ModelFolder.writeTiny(model, { ...TinyModel.defaults, ...shape, kind: "encoder", corpus, tokenizerVocab: shape.vocab, maxPositions: 1024 })

  const result = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const session = yield* OnnxSession.open({ model, executionProvider: "cpu", maxLength: 512, batchSize: 32, pooling: "mean", paddingSide: "auto", positionIds: "arange", threads })
    const counts = texts.map((t) => session.tokenization.encode(t).ids.length)
    const batches = OnnxSession.plan(counts, texts.map(OnnxSession.textKey), 32)
    const processed = batches.reduce((n, b) => n + b.length * Math.max(...b.map((i) => counts[i]!)), 0)
    const real = counts.reduce((a, b) => a + b, 0)
    const started = performance.now()
    yield* session.embed(texts, batches)
    const seconds = (performance.now() - started) / 1000
    // The middle of the sorted plan: a typical length, batched as tightly as ours.
    const sorted = batches.flat().map((i) => counts[i]!)
    const from = Math.max(0, Math.floor((sorted.length - referenceTexts) / 2))
    writeFileSync(path.join(dir, "lengths.txt"), sorted.slice(from, from + referenceTexts).join("\n"))
    return { real, processed, seconds }
  })))

  const reference = spawnSync("/usr/bin/python3", [
    fileURLToPath(new URL("../../shared/bench/reference.py", import.meta.url)),
    "encoder", "--layers", "6", "--hidden", "768", "--heads", "12", "--ffn", "3072", "--vocab", String(shape.vocab),
    "--lengths", path.join(dir, "lengths.txt"), "--batch", "32", "--threads", String(threads), "--sort"
  ], { encoding: "utf8", env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPENBLAS_"))) })
  const torch = reference.status === 0 ? JSON.parse(reference.stdout.trim().split("\n").at(-1)!) : undefined

  const ours = result.real / result.seconds
  console.log(`embedding ${count} NB201 texts (exclude-helper), 6 × 768 encoder, batch 32, ${threads} threads, node ${process.version}`)
  console.log(`| | real tokens/s | padding efficiency | seconds |`)
  console.log(`| --- | --- | --- | --- |`)
  console.log(`| cole (ONNX Runtime, CPU) | ${ours.toFixed(0)} | ${(result.real / result.processed).toFixed(4)} | ${result.seconds.toFixed(1)} |`)
  if (torch) {
    console.log(`| PyTorch reference (${torch.texts} texts of the same token counts) | ${torch.real_tokens_per_s} | ${torch.padding_efficiency} | ${torch.seconds} |`)
    console.log(`throughput ratio cole / PyTorch: ${(ours / torch.real_tokens_per_s).toFixed(2)}×`)
  } else {
    console.log(`PyTorch reference not run: ${reference.stderr || reference.error?.message} (apt-get install python3-torch)`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

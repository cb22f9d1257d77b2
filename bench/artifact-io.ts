/**
 * Artifact I/O: write and read a 15,625 × 4096 float32 embedding table through the store (Arrow
 * encode → sha256 → tmp write → fsync → rename; read → sha256 verify → zero-copy decode), against a raw
 * `fs` write (with the same fsync) and read of the same bytes, measured in the same run.
 *
 *   npm run bench            (or: node --import tsx bench/artifact-io.ts [rows] [dims])
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import * as Artifact from "../src/core/Artifact.ts"
import * as Column from "../src/core/Column.ts"
import * as Hash from "../src/core/Hash.ts"
import * as Store from "../src/core/Store.ts"

const rows = Number(process.argv[2] ?? 15_625)
const dims = Number(process.argv[3] ?? 4096)
const repeats = 3

const Embeddings = Artifact.table("bench/embeddings", { arch: Column.utf8, embedding: Column.vector(dims) })

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
const mb = (bytes: number) => bytes / 1e6
const peakMiB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0)

const time = async (f: () => Promise<unknown>) => {
  const t = performance.now()
  await f()
  return performance.now() - t
}

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cole-bench-"))
  try {
    const embedding = new Float32Array(rows * dims)
    for (let i = 0; i < embedding.length; i++) embedding[i] = Math.sin(i) * 0.5
    const frame = Artifact.make(Embeddings, { arch: Array.from({ length: rows }, (_, i) => `arch-${i}`), embedding })
    const store = Store.make(path.join(dir, "store"))
    await Effect.runPromise(store.init)
    const baseline = `${peakMiB()} MiB`

    // The raw baseline writes the very bytes the store writes.
    const bytes = Artifact.encode(frame)
    let digest: Hash.Digest = "sha256:"
    const writes: Array<number> = []
    const rawWrites: Array<number> = []
    for (let r = 0; r < repeats; r++) {
      await fs.rm(path.join(dir, "store", "blobs"), { recursive: true, force: true })
      writes.push(await time(async () => {
        const chunks = await Artifact.encodeChunks(frame)
        digest = (await Effect.runPromise(store.putBlob(chunks))).digest
      }))
      const raw = path.join(dir, `raw-${r}`)
      rawWrites.push(await time(async () => {
        const h = await fs.open(raw, "w")
        await h.writeFile(bytes)
        await h.sync()
        await h.close()
      }))
    }
    const afterWrite = `${peakMiB()} MiB`

    const reads: Array<number> = []
    const rawReads: Array<number> = []
    let checksum = 0
    for (let r = 0; r < repeats; r++) {
      reads.push(await time(async () => {
        const back = Artifact.decode(Embeddings, await Effect.runPromise(store.readBlob(digest)))
        checksum += back.columns.embedding[back.columns.embedding.length - 1]!
      }))
      rawReads.push(await time(async () => {
        const raw = await fs.readFile(path.join(dir, `raw-${r}`))
        checksum += raw[raw.length - 1]!
      }))
    }
    const afterRead = `${peakMiB()} MiB`

    const size = mb(bytes.length)
    const row = (label: string, ours: Array<number>, raw: Array<number>) => {
      const o = median(ours)
      const w = median(raw)
      return `| ${label} | ${(size / (o / 1000)).toFixed(0)} MB/s (${o.toFixed(0)} ms) | ${(size / (w / 1000)).toFixed(0)} MB/s (${w.toFixed(0)} ms) | ${(o / w).toFixed(2)}× |`
    }
    console.log(`artifact: ${rows} × ${dims} float32 + arch strings = ${size.toFixed(1)} MB; median of ${repeats}; node ${process.version}`)
    console.log(`| direction | cole store | raw fs | ratio |`)
    console.log(`| --- | --- | --- | --- |`)
    console.log(row("write (encode, sha256, fsync, rename)", writes, rawWrites))
    console.log(row("read (sha256 verify, zero-copy decode)", reads, rawReads))
    console.log(`peak RSS: ${baseline} with the table in memory, ${afterWrite} after writes, ${afterRead} after reads (checksum ${checksum.toFixed(3)})`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()

/**
 * NB201 throughput: transpile all 15,625 architectures in each mode (and add-on), and compute every
 * encoding for all of them, on one core. The reference is a plain string-concatenation loop that builds
 * strings of the same total length, measured in the same run. Goal: each under 1 s. Also what reading
 * the shipped table from gzip costs against the same table as plain CSV.
 *
 *   node --import tsx bench/nb201.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import { Effect } from "effect"
import { encodeAll } from "../src/core/Space.ts"
import * as Benchmark from "../src/spaces/nb201/Benchmark.ts"
import { nb201 } from "../src/spaces/nb201/Nb201.ts"

const archs = nb201.enumerate!()
const median = (f: () => unknown, repeats = 5) => {
  const times: Array<number> = []
  for (let r = 0; r < repeats; r++) {
    const t = performance.now()
    f()
    times.push(performance.now() - t)
  }
  return times.sort((a, b) => a - b)[repeats >> 1]!
}

// The reference: concatenate a line per op, padded to the same length as the real text.
const concatenation = (targetLength: number) => () => {
  let total = 0
  for (const arch of archs) {
    let s = ""
    while (s.length < targetLength) s += `        self.op = ${arch.join(", ")}\n`
    total += s.length
  }
  return total
}

console.log(`NB201, ${archs.length} architectures, node ${process.version}, median of 5`)
console.log("| work | time | plain concatenation of the same length | ratio |")
console.log("| --- | --- | --- | --- |")
for (const mode of ["exclude-helper", "helper", "inline"] as const) {
  for (const addon of ["none", "comment", "backbone"] as const) {
    const options = { mode, addon }
    const mean = archs.reduce((n, a) => n + nb201.transpile(a, options).length, 0) / archs.length
    const ours = median(() => archs.map((a) => nb201.transpile(a, options)))
    const reference = median(concatenation(mean))
    console.log(`| transpile ${mode} + ${addon} (${Math.round(mean)} chars) | ${ours.toFixed(1)} ms | ${reference.toFixed(1)} ms | ${(ours / reference).toFixed(2)}× |`)
  }
}
for (const [name, encoding] of Object.entries(nb201.encodings)) {
  const ours = median(() => encodeAll(encoding, archs))
  console.log(`| encode ${name} (${encoding.dimensions}-d) | ${ours.toFixed(1)} ms | | |`)
}
const parse = median(() => archs.map((a) => nb201.parse(nb201.format(a))))
console.log(`| format + parse | ${parse.toFixed(1)} ms | | |`)

// Loading one objective column of the shipped table: from its gzip file, and from the same text written
// out as plain CSV (the reference); decompression is the difference.
const dir = mkdtempSync(path.join(tmpdir(), "cole-bench-nb201-"))
try {
  const gzipped = path.join(Benchmark.defaultFolder(), "nb201.csv.gz")
  const plain = path.join(dir, "nb201.csv")
  writeFileSync(plain, gunzipSync(readFileSync(gzipped)))
  const load = (file: string) => () => Effect.runSync(Benchmark.load(file, "cifar10_test"))
  load(gzipped)()
  const fromGzip = median(load(gzipped), 9)
  const fromPlain = median(load(plain), 9)
  console.log(`| load the cifar10_test column (15,625 rows, checked) from nb201.csv.gz | ${fromGzip.toFixed(1)} ms | plain CSV: ${fromPlain.toFixed(1)} ms | ${(fromGzip / fromPlain).toFixed(2)}× |`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

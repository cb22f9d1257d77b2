/**
 * einspace throughput on one core: sampling (with the share of attempts abandoned at the draw budget or
 * the tensor cap), parsing (long and short forms) and transpiling, in architectures per second.
 * Goals (issue: einspace): ≥ 500 samples/s, ≥ 10,000 parses/s and transpiles/s.
 *
 *   node --import tsx bench/einspace.ts
 */
import { Result } from "effect"
import { defaultOptions } from "../schemas/Einspace.ts"
import * as Rng from "../src/core/Rng.ts"
import { parse } from "../src/spaces/einspace/Einspace.ts"
import { sampleDetailed } from "../src/spaces/einspace/Sampler.ts"
import { formatLong, formatShort } from "../src/spaces/einspace/Strings.ts"
import { transpile } from "../src/spaces/einspace/Transpile.ts"
import { type Node, preOrder } from "../src/spaces/einspace/Tree.ts"

const SAMPLES = 5_000
const ROUNDS = 3
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const rate = (n: number, f: () => void) => {
  const started = performance.now()
  f()
  return n / ((performance.now() - started) / 1000)
}

const trees: Array<Node> = []
let attempts = 0
const abandoned = { draws: 0, cap: 0 }
const sampling = Array.from({ length: ROUNDS }, (_, round) =>
  rate(SAMPLES, () => {
    const rng = Rng.make(round, "bench")
    for (let i = 0; i < SAMPLES; i++) {
      const s = sampleDetailed(rng, defaultOptions)
      if (round === 0) {
        trees.push(s.tree)
        attempts += s.attempts
        abandoned.draws += s.abandoned.draws
        abandoned.cap += s.abandoned.cap
      }
    }
  }))
const longs = trees.map(formatLong)
const shorts = trees.map(formatShort)
const parseAll = (texts: ReadonlyArray<string>) => () => {
  for (const t of texts) if (Result.isFailure(parse(t))) throw new Error(`unparsable: ${t}`)
}
const parsingLong = Array.from({ length: ROUNDS }, () => rate(longs.length, parseAll(longs)))
const parsingShort = Array.from({ length: ROUNDS }, () => rate(shorts.length, parseAll(shorts)))
const transpiling = Array.from({ length: ROUNDS }, () => rate(trees.length, () => trees.forEach(transpile)))
const nodes = trees.map((t) => preOrder(t).length).sort((a, b) => a - b)

console.log(`einspace on one core, node ${process.version}, ${SAMPLES} architectures per round, median of ${ROUNDS} rounds`)
console.log(`trees: median ${nodes[nodes.length >> 1]} nodes, mean ${(nodes.reduce((a, b) => a + b, 0) / nodes.length).toFixed(1)}; long strings average ${(longs.reduce((a, s) => a + s.length, 0) / longs.length).toFixed(0)} characters`)
console.log("| operation | architectures/s | goal |")
console.log("| --- | --- | --- |")
console.log(`| sample | ${median(sampling).toFixed(0)} | ≥ 500 |`)
console.log(`| parse (long form) | ${median(parsingLong).toFixed(0)} | ≥ 10,000 |`)
console.log(`| parse (short form) | ${median(parsingShort).toFixed(0)} | ≥ 10,000 |`)
console.log(`| transpile | ${median(transpiling).toFixed(0)} | ≥ 10,000 |`)
const abandonedAll = abandoned.draws + abandoned.cap
console.log(`sampling attempts: ${(attempts / SAMPLES).toFixed(3)} per architecture; ${(100 * abandonedAll / attempts).toFixed(1)}% abandoned ` +
  `(${(100 * abandoned.draws / attempts).toFixed(1)}% at the draw budget, ${(100 * abandoned.cap / attempts).toFixed(1)}% at the tensor cap)`)

/**
 * Seconds per BANANAS trial (path-naslib on cifar100_test, one core: the fits run in this thread) next to
 * bench/reference.py trial (PyTorch, one thread: the surrogate fits alone) in the same run, on
 * the same first K fits of the 48 (|D| = 20, 30, …), so both train the same number of steps, alternating
 * round by round. With
 * `--full`, also one whole 500-evaluation trial per preset.
 *
 *   node --import tsx bench/search.ts [--full]
 */
import { Effect, Layer } from "effect"
import * as Artifact from "../src/core/Artifact.ts"
import * as Executor from "../src/core/Executor.ts"
import * as Pipeline from "../src/core/Pipeline.ts"
import * as Progress from "../src/core/Progress.ts"
import * as Store from "../src/core/Store.ts"
import * as Linalg from "../src/kernels/Linalg.ts"
import { search } from "../src/search/SearchStep.ts"
import { Nb201Benchmark } from "../src/steps/Evaluator.ts"
import { Architectures, Encode, Evaluate, Search } from "../src/steps/Services.ts"
import * as SpaceSteps from "../src/steps/SpaceSteps.ts"
import * as Reference from "./Reference.ts"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"

const trialSeconds = async (preset: "cole-paper" | "naslib-default", budget: number) => {
  const store = mkdtempSync(path.join(tmpdir(), "cole-bench-"))
  const pipeline = Pipeline.make("bench-search", Effect.gen(function*() {
    const { architectures } = yield* Pipeline.node(Architectures, {})
    const { features } = yield* Pipeline.node(Encode, { architectures })
    const { objective } = yield* Pipeline.node(Evaluate, { architectures })
    // Load the inputs first, so the timed node is the search alone.
    yield* Pipeline.load(features)
    yield* Pipeline.load(objective)
    const started = performance.now()
    const { trajectory } = yield* Pipeline.node(Search, { features, objective })
    const rows = Artifact.toRows(yield* Pipeline.load(trajectory))
    return { seconds: (performance.now() - started) / 1000, evaluations: rows.length }
  }), Layer.mergeAll(
    SpaceSteps.architectures({ space: "nb201" }),
    SpaceSteps.encode({ space: "nb201", encoding: "path-naslib" }),
    SpaceSteps.evaluate({}).pipe(Layer.provide(Nb201Benchmark.layer({ objective: "cifar100_test" }))),
    search({ preset, budget, trials: 1 })
  ))
  const result = await Effect.runPromise(Pipeline.run(pipeline).pipe(Effect.provide(Layer.mergeAll(Store.layer(store), Executor.inline, Progress.silent))))
  rmSync(store, { recursive: true, force: true })
  return result.value.seconds
}

const reference = (preset: string, fits: number) =>
  Reference.run("trial", ["--preset", preset, "--fits", fits, "--threads", 1]) as { seconds: number; steps: number }

// Shared machines drift by tens of percent within a minute: the two sides alternate, round by round,
// and the ratio reported is the median of the rounds' ratios.
const ROUNDS = 5
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`BANANAS trial, path-naslib, one core, node ${process.version}, median of ${ROUNDS} alternating rounds, kernels: ${Linalg.inUse}`)
console.log(Reference.describe())
console.log("| preset | fits | cole | PyTorch fits alone (1 thread) | ratio |")
console.log("| --- | --- | --- | --- | --- |")
for (const [preset, fits] of [["cole-paper", 12], ["naslib-default", 6]] as const) {
  const rounds: Array<{ ours: number; theirs: number; steps: number }> = []
  for (let r = 0; r < ROUNDS; r++) {
    const ours = await trialSeconds(preset, 20 + 10 * fits)
    const theirs = reference(preset, fits)
    rounds.push({ ours, theirs: theirs.seconds, steps: theirs.steps })
  }
  const ours = median(rounds.map((r) => r.ours)), theirs = median(rounds.map((r) => r.theirs))
  console.log(`| ${preset} | first ${fits} (${rounds[0]!.steps} steps) | ${ours.toFixed(2)} s | ${theirs.toFixed(2)} s | ${median(rounds.map((r) => r.theirs / r.ours)).toFixed(2)}× |`)
}
if (process.argv.includes("--full")) {
  for (const preset of ["cole-paper", "naslib-default"] as const) console.log(`whole trial (500 evaluations, 48 fits), ${preset}: ${(await trialSeconds(preset, 500)).toFixed(1)} s`)
}

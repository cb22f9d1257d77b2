/** A user's program as the evaluator: every outcome recorded, a search that moves past failures, each result cached. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import * as Store from "../../src/core/Store.ts"
import { openSearch } from "../../src/search/OpenSearch.ts"
import { einspace } from "../../src/spaces/einspace/Einspace.ts"
import { CommandEvaluator, dependencyDigests, namedFiles, runCommand } from "../../src/steps/CommandEvaluator.ts"
import { Evaluator } from "../../src/steps/Evaluator.ts"
import { OpenSearch } from "../../src/steps/Services.ts"
import { tempDir } from "../helpers.ts"

const code = "class Network(nn.Module):\n    pass"
const run = (command: string, timeout = 10) => Effect.runPromise(runCommand({ command, timeout }, "arch", code))

describe("runCommand", () => {
  it("reads the last line of stdout as the value; code text on stdin and in $COLE_CODE_FILE, the arch in $COLE_ARCH", async () => {
    assert.deepStrictEqual(await run("echo training…; echo 71.25"), { status: "ok", value: 71.25 })
    assert.deepStrictEqual(await run("wc -l"), { status: "ok", value: 1 }) // stdin: two lines, one newline
    assert.deepStrictEqual(await run(`test "$COLE_ARCH" = arch && grep -c Network "$COLE_CODE_FILE"`), { status: "ok", value: 1 })
  })

  it("records a non-zero exit, output that is not a number and a timeout as such", async () => {
    assert.deepStrictEqual(await run("echo out of memory >&2; exit 3"), { status: "failed", detail: "exit 3: out of memory" })
    assert.deepStrictEqual(await run("echo accuracy: high"), { status: "invalid-output", detail: `the last line of stdout is "accuracy: high", expected a number` })
    assert.deepStrictEqual(await run("true"), { status: "invalid-output", detail: `the last line of stdout is "", expected a number` })
    const started = Date.now()
    assert.deepStrictEqual(await run("sleep 5; echo 1", 0.3), { status: "timeout", detail: "no result within 0.3 s" })
    assert.isBelow(Date.now() - started, 3000) // the sleeping child was killed with its process group
  })
})

describe("a search with a command evaluator", () => {
  it.live("records every outcome in the trajectory, goes on past failures, and never runs an architecture twice", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const log = path.join(dir, "calls.log")
      // Fails on softmax, prints garbage on pos_enc, else scores the text's line count.
      const command = `echo "$COLE_ARCH" >> ${log}; if grep -q Softmax "$COLE_CODE_FILE"; then exit 1; elif grep -q Positional "$COLE_CODE_FILE"; then echo nan-ish; else wc -l < "$COLE_CODE_FILE"; fi`
      const evaluator = CommandEvaluator.layer({ command, timeout: 20, space: "einspace" })
      const pipeline = Pipeline.make("command-search", Effect.gen(function*() {
        const { trajectory } = yield* Pipeline.node(OpenSearch, {})
        return Artifact.toRows(yield* Pipeline.load(trajectory))
      }), openSearch({ space: "einspace", algorithm: { use: "random" }, budget: 40, failureValue: -1 }).pipe(Layer.provide(evaluator)))
      const platform = Layer.mergeAll(Store.layer(path.join(dir, "store")), Executor.inline, Progress.silent)
      const { value: rows } = yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      assert.strictEqual(rows.length, 40)
      const statuses = new Set(rows.map((r) => r.status))
      assert.isTrue(statuses.has("ok") && statuses.has("failed") && statuses.has("invalid-output"), [...statuses].join())
      for (const r of rows) {
        const text = einspace.transpile(Result.getOrThrow(einspace.parse(r.arch)), {})
        const expected = text.includes("Softmax") ? "failed" : text.includes("Positional") ? "invalid-output" : "ok"
        assert.strictEqual(r.status, expected)
        // The failure value (-1) steered the surrogate only: the trajectory holds no value for a failure.
        assert.strictEqual(r.value, expected === "ok" ? text.split("\n").length - 1 : null)
        assert.strictEqual(r.detail === "", expected === "ok")
      }
      const distinct = new Set(rows.map((r) => r.arch)).size
      assert.strictEqual(readFileSync(log, "utf8").trim().split("\n").length, distinct)
      // Everything is cached: the same search again runs the program for nothing.
      const { value: again } = yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      assert.deepStrictEqual(again, rows)
      assert.strictEqual(readFileSync(log, "utf8").trim().split("\n").length, distinct)
    }), 120_000)

  it.live("names a string the space cannot parse", () =>
    Effect.gen(function*() {
      const evaluator = yield* Effect.provide(Effect.service(Evaluator), CommandEvaluator.layer({ command: "echo 1", timeout: 5, space: "einspace" }))
      const failure = yield* Effect.flip(evaluator.evaluate("sequential[relu]"))
      assert.strictEqual(failure._tag, "UnknownArchitecture")
    }))

  it.live("keys every evaluation by the files it depends on: an edited script re-evaluates, an untouched one hits", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const script = path.join(dir, "score.sh")
      const config = path.join(dir, "configs")
      mkdirSync(config)
      writeFileSync(path.join(config, "lr.txt"), "0.1\n")
      const log = path.join(dir, "calls.log")
      writeFileSync(script, `echo "$COLE_ARCH" >> ${log}; echo 50`)
      // The script is named by the command (included without asking); the folder is declared.
      const pipeline = Pipeline.make("dependent-search", Effect.gen(function*() {
        const { trajectory } = yield* Pipeline.node(OpenSearch, {})
        return Artifact.toRows(yield* Pipeline.load(trajectory)).map((r) => r.value)
      }), openSearch({ space: "einspace", algorithm: { use: "random" }, budget: 6, failureValue: -1 }).pipe(
        Layer.provide(CommandEvaluator.layer({ command: `sh ${script}`, timeout: 20, space: "einspace", dependencies: [config] }))
      ))
      const platform = Layer.mergeAll(Store.layer(path.join(dir, "store")), Executor.inline, Progress.silent)
      const calls = () => readFileSync(log, "utf8").trim().split("\n").length
      const first = yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      assert.deepStrictEqual(first.value, [50, 50, 50, 50, 50, 50])
      const made = calls()
      // Untouched: every node and evaluation hits.
      yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      assert.strictEqual(calls(), made)
      // The script edited: the same architectures are evaluated again, with the new values.
      writeFileSync(script, `echo "$COLE_ARCH" >> ${log}; echo 60`)
      const edited = yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      assert.deepStrictEqual(edited.value, [60, 60, 60, 60, 60, 60])
      assert.strictEqual(calls(), 2 * made)
      // A file inside a declared folder edited: again.
      writeFileSync(path.join(config, "lr.txt"), "0.01\n")
      yield* Pipeline.run(pipeline).pipe(Effect.provide(platform))
      assert.strictEqual(calls(), 3 * made)
    }), 120_000)

  it.live("a dependency that does not exist is a typed error naming it, before any evaluation", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const missing = path.join(dir, "configs")
      const error = yield* Effect.flip(dependencyDigests({ command: "echo 1", dependencies: [missing] }))
      assert.strictEqual(error._tag, "EvaluatorDependencyError")
      assert.strictEqual(error.message, `evaluator dependency ${missing}: cannot be read (ENOENT); expected an existing file or folder`)
      const layerError = yield* Effect.flip(Effect.provide(Effect.service(Evaluator), CommandEvaluator.layer({ command: "echo 1", timeout: 5, space: "einspace", dependencies: [missing] })))
      assert.strictEqual(layerError._tag, "EvaluatorDependencyError")
    }))

  it("finds the files a command names: its script and file arguments, not flags or missing paths", () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, "train.py"), "print(1)")
    writeFileSync(path.join(dir, "cfg.yaml"), "lr: 0.1")
    const command = `python3 ${path.join(dir, "train.py")} --config "${path.join(dir, "cfg.yaml")}" --epochs 3 ${path.join(dir, "absent.py")}`
    assert.deepStrictEqual(namedFiles(command), [path.join(dir, "train.py"), path.join(dir, "cfg.yaml")])
  })
})

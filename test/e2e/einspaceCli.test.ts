/**
 * einspace through the CLI, as a user would: sample, format, transpile, shapes; then labels measured
 * elsewhere (here a SYNTHETIC score, see test/fixtures/syntheticEinspace.ts) imported and
 * cross-validated on the hashed n-gram code-text representation, with no NB201 anywhere.
 */
import { spawn } from "node:child_process"
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { Result } from "effect"
import * as Rng from "../../src/core/Rng.ts"
import { einspace, parse } from "../../src/spaces/einspace/Einspace.ts"
import { formatShort } from "../../src/spaces/einspace/Strings.ts"
import { syntheticScore } from "../fixtures/syntheticEinspace.ts"
import { repoRoot, tempDir } from "../helpers.ts"
import { example1Pretty, examples } from "../spaces/einspace/examples.ts"
import { cole } from "./cli.ts"

const short = (text: string) => {
  const r = parse(text)
  if (Result.isFailure(r)) throw r.failure
  return formatShort(r.success)
}

describe("cole on einspace", () => {
  it("samples deterministically, in the long form unless --short", async () => {
    const [long, again, shortForm] = await Promise.all([
      cole(["sample", "--space", "einspace", "--count", "5", "--seed", "3"]),
      cole(["sample", "--space", "einspace", "--count", "5", "--seed", "3"]),
      cole(["sample", "--space", "einspace", "--count", "5", "--seed", "3", "--short"])
    ])
    expect(long.code, long.stderr).toBe(0)
    expect(again.stdout).toBe(long.stdout)
    const lines = long.stdout.trimEnd().split("\n")
    expect(lines).toHaveLength(5)
    expect(lines.every((l) => l.includes("{'out_feature_shape': ["))).toBe(true)
    expect(shortForm.stdout.trimEnd().split("\n")).toEqual(lines.map(short))
  }, 60_000)

  it("formats, transpiles and shows shapes; a malformed string is one line naming the offset", async () => {
    const [e1, e2] = [examples[0]!, examples[1]!]
    const [canonical, shortForm, pretty, code, shapes, bad] = await Promise.all([
      cole(["format", "--space", "einspace", e1.short]),
      cole(["format", "--space", "einspace", "--short", e1.long]),
      cole(["format", "--space", "einspace", "--pretty", e1.short]),
      cole(["transpile", "--space", "einspace", e2.short]),
      cole(["shapes", "--space", "einspace", e2.short]),
      cole(["format", "--space", "einspace", "sequential[computation[relu], computation[norm])"])
    ])
    expect(canonical.stdout).toBe(`${e1.long}\n`)
    expect(shortForm.stdout).toBe(`${e1.short}\n`)
    expect(pretty.stdout).toBe(`${example1Pretty}\n`)
    expect(code.stdout).toBe(`${e2.code}\n`)
    expect(shapes.stdout).toMatch(/^sequential {2}network: \[3, 32, 32\] im → \[64, 32, 32\] col \(32, 32\)\n/)
    expect(shapes.stdout).toMatch(/\n {4}im2col\(3,1,1\) {2}prerouting_fn: \[3, 32, 32\] im → \[1024, 27\] col \(32, 32\)\n/)
    expect(shapes.stdout).toMatch(/\nparameters: 1920\n$/)
    expect(bad.code).not.toBe(0)
    expect(bad.stderr.trim()).toBe(
      `cole: invalid einspace architecture "sequential[computation[relu], computation[norm])" at position 47: Syntax (line 1, column 48): expected ',' or ']', found ')'`
    )
    const nb201Short = await cole(["format", "--space", "nb201", "--short", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"])
    expect(nb201Short.stderr.trim()).toBe("cole: --short: space nb201 has no short form")
  }, 60_000)

  it("imports labels and cross-validates a code-text representation on them", async () => {
    const dir = tempDir()
    const store = path.join(dir, "store")
    const rng = Rng.make(1, "labels")
    const rows = new Map<string, number>()
    while (rows.size < 150) {
      const t = einspace.sample(rng)
      rows.set(einspace.format(t), syntheticScore(t))
    }
    const csv = path.join(dir, "synthetic-labels.csv")
    // Quoted, as RFC 4180 requires for fields with commas; the short form is accepted as well.
    writeFileSync(csv, ["architecture,synthetic_score", ...[...rows].map(([a, v], i) => `"${i % 2 === 0 ? a : short(a)}",${v}`)].join("\n"))
    const imported = await cole(["import", "labels", csv, "--space", "einspace", "--store", store])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/^labels\/synthetic-labels: 150 einspace architectures, values .* \(computed\)/)

    const args = ["cv", "--store", store, "--space", "einspace", "--objective", `labels:${csv}`, "--representation", "hashed-ngram",
      "--repeats", "1", "--budgets", "20,80", "--epochs", "30", "--workers", "1", "--json"]
    const cv = await cole(args)
    expect(cv.code, cv.stderr).toBe(0)
    const summary = JSON.parse(cv.stdout)
    const budgets = summary.configurations[0].budgets
    expect(budgets.map((b: { budget: number; n: number }) => [b.budget, b.n])).toEqual([[20, 10], [80, 10]])
    // The synthetic score is a function of the code text's tokens: the surrogate must rank it.
    expect(budgets[1].meanTau).toBeGreaterThan(0.4)

    // The same labels as a cv ablation on einspace: a file with no import, decoded as data.
    const ablation = path.join(dir, "reducer-ablation.ts")
    writeFileSync(ablation, `export default ${JSON.stringify({
      name: "einspace-reducer",
      question: "does PCA help on einspace code text?",
      space: "einspace",
      objective: `labels:${csv}`,
      base: { representation: "hashed-ngram", reducer: "pca128", loss: "hinge", epochs: 30 },
      axes: { reducer: ["pca128", "none"] },
      repeats: 1,
      budgets: [20, 80]
    })}\n`)
    const ablated = await cole(["ablate", ablation, "--store", store, "--workers", "1", "--json"])
    expect(ablated.code, ablated.stderr).toBe(0)
    const ablatedSummary = JSON.parse(ablated.stdout)
    expect(ablatedSummary.configurations.map((c: { name: string }) => c.name)).toEqual(["hashed-ngram · pca128 · hinge · 30 ep", "hashed-ngram · none · hinge · 30 ep"])
    // The base configuration is the one `cole cv` just ran: same folds, same τ.
    expect(ablatedSummary.configurations[0].budgets).toEqual(budgets)

    const bad = path.join(dir, "bad.csv")
    writeFileSync(bad, `architecture,value\n"${examples[0]!.short}",71.5\n"sequential[computation[relu]]",60\n`)
    const refused = await cole(["import", "labels", bad, "--space", "einspace", "--store", store])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/bad\.csv: line 3: invalid einspace architecture "sequential\[computation\[relu\]\]" at position 0: ChildCount/)
  }, 120_000)

  it("searches with a user's training command as the evaluator, recording its failures", async () => {
    const dir = tempDir()
    const script = path.join(dir, "train.sh")
    // A stand-in for training: 50 + the number of dense layers; networks with a softmax "crash".
    const calls = path.join(dir, "calls.log")
    writeFileSync(script, `#!/bin/sh\necho run >> ${calls}\nif grep -q Softmax "$COLE_CODE_FILE"; then echo "CUDA out of memory" >&2; exit 1; fi\necho $((50 + $(grep -c nn.Linear "$COLE_CODE_FILE")))\n`, { mode: 0o755 })
    const out = path.join(dir, "report")
    const search = ["search", "--store", path.join(dir, "store"), "--space", "einspace", "--evaluate", script, "--trials", "1", "--budget", "30",
      "--epochs", "5", "--workers", "1"]
    const callCount = () => (existsSync(calls) ? readFileSync(calls, "utf8").split("\n").length - 1 : 0)
    const r = await cole([...search, "--out", out, "--json"])
    expect(r.code, r.stderr).toBe(0)
    const evaluated = callCount()
    expect(evaluated).toBeGreaterThan(0)
    // --force recomputes the search and every evaluation in it, with the same results (that an
    // untouched script's evaluations hit is tested in CommandEvaluator.test.ts).
    const forced = await cole([...search, "--json", "--force", "search-open"])
    expect([forced.code, callCount(), forced.stdout]).toEqual([0, 2 * evaluated, r.stdout])
    const unknown = await cole([...search, "--force", "evaluate"])
    expect([unknown.code, callCount()]).toEqual([1, 2 * evaluated])
    expect(unknown.stderr.trim()).toMatch(/^cole: --force evaluate: no such step or node in this pipeline; known: .*search-open.* \(or all\)$/)
    // Editing the script makes every evaluation under it stale, and status names the file.
    writeFileSync(script, readFileSync(script, "utf8").replace("50 +", "51 +"))
    const status = await cole(["status", "--store", path.join(dir, "store")])
    expect(status.stdout).toMatch(new RegExp(`\\d+ +[0-9.]+ \\S*B +search-open\\.evaluation: evaluator file ${script.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} has changed`))
    const summary = JSON.parse(r.stdout)
    expect(summary.arms[0].name).toBe("BANANAS · hashed-ngram · cole-paper")
    expect(summary.arms[0].trials).toBe(1)
    const Artifact = await import("../../src/core/Artifact.ts")
    const { OpenTrajectory } = await import("../../schemas/Tables.ts")
    const { reportTable } = await import("../../src/report/SearchReport.ts")
    const rows = Artifact.toRows(Artifact.decode(reportTable(OpenTrajectory), readFileSync(path.join(out, "trajectory-0.arrow"))))
    expect(new Set(rows.map((row) => row.arm))).toEqual(new Set(["BANANAS · hashed-ngram · cole-paper"]))
    expect(rows).toHaveLength(30)
    for (const row of rows) {
      const text = einspace.transpile(Result.getOrThrow(einspace.parse(row.arch)), {})
      if (text.includes("Softmax")) expect([row.status, row.value, row.detail]).toEqual(["failed", null, "exit 1: CUDA out of memory"])
      else expect([row.status, row.value]).toEqual(["ok", 50 + text.split("nn.Linear").length - 1])
    }
    const refused = await cole(["search", "--space", "einspace", "--evaluate", script, "--representation", "path-naslib"])
    expect(refused.stderr.trim()).toBe("cole: representation path-naslib: a search with --evaluate featurizes code text on demand; use hashed-ngram or onnx:MODEL_DIR")
    const depsAlone = await cole(["search", "--evaluate-deps", "train.py"])
    expect([depsAlone.code, depsAlone.stderr.trim()]).toEqual([1, "cole: --evaluate-deps train.py: only with --evaluate"])
    const missingDep = await cole(["search", "--space", "einspace", "--evaluate", script, "--evaluate-deps", "no/such/configs", "--trials", "1", "--budget", "3", "--store", path.join(dir, "store")])
    expect([missingDep.code, missingDep.stderr.trim()]).toEqual([1, "cole: evaluator dependency no/such/configs: cannot be read (ENOENT); expected an existing file or folder"])
  }, 120_000)

  it("a SIGKILLed search leaves no evaluator process behind", async () => {
    const dir = tempDir()
    const pidFile = path.join(dir, "trainer.pid")
    const script = path.join(dir, "train.sh")
    // A training run that would take a minute: it records its pid, then sleeps in a child of its own.
    writeFileSync(script, `#!/bin/sh\nsleep 60 &\necho $! > ${pidFile}\nwait\necho 1\n`, { mode: 0o755 })
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/cli/main.ts"), "search", "--store", path.join(dir, "store"),
      "--space", "einspace", "--evaluate", script, "--trials", "1", "--budget", "3", "--workers", "1"], { cwd: repoRoot, stdio: "ignore" })
    const exited = new Promise((resolve) => child.on("exit", resolve))
    const until = async (done: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; !done() && Date.now() < end;) await new Promise((r) => setTimeout(r, 50))
      return done()
    }
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "", 60_000)).toBe(true)
    const trainer = Number(readFileSync(pidFile, "utf8"))
    const alive = () => {
      try {
        process.kill(trainer, 0)
        return true
      } catch {
        return false
      }
    }
    expect(alive()).toBe(true)
    child.kill("SIGKILL")
    await exited
    expect(await until(() => !alive(), 5_000)).toBe(true)
  }, 120_000)

  it("refuses a search in which every evaluation failed, with the first failures on the terminal", async () => {
    const dir = tempDir()
    const script = path.join(dir, "train.py.sh")
    writeFileSync(script, `#!/bin/sh\necho "Traceback (most recent call last):" >&2\necho "ImportError: no module named torch" >&2\nexit 3\n`, { mode: 0o755 })
    const r = await cole(["search", "--store", path.join(dir, "store"), "--space", "einspace", "--evaluate", script, "--trials", "1", "--budget", "4", "--epochs", "2", "--workers", "1"])
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split("\n")
    expect(lines.at(-1)).toMatch(/^cole: all 4 evaluations failed, so the search found nothing; the first: failed \(.+\): exit 3: Traceback \(most recent call last\): \| ImportError: no module named torch; failed /)
    expect(r.stdout).not.toMatch(/Infinity/)
  }, 120_000)
})

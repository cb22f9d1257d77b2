/**
 * cole as an installed package: `npm pack`, the tarball's file list, and an install into an empty folder
 * (npm init -y && npm i cole-<version>.tgz) whose `npx cole` runs the help, a small quickstart on the
 * shipped NB201 table, and a pipeline file of the user's that imports the framework from the package.
 */
import { spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot, tempDir } from "../helpers.ts"

const run = (command: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string> = {}) => {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    // A test never downloads ONNX Runtime's CUDA binaries (outside the npm registry): its documented opt-out.
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip", NO_COLOR: "1", npm_config_audit: "false", npm_config_fund: "false", ...env },
    maxBuffer: 1 << 26
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const USER_PIPELINE = `import { Console, Effect, Layer } from "effect"
import * as Pipeline from "cole/src/core/Pipeline.ts"
import { Nb201Benchmark } from "cole/src/steps/Evaluator.ts"
import { Architectures, Evaluate } from "cole/src/steps/Services.ts"
import * as SpaceSteps from "cole/src/steps/SpaceSteps.ts"

const program = Effect.gen(function*() {
  const { architectures } = yield* Pipeline.node(Architectures, {})
  const { objective } = yield* Pipeline.node(Evaluate, { architectures })
  const { value } = (yield* Pipeline.load(objective)).columns
  yield* Console.log(\`my pipeline: \${value.length} architectures, best \${Math.max(...value).toFixed(2)}\`)
  return { objective }
})

export default Pipeline.make("my-pipeline", program, Layer.mergeAll(
  SpaceSteps.architectures({ space: "nb201" }),
  SpaceSteps.evaluate({}).pipe(Layer.provide(Nb201Benchmark.layer({ objective: "cifar100_test" })))
))
`

describe("cole as a package", () => {
  it("packs the CLI, the sources and the NB201 data; installs into an empty folder and runs there", () => {
    const out = tempDir("cole-pack-")
    const packed = run("npm", ["pack", "--json", "--pack-destination", out], repoRoot)
    expect(packed.code, packed.stderr).toBe(0)
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>
    const files = new Set(info!.files.map((f) => f.path))
    for (const f of ["bin/cole.mjs", "src/cli/main.ts", "src/core/worker.mjs", "src/kernels/linalg.wasm", "kernels/native/build.mjs", "kernels/native/kernels.cc",
      "data/nb201/nb201.csv.gz", "data/nb201/nb201_12epoch.csv.gz", "data/nb201/SHA256SUMS", "data/nb201/README.md", "docs/nb201.md", "pipelines/nb201-table.ts"]) {
      expect(files, f).toContain(f)
    }
    expect([...files].filter((f) => /^(test|bench|\.ci)\//.test(f))).toEqual([])

    const app = tempDir("cole-app-")
    expect(run("npm", ["init", "-y"], app).code).toBe(0)
    const installed = run("npm", ["install", "--prefer-offline", path.join(out, info!.filename)], app)
    expect(installed.code, installed.stderr).toBe(0)
    const effects = run("npm", ["ls", "effect", "--all", "--parseable"], app).stdout.trim().split("\n")
    expect(new Set(effects.map((p) => readFileSync(path.join(p, "package.json"), "utf8")).map((t) => JSON.parse(t).version)).size).toBe(1)

    const help = run("npx", ["cole", "--help"], app)
    expect(help.code, help.stderr).toBe(0)
    expect(help.stdout).toMatch(/cole <subcommand> \[flags\]/)

    // From another working directory than the package's: the table is found from the package root.
    const quick = run("npx", ["cole", "quickstart", "--repeats", "1", "--budgets", "14,55", "--epochs", "10", "--trials", "2", "--budget", "30", "--search-epochs", "20"], app)
    expect(quick.code, quick.stderr).toBe(0)
    expect(quick.stdout).toMatch(/\| hashed-ngram · pca128 · hinge · 10 ep \| 0\.\d{3} ± 0\.\d{3} \| 0\.\d{3} ± 0\.\d{3} \|/)
    expect(quick.stdout).toMatch(/cifar10_test: incumbent mean ± std .* optimum 94\.37333333333333/)

    writeFileSync(path.join(app, "my-pipeline.ts"), USER_PIPELINE)
    const mine = run("npx", ["cole", "run", "my-pipeline.ts"], app)
    expect(mine.code, mine.stderr).toBe(0)
    expect(mine.stdout).toMatch(/my pipeline: 15625 architectures, best 73\.51/)
  }, 420_000)
})

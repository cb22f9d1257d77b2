/**
 * `--executor cluster` end to end, on a real PostgreSQL (test/postgres.ts) and real `cole runner`
 * processes on loopback: a CV of 40 trials on 3 runners, one SIGKILLed while it holds units; a rerun
 * that is all hits; a coordinator killed mid-run; gpu units that wait for a gpu runner; a unit that
 * kills every runner it lands on; an unreachable database.
 */
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { Cause, Effect, Exit, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Cluster from "../../src/cluster/Cluster.ts"
import * as ClusterExecutor from "../../src/cluster/ClusterExecutor.ts"
import * as Code from "../../src/cluster/Code.ts"
import { entities } from "../../src/cluster/Unit.ts"
import { Executor } from "../../src/core/Executor.ts"
import * as Store from "../../src/core/Store.ts"
import { cole, unitStatuses } from "../e2e/cli.ts"
import { repoRoot, tempDir } from "../helpers.ts"
import * as Postgres from "../postgres.ts"
import { tinyFolder } from "../steps/embed/fixtures.ts"
import { fast, joined, query, type Runner, startRunner, stopRunners, until } from "./runners.ts"

let server: Postgres.Postgres
const runners: Array<Runner> = []

beforeAll(async () => {
  if (Postgres.binaries() === undefined) {
    console.error("\n*** cluster tests: no PostgreSQL server binaries; apt-get install postgresql ***\n")
  }
  server = await Postgres.start()
}, 60_000)

afterAll(async () => {
  await stopRunners(runners)
  await server?.stop()
}, 60_000)

const cvArgs = (store: string) => [
  "cv", "--store", store, "--repeats", "1", "--budgets", "14,55", "--representation", "onehot30",
  "--compare", "representation=path-naslib,reducer=none", "--epochs", "5", "--json"
]

/** Each trial's key and its output digests, from the store's manifests. */
const trialOutputs = (store: string) => {
  const dir = path.join(store, "entries", "cross-validate.trial")
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, f), "utf8"))
    return [f, manifest.outputs]
  }))
}

const digestOf = (stdout: string) => /(sha256:[0-9a-f]{64})/.exec(stdout)?.[1]

const units = (db: string) =>
  query(db, "SELECT unit, attempts, performed, output IS NOT NULL AS done FROM cole_cluster_units").map((u) => ({
    unit: u.unit!,
    attempts: Number(u.attempts),
    performed: Number(u.performed),
    done: u.done === "t"
  }))

const withRunners = async (...started: Array<Promise<Runner>>) => {
  const list = await Promise.all(started)
  runners.push(...list)
  return list
}

describe("the cluster executor", () => {
  let db: string
  let summary: unknown
  let local: Record<string, unknown>

  it("a CV of 40 trials on 3 runners, one SIGKILLed while it holds units: the local run's summary and bytes", async () => {
    db = server.database()
    const baseline = tempDir()
    const clean = await cole([...cvArgs(baseline), "--workers", "2"])
    expect(clean.code, clean.stderr).toBe(0)
    summary = JSON.parse(clean.stdout)
    local = trialOutputs(baseline)
    expect(Object.keys(local)).toHaveLength(40)

    const store = tempDir()
    // The first runner dies right after recording its second unit's output, before replying: that
    // unit must come back as a hit, and the others it held go to the other runners.
    const three = await withRunners(
      startRunner(db, store, { workers: 2, env: { COLE_FAULT_KILL_AT: "runner unit recorded#2" } }),
      startRunner(db, store),
      startRunner(db, store)
    )
    const [doomed] = three
    await joined(db, three)
    const r = await cole([...cvArgs(store), "--executor", "cluster", "--db", db], fast)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(summary)
    expect(trialOutputs(store)).toEqual(local)
    expect((await doomed!.exited).signal).toBe("SIGKILL")

    // The coordinator computed (published) each trial once; the runners performed each unit once,
    // except those the killed runner was performing (at most its 2 workers' worth).
    expect(unitStatuses(store, "cross-validate.trial")).toEqual([Array(40).fill("computed")])
    const done = units(db)
    expect(done).toHaveLength(40)
    expect(done.every((u) => u.done)).toBe(true)
    const again = done.filter((u) => u.performed > 1)
    expect(again.length).toBeLessThanOrEqual(2)
    // The unit recorded but never acknowledged was delivered again and answered from the record.
    expect(done.some((u) => u.attempts === 2 && u.performed === 1)).toBe(true)

    // A rerun: both CV nodes are hits, so no trial is even looked up, and no unit sent or begun.
    const rerun = await cole([...cvArgs(store), "--executor", "cluster", "--db", db], fast)
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(JSON.parse(rerun.stdout)).toEqual(summary)
    expect(unitStatuses(store, "cross-validate")[1]).toEqual(["hit", "hit"])
    expect(unitStatuses(store, "cross-validate.trial")[1]).toEqual([])
    expect(units(db)).toEqual(done)

    const status = await cole(["cluster", "status", "--db", db])
    expect(status.stdout).toMatch(/^runners: \d\n/)
    expect(status.stdout).toMatch(/cpu {2}queued 0, running 0, done 40, redelivered \d+/)
  }, 120_000)

  it("the coordinator killed mid-run and rerun: completes identical; what runners finished is not redone", async () => {
    const store = tempDir()
    const before = new Set(units(db).map((u) => u.unit))
    // Runners serve one store: those of the first test's store make way.
    await stopRunners(runners)
    const fresh = await withRunners(startRunner(db, store), startRunner(db, store))
    await joined(db, fresh)
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/cli/main.ts"), ...cvArgs(store), "--executor", "cluster", "--db", db], {
      cwd: repoRoot, env: { ...process.env, ...fast }, stdio: "ignore"
    })
    const trials = path.join(store, "entries", "cross-validate.trial")
    await until("10 published trials", () => existsSync(trials) && readdirSync(trials).length >= 10)
    child.kill("SIGKILL")
    await new Promise((resolve) => child.on("exit", resolve))

    const rerun = await cole([...cvArgs(store), "--executor", "cluster", "--db", db], fast)
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(JSON.parse(rerun.stdout)).toEqual(summary)
    expect(trialOutputs(store)).toEqual(local)
    const [, second] = unitStatuses(store, "cross-validate.trial")
    expect(second!.filter((s) => s === "hit").length).toBeGreaterThanOrEqual(10)
    // This store's units (their ids include the store) were each performed once, across both runs.
    const mine = units(db).filter((u) => !before.has(u.unit))
    expect(mine).toHaveLength(40)
    expect(mine.every((u) => u.performed === 1)).toBe(true)

    // Prune: the rows of all 80 answered units go; the results stay in the stores.
    const pruned = await cole(["cluster", "prune", "--db", db])
    expect(pruned.stdout.trim()).toMatch(/^pruned \d+ message rows of answered units$/)
    expect(units(db)).toEqual([])
    expect((await cole(["cluster", "status", "--db", db])).stdout).toMatch(/units:\n {2}\(none\)/)
  }, 120_000)
})

describe("pools and failures", () => {
  const task = { module: new URL("../fixtures/clusterTasks.ts", import.meta.url).href, fn: "square" }
  const runOn = <A>(db: string, store: string, use: (executor: Executor["Service"]) => Effect.Effect<A, unknown>) =>
    Effect.runPromiseExit(Effect.gen(function*() {
      return yield* use(yield* Executor)
    }).pipe(
      Effect.provide(ClusterExecutor.layer({ db }).pipe(Layer.provideMerge(Store.layer(store))))
    ))

  it("pools: embedding shards on a cpu runner give the in-process bytes; gpu units wait for a gpu runner and all run there; other code is refused", async () => {
    const db = server.database()
    const store = tempDir()
    const model = tinyFolder({ seed: 4 })
    const embed = (store: string) => ["embed", "--model", model, "--limit", "120", "--batch-size", "8", "--shard-batches", "2", "--store", store]
    const [cpu] = await withRunners(startRunner(db, store, { workers: 2 }))
    const local = await cole(embed(tempDir()))
    expect(local.code, local.stderr).toBe(0)
    await joined(db, [cpu!])
    const remote = await cole([...embed(store), "--executor", "cluster", "--db", db], fast)
    expect(remote.code, remote.stderr).toBe(0)
    expect(digestOf(remote.stdout)).toBe(digestOf(local.stdout))
    expect(query(db, "SELECT count(*) AS n FROM cole_cluster_units WHERE task LIKE 'embedShard%' AND pool = 'cpu'")[0]!.n).toBe("8")

    // gpu units (a toy task here, cuda embedding shards below) wait while only the cpu runner exists.
    Object.assign(process.env, fast)
    const gpuTask = { ...task, pool: "gpu" as const }
    const pending = runOn(db, store, (executor) =>
      Effect.forEach([1, 2, 3, 4, 5, 6], (x) => executor.run<{ x: number; ms: number }, { square: number; pid: number }>(gpuTask, { x, ms: 10 }), { concurrency: 6 })
    )
    const queued = () => query(db, "SELECT count(*) AS n FROM cole_cluster_messages WHERE entity_type = 'cole-gpu' AND kind = 0")[0]!.n
    await until("6 queued gpu units", () => queued() === "6")
    await new Promise((r) => setTimeout(r, 1_500))
    expect(query(db, "SELECT count(*) AS n FROM cole_cluster_units WHERE pool = 'gpu'")[0]!.n).toBe("0")
    const [gpu] = await withRunners(startRunner(db, store, { pools: "gpu" }))
    const exit = await pending
    expect(Exit.isSuccess(exit), String(exit)).toBe(true)
    const results = Exit.isSuccess(exit) ? exit.value : []
    expect(results.map((r) => r.square)).toEqual([1, 4, 9, 16, 25, 36])
    expect(new Set(results.map((r) => r.pid))).toEqual(new Set([gpu!.child.pid]))

    // cuda shards are gpu units; the gpu runner's failure to use CUDA (this machine has none) comes
    // back as the embedder's own typed error.
    const cuda = await cole([...embed(store), "--execution-provider", "cuda", "--executor", "cluster", "--db", db], fast)
    expect(cuda.code).not.toBe(0)
    expect(cuda.stderr).toMatch(/^cole: pipeline embed failed: node embed \(step embed\) failed: embedder for .*: CUDA was asked for but is not usable/m)
    expect(Number(query(db, "SELECT count(*) AS n FROM cole_cluster_units WHERE task LIKE 'embedShard%' AND pool = 'gpu'")[0]!.n)).toBeGreaterThan(0)
    // Only successes are remembered: run again, the failed shards are performed again, not answered
    // from the first run's replies.
    const between = query(db, "SELECT now() AS t")[0]!.t!
    const again = await cole([...embed(store), "--execution-provider", "cuda", "--executor", "cluster", "--db", db], fast)
    expect(again.stderr).toMatch(/CUDA was asked for but is not usable/)
    const retried = query(db, `SELECT count(*) AS n FROM cole_cluster_units WHERE task LIKE 'embedShard%' AND pool = 'gpu' AND started_at > '${between}'`)[0]!.n
    expect(Number(retried)).toBeGreaterThan(0)

    // A unit sent with other code than the runner's is refused before anything is recorded.
    const request = { module: "test/fixtures/clusterTasks.ts", fn: "square", code: "sha256:" + "0".repeat(64), input: "sha256:" + "1".repeat(64), store }
    const refused = await Effect.runPromiseExit(Effect.gen(function*() {
      const client = yield* entities.cpu.client
      return yield* client("refused").Perform({ unit: "refused", ...request })
    }).pipe(Effect.provide(Cluster.client(db))))
    const error = Exit.isFailure(refused) ? Cause.squash(refused.cause) : undefined
    expect(error).toMatchObject({ _tag: "CodeMismatch", expected: request.code, actual: Code.fingerprint() })
    expect((error as Error).message).toMatch(/^runner .*:\d+ refused square \(test\/fixtures\/clusterTasks\.ts\): its code \(fingerprint [0-9a-f]{16}\) differs from this run's \(0{16}\)/)
    expect(query(db, "SELECT count(*) AS n FROM cole_cluster_units WHERE unit = 'refused'")[0]!.n).toBe("0")
  }, 120_000)

  it("a unit that ends every runner it lands on is given up after 3 attempts, with a typed error naming it", async () => {
    const db = server.database()
    const store = tempDir()
    // A supervisor, as systemd or SLURM would be: a runner that dies is started again.
    let restarts = 0
    let stopping = false
    let current: Runner | undefined
    const supervise = async () => {
      while (!stopping) {
        ;[current] = await withRunners(startRunner(db, store))
        await current!.exited
        if (!stopping) restarts++
      }
    }
    const supervisor = supervise()
    await until("a runner", () => current !== undefined)
    await joined(db, [current!])
    const exit = await runOn(db, store, (executor) => executor.run({ ...task, fn: "crash" }, { x: 1 }))
    stopping = true
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
    expect(error).toMatchObject({ _tag: "UnitAbandoned", attempts: 3 })
    expect((error as Error).message).toMatch(/^unit [0-9a-f]{16} of crash \(test\/fixtures\/clusterTasks\.ts\) was given up after 3 attempts/)
    expect(restarts).toBe(3)
    await stopRunners(runners)
    await supervisor
  }, 90_000)

  it("an unreachable database is one line, from a run and from a runner", async () => {
    const url = "postgres://cole@127.0.0.1:1/none"
    const run = await cole([...cvArgs(tempDir()), "--executor", "cluster", "--db", url])
    expect(run.code).not.toBe(0)
    expect(run.stderr.trim()).toMatch(/^cole: cluster unavailable: cannot connect to PostgreSQL at postgres:\/\/cole@127\.0\.0\.1:1\/none: .*(ECONNREFUSED|connect)/)
    const runner = await cole(["runner", "--db", url, "--store", tempDir()])
    expect(runner.code).not.toBe(0)
    expect(runner.stderr.trim()).toMatch(/^cole: cluster unavailable: cannot connect to PostgreSQL/)
    const missing = await cole([...cvArgs(tempDir()), "--executor", "cluster"], { COLE_CLUSTER_DB: "" })
    expect(missing.stderr.trim()).toBe("cole: --executor cluster needs the cluster's database: --db postgres://… or COLE_CLUSTER_DB")
  }, 60_000)
})

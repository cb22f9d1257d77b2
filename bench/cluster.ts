/**
 * The cluster executor's cost and throughput on one machine. The same CV (40 trials of a small head,
 * so per-unit overhead shows) runs with `Executor.local` on 2 worker threads and on the cluster with
 * 1 runner × 2 workers, alternating, median of 3 rounds: wall time of the whole command and overhead
 * per unit. Then a larger CV (80 trials) on 1, 2 and 3 runners of 1 worker each: units per second
 * between the first unit's start and the last one's finish, read from the cluster's own records.
 * PostgreSQL is a private server (test/postgres.ts); every run gets a fresh store and database.
 * This machine has 2 cores: more runners cannot mean more speed here, only more coordination.
 * Last, the store's leases as machines sharing it see them: what a heartbeat costs, and how long a
 * unit waits on the lease of a holder that died on another host (it is judged by its heartbeat's age).
 *
 *   node --import tsx bench/cluster.ts
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect, Option } from "effect"
import { mkdirSync, utimesSync, writeFileSync } from "node:fs"
import * as Lease from "../src/core/Lease.ts"
import * as Store from "../src/core/Store.ts"
import { joined, type Runner, startRunner, stopRunners } from "../test/cluster/runners.ts"
import * as Postgres from "../test/postgres.ts"

const ROUNDS = 3
const root = path.resolve(import.meta.dirname, "..")
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const cv = (repeats: number) => ["cv", "--repeats", String(repeats), "--budgets", "14,55", "--representation", "onehot30", "--compare", "representation=path-naslib,reducer=none", "--epochs", "5", "--json"]

const cole = (args: ReadonlyArray<string>) => {
  const started = performance.now()
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), ...args], {
    cwd: root, encoding: "utf8", env: { ...process.env, COLE_CLUSTER_POLL_MS: "250" }
  })
  if (r.status !== 0) throw new Error(`cole ${args.join(" ")}: ${r.stderr}`)
  return (performance.now() - started) / 1000
}

const scratch = () => mkdtempSync(path.join(os.tmpdir(), "cole-bench-cluster-"))

const onRunners = async (pg: Postgres.Postgres, count: number, workers: number, args: ReadonlyArray<string>) => {
  const db = pg.database()
  const store = scratch()
  const runners: Array<Runner> = []
  try {
    for (let i = 0; i < count; i++) runners.push(await startRunner(db, store, { workers }))
    await joined(db, runners)
    const seconds = cole([...args, "--store", store, "--executor", "cluster", "--db", db])
    const psql = path.join(Postgres.binaries()!, "psql")
    const [units, span] = execFileSync(psql, [db, "-At", "-F", " ", "-c",
      "SELECT count(*), extract(epoch FROM max(finished_at) - min(started_at)) FROM cole_cluster_units"], { encoding: "utf8" }).trim().split(" ").map(Number)
    return { seconds, units: units!, span: span! }
  } finally {
    await stopRunners(runners)
    rmSync(store, { recursive: true, force: true })
  }
}

const pg = await Postgres.start()
try {
  console.log(`cluster executor on ${os.cpus().length} cores, node ${process.version}; CV of 40 trials (onehot30 + path-naslib, 5 epochs), median of ${ROUNDS} alternating rounds`)
  const local: Array<number> = []
  const cluster: Array<number> = []
  for (let round = 0; round < ROUNDS; round++) {
    const store = scratch()
    local.push(cole([...cv(1), "--store", store, "--workers", "2"]))
    rmSync(store, { recursive: true, force: true })
    cluster.push((await onRunners(pg, 1, 2, cv(1))).seconds)
  }
  const [l, c] = [median(local), median(cluster)]
  console.log(`local, 2 worker threads      ${l.toFixed(2)} s`)
  console.log(`cluster, 1 runner × 2 workers ${c.toFixed(2)} s   (+${((c - l) * 1000 / 40).toFixed(0)} ms per unit, ${(c / l).toFixed(2)}× the local time)`)
  console.log("throughput, CV of 80 trials, runners of 1 worker each:")
  for (const count of [1, 2, 3]) {
    const r = await onRunners(pg, count, 1, cv(2))
    console.log(`  ${count} runner${count > 1 ? "s" : " "}  ${(r.units / r.span).toFixed(1)} units/s (${r.units} units in ${r.span.toFixed(2)} s; command ${r.seconds.toFixed(2)} s)`)
  }
} finally {
  await pg.stop()
}

// Leases across hosts, with the store's defaults (heartbeat every 1 s, stale after 15 s).
{
  const dir = scratch()
  const store = Store.make(dir)
  await Effect.runPromise(store.init)
  const touches: Array<number> = []
  const file = path.join(dir, "touched")
  writeFileSync(file, "")
  for (let i = 0; i < 1000; i++) {
    const started = performance.now()
    utimesSync(file, new Date(), new Date())
    touches.push(performance.now() - started)
  }
  const lease = store.dir("leases", "bench", "key.lease")
  mkdirSync(path.dirname(lease), { recursive: true })
  writeFileSync(lease, JSON.stringify({ owner: "gone", pid: 1, host: "another-host", runId: "r", acquiredAt: new Date().toISOString() }))
  const started = performance.now()
  await Effect.runPromise(Lease.withLease(store, "bench", "key", "run", { hit: Effect.succeed(Option.none()), compute: Effect.succeed(1) }))
  console.log(`leases: a heartbeat (utimes) takes ${(median(touches) * 1000).toFixed(0)} µs here (median of 1,000); a dead holder on another host blocks its key for ${((performance.now() - started) / 1000).toFixed(1)} s (stale after ${Lease.defaults.staleMs / 1000} s without a heartbeat, checked every ${Lease.defaults.pollMs} ms)`)
  rmSync(dir, { recursive: true, force: true })
}

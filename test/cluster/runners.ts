/**
 * Runners for the cluster tests and bench/cluster.ts: `cole runner` child processes on loopback ports,
 * with short cluster timings. Free of vitest, so the benchmark can use it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as path from "node:path"
import * as Postgres from "../postgres.ts"

const repoRoot = path.resolve(import.meta.dirname, "..", "..")
const main = path.join(repoRoot, "src/cli/main.ts")

/** Timings that make a dead runner's shards move within a few seconds. */
export const fast = { COLE_CLUSTER_LOCK_MS: "2000", COLE_CLUSTER_POLL_MS: "250" }

export interface Runner {
  readonly child: ChildProcess
  readonly port: number
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

export const startRunner = async (
  db: string,
  store: string,
  options: { readonly workers?: number; readonly pools?: string; readonly env?: Record<string, string> } = {}
): Promise<Runner> => {
  const port = await Postgres.freePort()
  const child = spawn(process.execPath, [
    "--import", "tsx", main, "runner",
    "--db", db, "--store", store, "--listen", `127.0.0.1:${port}`, "--workers", String(options.workers ?? 1), "--pools", options.pools ?? "cpu"
  ], { cwd: repoRoot, env: { ...process.env, ...fast, ...options.env }, stdio: "ignore" })
  return { child, port, exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))) }
}

export const stopRunners = async (runners: ReadonlyArray<Runner>) => {
  for (const r of runners) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGTERM")
  await Promise.all(runners.map((r) => r.exited))
}

export const until = async (what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Waits until each of `runners` is registered and healthy (read with psql: cheaper than a `cole` process per look). */
export const joined = (db: string, runners: ReadonlyArray<Runner>) =>
  until(`${runners.length} runners`, () => {
    const tables = query(db, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'cole_cluster_runners'")
    if (tables[0]?.n !== "1") return false
    const healthy = new Set(query(db, "SELECT address FROM cole_cluster_runners WHERE healthy").map((r) => r.address))
    return runners.every((r) => healthy.has(`127.0.0.1:${r.port}`))
  })

/** Rows of a query, one object per row, through psql. */
export const query = (db: string, sql: string): Array<Record<string, string>> => {
  const bin = Postgres.binaries()!
  const out = execFileSync(path.join(bin, "psql"), [db, "-At", "-F", "\t", "-c", `COPY (${sql}) TO STDOUT WITH CSV HEADER`], { encoding: "utf8" })
  const [header, ...lines] = out.trim().split("\n").filter((l) => l !== "")
  if (header === undefined) return []
  const names = header.split(",")
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [names[i]!, v])))
}

/**
 * A real PostgreSQL for tests: `initdb` into a temporary folder (through `runuser -u postgres` when
 * running as root, which PostgreSQL refuses to run as), `postgres` on a free loopback port with fsync
 * off, trust authentication for the `cole` role; one database per test (`database()`); stopped and
 * deleted by `stop()`. The server's binaries are Debian's (`apt-get install postgresql`; `.ci/run`
 * installs them when missing). Without them, `start` throws a message saying so.
 */
import { execFileSync, spawn } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"

/** The folder of `initdb` and `postgres`: the newest /usr/lib/postgresql/<version>/bin. */
export const binaries = (): string | undefined => {
  const root = "/usr/lib/postgresql"
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a))
  return versions.length === 0 ? undefined : path.join(root, versions[0]!, "bin")
}

/** A free TCP port on loopback. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

const asServer = (command: string, args: ReadonlyArray<string>) =>
  process.getuid?.() === 0 ? { command: "runuser", args: ["-u", "postgres", "--", command, ...args] } : { command, args: [...args] }

export interface Postgres {
  readonly port: number
  /** A fresh, empty database's URL. */
  readonly database: () => string
  readonly stop: () => Promise<void>
}

export const start = async (): Promise<Postgres> => {
  const bin = binaries()
  if (bin === undefined) throw new Error("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb): apt-get install postgresql")
  const dir = mkdtempSync(path.join(os.tmpdir(), "cole-pg-"))
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim())
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim())
    chownSync(dir, uid, gid)
  }
  const data = path.join(dir, "data")
  const init = asServer(path.join(bin, "initdb"), ["-D", data, "-U", "cole", "--auth=trust", "-E", "UTF8", "--no-sync"])
  execFileSync(init.command, init.args, { stdio: "ignore" })
  const port = await freePort()
  const run = asServer(path.join(bin, "postgres"), [
    "-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1",
    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"
  ])
  const server = spawn(run.command, run.args, { stdio: ["ignore", "ignore", "pipe"] })
  let log = ""
  server.stderr.on("data", (d) => (log += d))
  const exited = new Promise<void>((resolve) => server.on("exit", () => resolve()))
  const ready = path.join(bin, "pg_isready")
  for (let tries = 0; ; tries++) {
    try {
      execFileSync(ready, ["-h", "127.0.0.1", "-p", String(port), "-U", "cole", "-d", "postgres"], { stdio: "ignore" })
      break
    } catch {
      if (tries > 100 || server.exitCode !== null) throw new Error(`postgres did not start: ${log.trim().split("\n").slice(-3).join(" ")}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  let count = 0
  const psql = path.join(bin, "psql")
  return {
    port,
    database: () => {
      const name = `test_${process.pid}_${count++}`
      execFileSync(psql, ["-h", "127.0.0.1", "-p", String(port), "-U", "cole", "-d", "postgres", "-c", `CREATE DATABASE ${name}`], { stdio: "ignore" })
      return `postgres://cole@127.0.0.1:${port}/${name}`
    },
    stop: async () => {
      // Signals to runuser do not reach the server: pg_ctl tells it directly (fast shutdown).
      const stop = asServer(path.join(bin, "pg_ctl"), ["stop", "-D", data, "-m", "fast", "-w"])
      execFileSync(stop.command, stop.args, { stdio: "ignore" })
      await exited
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

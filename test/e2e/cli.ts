/** Runs the `cole` CLI in one child process (this Node, TypeScript loaded by tsx), as a user would. */
import { spawn } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { repoRoot } from "../helpers.ts"

export interface Result {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}


export const cole = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "src/cli/main.ts"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  })

/** Runs async jobs with at most `limit` in flight (the machine has 2 cores). */
export const pool = async <A, B>(items: ReadonlyArray<A>, limit: number, f: (a: A) => Promise<B>) => {
  const out: Array<B> = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await f(items[i]!)
    }
  }))
  return out
}

/** The statuses (`computed`, `hit`) a store's journal recorded for one kind of unit, per run, oldest first. */
export const unitStatuses = (store: string, step: string): Array<Array<string>> =>
  readdirSync(path.join(store, "runs")).filter((f) => f.endsWith(".jsonl")).sort().map((f) =>
    readFileSync(path.join(store, "runs", f), "utf8").trim().split("\n").map((l) => JSON.parse(l))
      .filter((e) => e.event === "node" && e.step === step).map((e) => e.status as string))

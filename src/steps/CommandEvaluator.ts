/**
 * A user's program as the evaluator: for each architecture it runs `command` through the shell with the
 * architecture's code text on stdin and in the file $COLE_CODE_FILE, and the architecture string in
 * $COLE_ARCH; the last non-empty line of stdout is the value (e.g. a validation accuracy). A non-zero
 * exit, output that is not a number and running past `timeout` seconds are typed failures
 * (EvaluationFailed with status failed / invalid-output / timeout) that a search records and moves past.
 * The files the evaluation depends on (the training script, its configs) enter every evaluation's key by
 * content, so an edited script re-evaluates and an untouched one hits.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Data, Effect, Layer, Result } from "effect"
import * as Hash from "../core/Hash.ts"
import { getSpace } from "../spaces/registry.ts"
import { EvaluationFailed, Evaluator, UnknownArchitecture } from "./Evaluator.ts"

export interface CommandOptions {
  /** A shell command line. */
  readonly command: string
  /** Seconds before the program is killed and the evaluation recorded as a timeout. */
  readonly timeout: number
  /** The space whose parser and transpiler turn an architecture string into code text. */
  readonly space: string
  /**
   * Files and folders (relative to the working directory) whose content decides the values: their digests
   * enter every evaluation's key. Words of the command that name existing files are added to them.
   */
  readonly dependencies?: ReadonlyArray<string>
}

export class EvaluatorDependencyError extends Data.TaggedError("EvaluatorDependencyError")<{ readonly path: string; readonly problem: string }> {
  override get message() {
    return `evaluator dependency ${this.path}: ${this.problem}`
  }
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile()
  } catch {
    return false
  }
}

/** The words of a command line that name existing files: its script and the files it is given. */
export const namedFiles = (command: string): Array<string> =>
  [...new Set(command.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, "")).filter((w) => w !== "" && isFile(w)))]

// Folders' contents that are tool state, not inputs.
const SKIPPED = new Set([".git", "node_modules", "__pycache__", ".ipynb_checkpoints"])

/** A file's content digest, or a folder's: its files' relative paths and digests, recursively. */
export const digestOf = (p: string): string => {
  if (statSync(p).isFile()) return Hash.sha256(readFileSync(p))
  const entries: Record<string, string> = {}
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (SKIPPED.has(name)) continue
      const full = path.join(dir, name)
      if (statSync(full).isDirectory()) walk(full)
      else entries[path.relative(p, full).split(path.sep).join("/")] = Hash.sha256(readFileSync(full))
    }
  }
  walk(p)
  return Hash.digestJson(entries)
}

/** The dependencies (given and named by the command) with their digests, keyed by their normalised paths. */
export const dependencyDigests = (options: Pick<CommandOptions, "command" | "dependencies">) =>
  Effect.forEach(
    [...new Set([...(options.dependencies ?? []), ...namedFiles(options.command)].map((p) => path.normalize(p)))].sort(),
    (p) =>
      Effect.try({
        try: () => [p, digestOf(p)] as const,
        catch: (e) => new EvaluatorDependencyError({ path: p, problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected an existing file or folder` })
      })
  ).pipe(Effect.map((pairs) => Object.fromEntries(pairs)))

export type Outcome =
  | { readonly status: "ok"; readonly value: number }
  | { readonly status: "failed" | "invalid-output" | "timeout"; readonly detail: string }

const tail = (text: string, lines = 5) => text.trim().split("\n").slice(-lines).join(" | ").slice(-500)

/**
 * The shell that runs a user's command (from $COLE_COMMAND) as the leader of its own process group,
 * beside a watchdog that waits on fd 3, a pipe only this process writes: when it closes — this process
 * ended, even by SIGKILL — the watchdog kills the whole group, so no training outlives its search.
 */
const WITH_WATCHDOG = [
  "( while read -r _ <&3; do :; done; kill -KILL 0 ) &",
  "watchdog=$!",
  '/bin/sh -c "$COLE_COMMAND" 3<&-',
  "status=$?",
  "kill $watchdog 2>/dev/null",
  "exit $status"
].join("\n")

/** Runs the command once; never fails: every way it can go wrong is an Outcome. */
export const runCommand = (options: Omit<CommandOptions, "space">, arch: string, code: string): Effect.Effect<Outcome> =>
  Effect.callback<Outcome>((resume) => {
    const dir = mkdtempSync(path.join(tmpdir(), "cole-eval-"))
    const file = path.join(dir, "network.py")
    writeFileSync(file, code)
    const child = spawn("/bin/sh", ["-c", WITH_WATCHDOG], {
      env: { ...process.env, COLE_ARCH: arch, COLE_CODE_FILE: file, COLE_COMMAND: options.command },
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      detached: true // its own process group, so a timeout kills the whole pipeline of processes
    })
    let stdout = ""
    let stderr = ""
    let timedOut = false
    let settled = false
    const settle = (outcome: Outcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      rmSync(dir, { recursive: true, force: true })
      resume(Effect.succeed(outcome))
    }
    const killGroup = () => {
      try {
        process.kill(-child.pid!, "SIGKILL")
      } catch {
        // already gone
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup()
    }, options.timeout * 1000)
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.stdin.on("error", () => {}) // a program that does not read its stdin
    child.stdin.end(code)
    child.on("error", (e) => settle({ status: "failed", detail: `cannot start: ${e.message}` }))
    child.on("close", (exitCode, signal) => {
      if (timedOut) return settle({ status: "timeout", detail: `no result within ${options.timeout} s` })
      if (exitCode !== 0) return settle({ status: "failed", detail: `exit ${exitCode ?? signal}${stderr.trim() === "" ? "" : `: ${tail(stderr)}`}` })
      const last = stdout.trim().split("\n").at(-1)?.trim() ?? ""
      const value = last === "" ? Number.NaN : Number(last)
      return Number.isFinite(value)
        ? settle({ status: "ok", value })
        : settle({ status: "invalid-output", detail: `the last line of stdout is ${JSON.stringify(last.slice(0, 200))}, expected a number` })
    })
    return Effect.sync(() => {
      killGroup()
      clearTimeout(timer)
      rmSync(dir, { recursive: true, force: true })
    })
  })

export const CommandEvaluator = {
  layer: (options: CommandOptions) =>
    Layer.effect(
      Evaluator,
      Effect.gen(function*() {
        const space = yield* getSpace(options.space)
        const files = yield* dependencyDigests(options)
        const name = "command"
        return {
          name,
          objective: options.command,
          // Version 2: the dependencies' digests entered the key (every earlier evaluation is a miss).
          facts: { evaluator: name, version: 2, command: options.command, timeout: options.timeout, space: options.space, files },
          evaluate: (arch: string) =>
            Effect.gen(function*() {
              const parsed = space.parse(arch)
              if (Result.isFailure(parsed)) return yield* new UnknownArchitecture({ arch, evaluator: `${name} (${parsed.failure.message})` })
              const outcome = yield* runCommand(options, arch, space.transpile(parsed.success, space.defaultTranspileOptions))
              if (outcome.status === "ok") return outcome.value
              return yield* new EvaluationFailed({ arch, evaluator: name, status: outcome.status, detail: outcome.detail })
            })
        }
      })
    )
}

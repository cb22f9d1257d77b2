/**
 * Fault injection for crash-safety tests: with COLE_FAULT_KILL_AT=n the process SIGKILLs itself at the
 * n-th crash point it passes (a point sits between every two durable effects of a publish or a journal
 * write); with COLE_FAULT_KILL_AT="label#n", at the n-th point of that label (a runner's "runner unit
 * recorded", say, however many file writes came between). COLE_FAULT_LOG=file appends each point's
 * label, so a test can count and name the points. Unset, a point costs one comparison.
 */
import { appendFileSync } from "node:fs"
import { Effect } from "effect"

const setting = process.env.COLE_FAULT_KILL_AT ?? ""
const labelled = /^(?<label>.+)#(?<n>\d+)$/.exec(setting)?.groups
const killAt = labelled === undefined ? Number(setting || 0) : Number(labelled.n)
const killLabel = labelled?.label
const logFile = process.env.COLE_FAULT_LOG
let passed = 0

export const point = (label: string): void => {
  if (killAt === 0 && logFile === undefined) return
  if (killLabel !== undefined && label !== killLabel) return
  passed++
  if (logFile !== undefined) appendFileSync(logFile, `${passed} ${label}\n`)
  if (passed === killAt) process.kill(process.pid, "SIGKILL")
}

/** `point` as an effect, for use inside pipelines of effects. */
export const at = (label: string) => Effect.sync(() => point(label))

// Worker-thread entry of Executor.local: loads TypeScript task modules through tsx and performs one task
// at a time (TaskOutcome.ts), sending typed-array results back without copying (their buffers are
// transferred).
import { parentPort } from "node:worker_threads"
import { register } from "tsx/esm/api"

register()
const { perform } = await import("./TaskOutcome.ts")

const transferables = (value) => {
  const out = new Set()
  const visit = (v, depth) => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) out.add(v.buffer)
    else if (v !== null && typeof v === "object" && depth < 3) for (const x of Object.values(v)) visit(x, depth + 1)
  }
  visit(value, 0)
  return [...out]
}

parentPort.on("message", async ({ module, fn, input }) => {
  const outcome = await perform(module, fn, input)
  parentPort.postMessage(outcome, outcome._tag === "Succeeded" ? transferables(outcome.output) : [])
})

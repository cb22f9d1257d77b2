// Worker-thread entry of Executor.local: loads TypeScript task modules through tsx and runs one task
// at a time, sending typed-array results back without copying (their buffers are transferred).
import { parentPort } from "node:worker_threads"
import { register } from "tsx/esm/api"

register()
const modules = new Map()

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
  try {
    if (!modules.has(module)) modules.set(module, await import(module))
    const task = modules.get(module)[fn]
    if (typeof task !== "function") throw new Error(`${module} has no exported function ${fn}`)
    const output = await task(input)
    parentPort.postMessage({ ok: true, output }, transferables(output))
  } catch (error) {
    parentPort.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) })
  }
})

/** A store with hostile contents, for the page's escaping tests. */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Trajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Hash from "../../src/core/Hash.ts"
import * as Store from "../../src/core/Store.ts"

/**
 * A store written by hand: a run whose journal is cut short, whose names carry markup, whose search
 * trajectory holds an architecture string with a script, and whose CV result names a blob that is gone.
 */
export const hostileStore = (root: string) => {
  const runId = "20261206-000000-000-hostile1"
  const pipeline = `<img src=x onerror="window.pwned=1">`
  const node = `search <b onmouseover="window.pwned=2">arm</b>`
  const arch = `<script>window.pwned=3</script><img src=x onerror="window.pwned=4">`
  const write = (file: string, data: string | Uint8Array) => {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, data)
  }
  const rows = [1, 2, 3].map((t) => ({
    trial: 0, t, arch, value: 50 + t, origin: "init", fit: null, rank: null, acquisition: null, mu: null, sigma: null, duplicate: false, incumbent: 50 + t, incumbentArch: arch
  }))
  const bytes = Artifact.encode(Artifact.fromRows(Trajectory, rows))
  const digest = Hash.sha256(bytes)
  write(Store.make(root).blobPath(digest), bytes)
  const missing = Hash.sha256("gone")
  const manifest = (step: string, key: string, outputs: Record<string, unknown>) =>
    write(path.join(root, "entries", step, `${key}.json`), JSON.stringify({
      step, key, preimage: { keyFormat: 1, step, implementation: "x", version: 1, params: { space: "nb201", budget: 3 }, inputs: {}, environment: {} },
      outputs, inputs: {}, createdAt: new Date().toISOString(), durationMs: 1, runId
    }))
  const [searchKey, cvKey] = ["a".repeat(64), "b".repeat(64)]
  manifest("search", searchKey, { trajectory: { digest, size: bytes.length, table: Trajectory.name } })
  manifest("cross-validate", cvKey, { trials: { digest: missing, size: 10, table: "cv-trials" } })
  const cvNode = `cv <script>window.pwned=5</script>`
  write(path.join(root, "runs", `${runId}.jsonl`), [
    { event: "start", runId, pipeline, pid: 1, host: "elsewhere", at: "2026-12-06T00:00:00.000Z" },
    { event: "declared", node, step: "search", inputs: [] },
    { event: "declared", node: cvNode, step: "cross-validate", inputs: [node] },
    { event: "node", node, step: "search", key: searchKey, status: "computed", ms: 5 },
    { event: "node", node: cvNode, step: "cross-validate", key: cvKey, status: "computed", ms: 5 }
  ].map((e) => JSON.stringify(e)).join("\n") + `\n{"event":"end","ok":tr`)
  return { runId, pipeline, node, arch, missing }
}

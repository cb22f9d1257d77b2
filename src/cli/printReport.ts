/** How `cole run` prints a run: the per-node table, and the artifacts the pipeline returns. */
import { Console, Effect } from "effect"
import * as Pipeline from "../core/Pipeline.ts"
import * as Format from "./format.ts"

const statusSummary = (report: Pipeline.Report) => {
  const counts = new Map<string, number>()
  for (const n of report.nodes) counts.set(n.status, (counts.get(n.status) ?? 0) + 1)
  return [...counts].map(([s, c]) => `${c} ${s}`).join(", ")
}

export const printReport = (report: Pipeline.Report) =>
  Console.log(
    `${report.pipeline}: ${report.nodes.length} nodes (${statusSummary(report)}) in ${Format.duration(report.ms)}, run ${report.runId}\n` +
      Format.table(
        ["node", "status", "time", "key"],
        report.nodes.map((n) => [n.id, n.status, Format.duration(n.ms), n.key?.slice(0, 12) ?? ""])
      )
  )

/** Names the artifacts a pipeline returns (an object of artifact handles), with their digests. */
export const printOutputs = (value: unknown) =>
  Effect.gen(function*() {
    if (typeof value !== "object" || value === null) return
    const refs = Object.entries(value).filter((e): e is [string, Pipeline.ArtifactRef] => Pipeline.isRef(e[1]))
    if (refs.length === 0) return
    const rows: Array<Array<string>> = []
    for (const [name, ref] of refs) {
      const output = (yield* ref.resolved).outputs?.[ref.output]
      rows.push([name, ref.table.name, output === undefined ? "" : `${output.digest.slice(0, 19)}…`, output === undefined ? "" : Format.bytes(output.size)])
    }
    yield* Console.log(`outputs:\n${Format.table(["output", "table", "digest", "size"], rows)}`)
  })

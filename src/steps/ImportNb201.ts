/**
 * `ImportObjective` from an NB201 CSV (plain or gzip): one column as a typed objective artifact. The file enters the
 * key by its content digest (never by its path), so moving the file keeps the cache.
 */
import { Effect, Schema } from "effect"
import * as Hash from "../core/Hash.ts"
import * as Step from "../core/Step.ts"
import * as Benchmark from "../spaces/nb201/Benchmark.ts"
import { ImportObjective } from "./Services.ts"

export const nb201Csv = (file: string) =>
  Step.implement(ImportObjective, {
    implementation: "nb201-csv",
    version: 1,
    params: Schema.Struct({ column: Schema.String }),
    sources: [import.meta.url],
    environment: () => Benchmark.readTable(file).pipe(Effect.map((bytes) => ({ csv: Hash.sha256(bytes) }))),
    run: (_inputs, { column }) =>
      Benchmark.load(file, column).pipe(
        Effect.map((table) => {
          const entries = [...table.values]
          return { objective: { arch: entries.map(([a]) => a), value: Float64Array.from(entries, ([, v]) => v) } }
        })
      )
  })

/** The objective columns of an NB201 CSV (everything but the index, arch and unique-string columns). */
export const objectiveColumns = (file: string) =>
  Benchmark.readTable(file).pipe(
    Effect.map((bytes) => bytes.toString("utf8").split(/\r?\n/, 1)[0]!.split(",").filter((c) => !["arch_index", "arch", "unique_str"].includes(c)))
  )

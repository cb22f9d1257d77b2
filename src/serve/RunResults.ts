/**
 * A run's results read from the store without changing it: the cross-validation and search nodes the
 * journal names, through their manifests to their tables. A blob is checked against its digest but, unlike
 * a pipeline's read, never quarantined; whatever cannot be read becomes a problem in words, shown where
 * the result would be.
 */
import { Effect, Option } from "effect"
import type { Manifest } from "../../schemas/Store.ts"
import { Objective, OpenTrajectory, Trajectory, Trials } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Files from "../core/Files.ts"
import * as Hash from "../core/Hash.ts"
import type { Store } from "../core/Store.ts"
import * as CvView from "./CvView.ts"
import { isCv, isSearch, type NodeView } from "./RunView.ts"
import * as SearchView from "./SearchView.ts"

/**
 * Values kept by a key that names their content (a table's rows by its digest, a view by the keys of the
 * results it summarizes), so they are never stale; the last `capacity` are kept.
 */
export const memo = <A>(capacity = 16) => {
  const values = new Map<string, A>()
  return {
    get: (key: string) => values.get(key),
    set: (key: string, value: A) => {
      values.delete(key)
      values.set(key, value)
      if (values.size > capacity) values.delete(values.keys().next().value!)
      return value
    }
  }
}
export type TableCache = ReturnType<typeof memo<ReadonlyArray<unknown>>>
export const tableCache = () => memo<ReadonlyArray<unknown>>()

/** A problem in words, or the value. */
type Read<A> = Effect.Effect<A, string, never>

/** A table's rows, read and verified once per digest. */
const readRows = <C extends Artifact.Columns>(store: Store["Service"], cache: TableCache, table: Artifact.Table<C>, digest: string): Read<ReadonlyArray<Artifact.Row<C>>> =>
  Effect.gen(function*() {
    const known = cache.get(digest)
    if (known !== undefined) return known as ReadonlyArray<Artifact.Row<C>>
    if (!Hash.isDigest(digest)) return yield* Effect.fail(`${JSON.stringify(digest)} is not a digest`)
    const bytes = yield* Files.readIfExists(store.blobPath(digest)).pipe(Effect.mapError((e) => e.message))
    if (bytes === undefined) return yield* Effect.fail(`blob ${digest} is not in the store`)
    const actual = Hash.sha256(bytes)
    if (actual !== digest) return yield* Effect.fail(`blob ${digest} is corrupt (its bytes hash to ${actual})`)
    const frame = yield* Artifact.decodeEffect(table, bytes).pipe(Effect.mapError((e) => e.message))
    return cache.set(digest, Artifact.toRows(frame)) as ReadonlyArray<Artifact.Row<C>>
  })

const manifestOf = (store: Store["Service"], node: NodeView): Read<Manifest> => {
  const key = node.key
  if (key === null) return Effect.fail(`failed: ${node.error ?? "no reason recorded"}`)
  return store.readManifest(node.step, key).pipe(
    Effect.mapError((e) => e.message),
    Effect.flatMap(Option.match({
      onNone: () => Effect.fail(`its result (${node.step} ${key.slice(0, 12)}…) is no longer in the store, or its manifest is unreadable`),
      onSome: Effect.succeed
    }))
  )
}

const outputOf = (manifest: Manifest, name: string): Read<{ digest: string; table: string }> => {
  const output = manifest.outputs[name]
  return output === undefined ? Effect.fail(`its manifest has no output ${JSON.stringify(name)}`) : Effect.succeed(output)
}

/** Not computed yet: the run has not published the node (it is running, waiting, or was never reached). */
const pending = (node: NodeView) => node.key === null && node.status !== "failed"

/** The run's cross-validation configurations, in the order the pipeline declared them. */
export const cv = (store: Store["Service"], cache: TableCache, graph: ReadonlyArray<NodeView>) =>
  Effect.forEach(graph.filter(isCv), (node) =>
    pending(node) ? Effect.succeed<CvView.Source>({ name: CvView.nameOf(node.id), node: node.id, trials: undefined }) : manifestOf(store, node).pipe(
      Effect.flatMap((m) => outputOf(m, "trials")),
      Effect.flatMap((o) => readRows(store, cache, Trials, o.digest)),
      Effect.map((trials): CvView.Source => ({ name: CvView.nameOf(node.id), node: node.id, trials })),
      Effect.catch((problem) => Effect.succeed<CvView.Source>({ name: CvView.nameOf(node.id), node: node.id, trials: undefined, problem }))
    ))

export interface SearchSources {
  readonly space: string
  readonly budget: number
  readonly optimum: number
  readonly arms: ReadonlyArray<SearchView.Source>
}

const trajectory = (store: Store["Service"], cache: TableCache, output: { digest: string; table: string }): Read<ReadonlyArray<SearchView.Row>> =>
  output.table === Trajectory.name
    ? readRows(store, cache, Trajectory, output.digest)
    : output.table === OpenTrajectory.name
    ? readRows(store, cache, OpenTrajectory, output.digest)
    : Effect.fail(`its trajectory is a ${output.table} table, not ${Trajectory.name} or ${OpenTrajectory.name}`)

/**
 * The run's search arms. The budget and space come from an arm's parameters; the optimum is the best
 * value of the table searched (its objective input) or, for a search without a table, the best found.
 */
export const search = (store: Store["Service"], cache: TableCache, graph: ReadonlyArray<NodeView>) =>
  Effect.gen(function*() {
    const nodes = graph.filter(isSearch)
    let space = "", budget = 0, optimum = -Infinity
    const arms = yield* Effect.forEach(nodes, (node) =>
      pending(node) ? Effect.succeed<SearchView.Source>({ name: SearchView.nameOf(node.id), node: node.id, rows: undefined }) : Effect.gen(function*() {
        const manifest = yield* manifestOf(store, node)
        const rows = yield* trajectory(store, cache, yield* outputOf(manifest, "trajectory"))
        const params = manifest.preimage.params as { readonly space?: unknown; readonly budget?: unknown }
        if (typeof params.space === "string") space = params.space
        budget = Math.max(budget, typeof params.budget === "number" ? params.budget : Math.max(0, ...rows.map((r) => r.t)))
        const objective = manifest.inputs.objective
        const values = objective === undefined
          ? rows.flatMap((r) => (r.value === null ? [] : [r.value]))
          : (yield* readRows(store, cache, Objective, objective.digest)).map((r) => r.value)
        optimum = values.reduce((a, b) => Math.max(a, b), optimum)
        const source: SearchView.Source = { name: SearchView.nameOf(node.id), node: node.id, rows }
        return source
      }).pipe(Effect.catch((problem) => Effect.succeed<SearchView.Source>({ name: SearchView.nameOf(node.id), node: node.id, rows: undefined, problem }))))
    return { space, budget, optimum, arms } satisfies SearchSources
  })

/**
 * The handlers of the API over one store, opened read-only. Journals are parsed again only when they
 * change (a live run's grows; a finished one's never does), and decoded tables are kept by digest, so
 * polling a live run costs a stat per run and the lines it appended.
 */
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import type { StoreIOError } from "../core/Files.ts"
import * as Files from "../core/Files.ts"
import * as Journal from "../core/Journal.ts"
import { Store } from "../core/Store.ts"
import { getSpace } from "../spaces/registry.ts"
import { Api, InvalidRequest, RunNotFound, StoreUnreadable } from "./Api.ts"
import * as CacheView from "./CacheView.ts"
import * as CvView from "./CvView.ts"
import * as RunResults from "./RunResults.ts"
import * as RunView from "./RunView.ts"
import * as SearchView from "./SearchView.ts"

const unreadable = (e: StoreIOError) => new StoreUnreadable({ problem: e.message })

const names = (list: ReadonlyArray<{ readonly name: string }>) => list.map((x) => JSON.stringify(x.name)).join(", ")

/** The API's handlers over the store the layer is given (open it with `Store.readLayer`: nothing is created). */
export const handlers = HttpApiBuilder.group(Api, "store", Effect.fn(function*(h) {
  const store = yield* Store
  const journals = new Map<string, { readonly stamp: string; readonly record: Journal.RunRecord }>()
  const tables = RunResults.tableCache()

  const record = Effect.fn("serve.record")(function*(runId: string) {
    const stat = yield* Files.statIfExists(store.dir("runs", `${runId}.jsonl`))
    if (stat === undefined) return yield* new RunNotFound({ runId })
    const stamp = `${stat.mtimeMs}:${stat.size}`
    const known = journals.get(runId)
    if (known?.stamp === stamp) return { ...known.record, live: yield* Journal.isLive(store, runId) }
    const fresh = yield* Journal.read(store, runId)
    journals.set(runId, { stamp, record: fresh })
    return fresh
  }, Effect.catchTag("StoreIOError", (e) => Effect.fail(unreadable(e))))

  // Only names the store lists are read: a run id from a request is never made into a path of its own.
  const listed = (runId: string) =>
    Journal.ids(store).pipe(
      Effect.mapError(unreadable),
      Effect.flatMap((ids) => (ids.includes(runId) ? record(runId) : Effect.fail(new RunNotFound({ runId }))))
    )
  const detail = (runId: string) => Effect.map(listed(runId), RunView.detail)
  const cvSources = (runId: string) =>
    Effect.flatMap(detail(runId), (run) => RunResults.cv(store, tables, run.graph))
  const searchSources = (runId: string) =>
    Effect.flatMap(detail(runId), (run) => RunResults.search(store, tables, run.graph))
  // A summary is computed once per set of results: the keys of its nodes name their content.
  const searchViews = RunResults.memo<SearchView.SearchView>(8)
  const searchKey = (graph: ReadonlyArray<RunView.NodeView>) =>
    JSON.stringify(graph.filter(RunView.isSearch).map((n) => [n.id, n.key]))

  return h.handleAll({
    info: () => Effect.succeed({ root: store.root }),
    runs: () =>
      Journal.ids(store).pipe(
        Effect.mapError(unreadable),
        Effect.flatMap((ids) => Effect.forEach([...ids].reverse(), (id) => record(id).pipe(Effect.map(RunView.summary), Effect.option))),
        Effect.map((list) => list.flatMap((s) => (s._tag === "Some" ? [s.value] : [])))
      ),
    run: ({ params }) => detail(params.runId),
    cv: ({ params }) => Effect.map(cvSources(params.runId), (sources) => ({ configurations: sources.map(CvView.configuration) })),
    cvTest: ({ params, query }) =>
      Effect.gen(function*() {
        const sources = yield* cvSources(params.runId)
        const pick = (name: string) => {
          const source = sources.find((s) => s.name === name)
          if (source === undefined) return Effect.fail(new InvalidRequest({ problem: `configuration ${JSON.stringify(name)}: expected one of ${names(sources)}` }))
          if (source.trials === undefined) return Effect.fail(new InvalidRequest({ problem: `configuration ${JSON.stringify(name)} has no results: ${source.problem ?? "not computed yet"}` }))
          return Effect.succeed(source.trials)
        }
        return CvView.test(yield* pick(query.a), yield* pick(query.b))
      }),
    search: ({ params }) =>
      Effect.gen(function*() {
        const { graph } = yield* detail(params.runId)
        const key = searchKey(graph)
        const known = searchViews.get(key)
        if (known !== undefined) return known
        const s = yield* RunResults.search(store, tables, graph)
        const view = SearchView.make(s.space, s.budget, s.optimum, s.arms)
        // Not a view with a problem: a missing blob may be restored under the same key.
        return s.arms.every((a) => a.rows !== undefined) ? searchViews.set(key, view) : view
      }),
    trial: ({ params, query }) =>
      Effect.gen(function*() {
        const { arms } = yield* searchSources(params.runId)
        const arm = arms.find((a) => a.name === query.arm)
        if (arm === undefined) return yield* new InvalidRequest({ problem: `arm ${JSON.stringify(query.arm)}: expected one of ${names(arms)}` })
        if (arm.rows === undefined) return yield* new InvalidRequest({ problem: `arm ${JSON.stringify(query.arm)} has no results: ${arm.problem ?? "not computed yet"}` })
        const trials = SearchView.trialsOf(arm.rows)
        if (!trials.includes(query.trial)) return yield* new InvalidRequest({ problem: `trial ${query.trial}: expected one of ${trials.join(", ")}` })
        return SearchView.evaluations(arm.rows, query.trial)
      }),
    code: ({ query }) =>
      Effect.gen(function*() {
        const space = yield* getSpace(query.space).pipe(Effect.mapError((e) => new InvalidRequest({ problem: e.message })))
        const parsed = space.parse(query.arch)
        if (parsed._tag === "Failure") return yield* new InvalidRequest({ problem: `architecture ${JSON.stringify(query.arch)}: ${parsed.failure.message}` })
        return {
          space: space.name,
          arch: query.arch,
          // The code text a code-text representation embeds.
          code: space.transpile(parsed.success, space.defaultTranspileOptions),
          shapes: space.shapes === undefined ? null : space.shapes(parsed.success)
        }
      }),
    cache: () => CacheView.read(store).pipe(Effect.mapError(unreadable))
  })
}))

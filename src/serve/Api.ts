/**
 * The JSON API of `cole serve`, Schema-typed end to end: runs and their graphs, a run's cross-validation
 * and search results, a trial's evaluations, an architecture's code text, and the cache. Read-only.
 */
import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup } from "effect/http-api"
import { CacheView } from "./CacheView.ts"
import { CvView, TestRow } from "./CvView.ts"
import { RunDetail, RunSummary } from "./RunView.ts"
import { Evaluation, SearchView } from "./SearchView.ts"

export class RunNotFound extends Schema.TaggedError<RunNotFound>()("RunNotFound", { runId: Schema.String }, { httpApiStatus: 404 }) {
  override get message() {
    return `no run ${JSON.stringify(this.runId)} in this store`
  }
}

/** A request naming something that is not there (an arm, a trial, a space) or not well formed (an architecture). */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", { problem: Schema.String }, { httpApiStatus: 400 }) {
  override get message() {
    return this.problem
  }
}

/** The store could not be read (permissions, a vanished folder). */
export class StoreUnreadable extends Schema.TaggedError<StoreUnreadable>()("StoreUnreadable", { problem: Schema.String }, { httpApiStatus: 500 }) {
  override get message() {
    return this.problem
  }
}

const runId = { runId: Schema.String }

export const Code = Schema.Struct({
  space: Schema.String,
  arch: Schema.String,
  code: Schema.String,
  /** The space's account of the inferred shapes (einspace); null for spaces without one. */
  shapes: Schema.NullOr(Schema.String)
})

export const StoreInfo = Schema.Struct({ root: Schema.String })

export class StoreApi extends HttpApiGroup.make("store")
  .add(
    HttpApiEndpoint.get("info", "/info", { success: StoreInfo }),
    HttpApiEndpoint.get("runs", "/runs", { success: Schema.Array(RunSummary), error: StoreUnreadable }),
    HttpApiEndpoint.get("run", "/runs/:runId", { params: runId, success: RunDetail, error: [RunNotFound, StoreUnreadable] }),
    HttpApiEndpoint.get("cv", "/runs/:runId/cv", { params: runId, success: CvView, error: [RunNotFound, StoreUnreadable] }),
    HttpApiEndpoint.get("cvTest", "/runs/:runId/cv/test", {
      params: runId,
      query: { a: Schema.String, b: Schema.String },
      success: Schema.Array(TestRow),
      error: [RunNotFound, InvalidRequest, StoreUnreadable]
    }),
    HttpApiEndpoint.get("search", "/runs/:runId/search", { params: runId, success: SearchView, error: [RunNotFound, StoreUnreadable] }),
    HttpApiEndpoint.get("trial", "/runs/:runId/search/trial", {
      params: runId,
      query: { arm: Schema.String, trial: Schema.Int },
      success: Schema.Array(Evaluation),
      error: [RunNotFound, InvalidRequest, StoreUnreadable]
    }),
    HttpApiEndpoint.get("code", "/code", {
      query: { space: Schema.String, arch: Schema.String },
      success: Code,
      error: InvalidRequest
    }),
    HttpApiEndpoint.get("cache", "/cache", { success: CacheView, error: StoreUnreadable })
  )
  .prefix("/api")
{}

export class Api extends HttpApi.make("cole").add(StoreApi) {}

/**
 * `cole serve` as a layer: the JSON API under /api and the page with its assets, over one store opened
 * read-only, on Node's HTTP server. The page's scripts come only from this server (a Content-Security-
 * Policy says so), one more guard besides the page never turning store text into markup.
 */
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer, Schema } from "effect"
import { HttpRouter, HttpServer, HttpServerResponse } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import * as Store from "../core/Store.ts"
import { Api } from "./Api.ts"
import { handlers } from "./Handlers.ts"
import * as Page from "./Page.ts"

const SECURITY = {
  "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-cache"
}

const page = HttpRouter.add("GET", "/", Effect.sync(() => HttpServerResponse.html(Page.served()).pipe(HttpServerResponse.setHeaders(SECURITY))))

const assets = HttpRouter.add("GET", "/assets/:name", Effect.gen(function*() {
  const { name } = yield* HttpRouter.params
  const asset = name === undefined ? undefined : Page.asset(name)
  if (asset === undefined) return HttpServerResponse.text(`no asset ${JSON.stringify(name)}; the page uses ${Page.assetNames.join(", ")}`, { status: 404 })
  return HttpServerResponse.text(asset.text, { contentType: asset.type }).pipe(HttpServerResponse.setHeaders(SECURITY))
}))

/** The routes over the store at `root`; the store is opened read-only (nothing is created or written). */
export const routes = (root: string) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(Api).pipe(Layer.provide(handlers)),
    page,
    assets
  ).pipe(Layer.provide(Store.readLayer(root)))

export interface Options {
  readonly root: string
  readonly host: string
  readonly port: number
}

/** The address could not be bound: taken, not this machine's, not allowed. */
export class ListenFailed extends Schema.TaggedError<ListenFailed>()("ListenFailed", { host: Schema.String, port: Schema.Int, reason: Schema.String }) {
  override get message() {
    return `cannot listen on ${this.host}:${this.port}: ${this.reason}`
  }
}

/** The server, listening until the layer is released. */
export const layer = (o: Options) =>
  HttpRouter.serve(routes(o.root), { disableLogger: true, disableListenLog: true }).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createServer, { host: o.host, port: o.port }))
  )

/**
 * Serves until interrupted, telling `listening` the URL once bound; an address that cannot be bound
 * fails with `ListenFailed`.
 */
export const run = (o: Options, listening: (url: string) => Effect.Effect<void>) =>
  HttpServer.addressFormattedWith(listening).pipe(
    Effect.andThen(Effect.never),
    Effect.provide(layer(o)),
    Effect.catchTag("ServeError", (e) =>
      Effect.fail(new ListenFailed({ host: o.host, port: o.port, reason: e.cause instanceof Error ? e.cause.message : String(e.cause) })))
  )

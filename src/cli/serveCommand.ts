/** `cole serve`: a read-only web view of a store — its runs, live progress, CV and search results, cache. */
import { existsSync, statSync } from "node:fs"
import { Console, Effect, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { HttpServer } from "effect/http"
import { oneLine, store } from "./common.ts"

export const serveCommand = Command.make(
  "serve",
  {
    store,
    port: Flag.Int("port").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 }))),
      Flag.withDescription("TCP port (0: any free one, printed at start)"),
      Flag.withDefault(8080)
    ),
    host: Flag.String("host").pipe(
      Flag.withDescription("Address to listen on; loopback by default (0.0.0.0 lets anyone who reaches this machine read the store)"),
      Flag.withDefault("127.0.0.1")
    )
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      if (!existsSync(o.store) || !statSync(o.store).isDirectory()) {
        return yield* Effect.fail(new Error(`--store ${o.store}: no such folder; cole serve shows a store that runs have written (e.g. cole quickstart --store ${o.store})`))
      }
      const Server = yield* Effect.promise(() => import("../serve/Server.ts"))
      const options = { root: o.store, host: o.host, port: o.port }
      return yield* Effect.gen(function*() {
        yield* HttpServer.addressFormattedWith((url) => Console.error(`cole serve: ${url}/ shows store ${o.store} (read-only); Ctrl-C stops`))
        return yield* Effect.never
      }).pipe(
        Effect.provide(Server.layer(options)),
        Effect.catchTag("ServeError", (e) => Effect.fail(Server.listenFailed(options, e)))
      )
    }))
).pipe(Command.withDescription("Serve a web view of the store: runs (live), CV and search results, the cache"))

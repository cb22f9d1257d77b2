/** `cole serve`: a read-only web view of a store — its runs, live progress, CV and search results, cache. */
import { Console, Effect, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import * as Files from "../core/Files.ts"
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
      const folder = yield* Files.statIfExists(o.store)
      if (folder === undefined || !folder.isDirectory()) {
        return yield* Effect.fail(new Error(`--store ${o.store}: no such folder; cole serve shows a store that runs have written (e.g. cole quickstart --store ${o.store})`))
      }
      // Loaded only here: the HTTP modules would add to every other command's start-up.
      const Server = yield* Effect.promise(() => import("../serve/Server.ts"))
      return yield* Server.run({ root: o.store, host: o.host, port: o.port }, (url) =>
        Console.error(`cole serve: ${url}/ shows store ${o.store} (read-only); Ctrl-C stops`))
    }))
).pipe(Command.withDescription("Serve a web view of the store: runs (live), CV and search results, the cache"))

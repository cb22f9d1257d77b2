/**
 * Where a command's units run: `--executor local` (worker threads of this process, the default) or
 * `--executor cluster` (runners that joined the PostgreSQL cluster at `--db`; `cole runner`). Both fall
 * back to `COLE_EXECUTOR` / `COLE_CLUSTER_DB`.
 */
import { Config, Effect, Layer, Option, Schema } from "effect"
import { Flag } from "effect/cli"
import * as Executor from "../core/Executor.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"

export const executor = Flag.Literals("executor", ["local", "cluster"]).pipe(
  Flag.withDescription("Where units run: local worker threads, or the runners of a cluster (--db; see cole runner)"),
  Flag.withFallbackConfig(Config.Literals(["local", "cluster"], "COLE_EXECUTOR").pipe(Config.withDefault("local" as const)))
)

export const db = Flag.String("db").pipe(
  Flag.withDescription("The cluster's PostgreSQL URL, postgres://user@host:port/database (default: $COLE_CLUSTER_DB)"),
  Flag.withFallbackConfig(Config.String("COLE_CLUSTER_DB")),
  Flag.optional
)

export const workers = Flag.Int("workers").pipe(
  Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))),
  Flag.withDescription("Worker threads (default: one per core)"),
  Flag.optional
)

/** The Executor the flags ask for; the cluster's needs the store (inputs and outputs travel through it). */
export const executorLayer = (options: {
  readonly executor: "local" | "cluster"
  readonly db: Option.Option<string>
  readonly workers: Option.Option<number>
}): Layer.Layer<Executor.Executor, Error | Executor.ClusterUnavailable, Store.Store> => {
  if (options.executor === "local") {
    return Option.match(options.workers, {
      onNone: () => Executor.local(),
      onSome: (workers) => workers === 0 ? Executor.inline : Executor.local({ workers })
    })
  }
  if (Option.isNone(options.db) || options.db.value.trim() === "") {
    return Layer.effect(Executor.Executor, Effect.fail(new Error("--executor cluster needs the cluster's database: --db postgres://… or COLE_CLUSTER_DB")))
  }
  const db = options.db.value
  // Loaded only when asked for: a local run never loads the PostgreSQL client.
  return Layer.unwrap(Effect.map(Effect.promise(() => import("../cluster/ClusterExecutor.ts")), (m) => m.layer({ db })))
}

/** The store at `root`, the Executor the flags ask for, and progress on stderr (or none). */
export const platformLayer = (
  root: string,
  options: Parameters<typeof executorLayer>[0],
  progress: "stderr" | "silent" = "stderr"
) =>
  Layer.mergeAll(executorLayer(options), progress === "stderr" ? Progress.layer : Progress.silent).pipe(
    Layer.provideMerge(Store.layer(root))
  )

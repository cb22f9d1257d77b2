/**
 * `cole ablate <ablation> [--axis key=v1,v2,…]…`: the cross product of layer choices over a base
 * configuration, cross-validated on the same folds and subsamples, as a "configuration × budget → mean τ"
 * table with the corrected t-test of every configuration against the base (the first row). Upstream
 * results are shared: each distinct code text and feature set is computed once (and only once ever,
 * through the store). An ablation is a file, `pipelines/ablations/<name>.ts`, whose default export says
 * the question, the base and the axes; `--axis` replaces or adds axes.
 */
import { existsSync } from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { Console, Effect, Layer, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Executor from "../core/Executor.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"
import { force, oneLine, parseBudgets, store } from "./common.ts"
import { Ablation, configurations } from "../pipelines/Ablation.ts"
import { cvPipeline, SETTINGS, summary } from "../pipelines/CrossValidation.ts"
import { markdown, writeCvReport } from "../report/CvReport.ts"

/** `mode=helper,inline` → ["mode", ["helper", "inline"]]. */
export const parseAxis = (text: string): readonly [string, Array<string>] => {
  const [key = "", list = ""] = text.split("=", 2)
  if (!(SETTINGS as ReadonlyArray<string>).includes(key)) throw new Error(`--axis ${text}: ${JSON.stringify(key)} is not an axis; expected one of ${SETTINGS.join(", ")}`)
  const values = list.split(",").map((v) => v.trim()).filter((v) => v !== "")
  if (values.length === 0) throw new Error(`--axis ${text}: expected ${key}=<value>,<value>,…`)
  return [key, values]
}

/** An ablation by file or by name (`verbosity` → pipelines/ablations/verbosity.ts). */
const loadAblation = (spec: string) =>
  Effect.gen(function*() {
    const file = existsSync(spec) ? path.resolve(spec) : path.resolve("pipelines", "ablations", `${spec}.ts`)
    if (!existsSync(file)) {
      return yield* Effect.fail(new Error(`ablation ${spec}: no such file, and no pipelines/ablations/${spec}.ts`))
    }
    const module = yield* Effect.tryPromise({
      try: () => import(pathToFileURL(file).href),
      catch: (e) => new Error(`ablation ${spec}: cannot be loaded: ${e instanceof Error ? e.message : String(e)}`)
    })
    return yield* Schema.decodeUnknownEffect(Ablation)(module.default).pipe(
      Effect.mapError((e) => new Error(`ablation ${spec}: its default export is not an ablation: ${e.message.replace(/\s*\n\s*/g, " ")}`))
    )
  })

export const ablateCommand = Command.make(
  "ablate",
  {
    store,
    force,
    ablation: Argument.String("ablation").pipe(Argument.withDescription("An ablation file, or a name in pipelines/ablations/ (verbosity, addons, pca, loss, pooling, models)")),
    axis: Flag.String("axis").pipe(Flag.withDescription("key=v1,v2,…: replace or add an axis (representation, mode, addon, pooling, reducer, loss, epochs); repeatable"), Flag.atLeast(0)),
    objective: Flag.String("objective").pipe(Flag.withDescription("Objective column (default: the ablation's)"), Flag.optional),
    repeats: Flag.Int("repeats").pipe(Flag.withDescription("Repeats of the 10-fold CV (default: the ablation's)"), Flag.optional),
    budgets: Flag.String("budgets").pipe(Flag.withDescription("Training budgets, e.g. 14,55 (default: the ablation's)"), Flag.optional),
    nb201: Flag.String("nb201").pipe(Flag.withDescription("NB201 table folder or CSV"), Flag.optional),
    workers: Flag.Int("workers").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.withDescription("Worker threads for trials (default: one per core)"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the report: trials-<i>.arrow, summary.md, summary.json, tau.svg and .png"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the summary as one JSON object on stdout"), Flag.withDefault(false))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const ablation = yield* loadAblation(o.ablation)
      const overrides = yield* Effect.try({ try: () => o.axis.map(parseAxis), catch: (e) => e as Error })
      if (ablation.needs !== undefined && overrides.length === 0) return yield* Effect.fail(new Error(`ablation ${ablation.name}: ${ablation.needs}`))
      const axes = new Map<string, ReadonlyArray<string>>(Object.entries(ablation.axes))
      for (const [key, values] of overrides) axes.set(key, values)
      const configs = yield* configurations(ablation.base, [...axes])
      const budgets = yield* Effect.try({ try: () => Option.match(o.budgets, { onNone: () => [...ablation.budgets], onSome: parseBudgets }), catch: (e) => e as Error })
      const objective = Option.getOrElse(o.objective, () => ablation.objective)
      const repeats = Option.getOrElse(o.repeats, () => ablation.repeats)
      if (repeats < 1) return yield* Effect.fail(new Error(`--repeats ${repeats}: expected a positive integer`))
      const [first, ...rest] = configs
      const { value } = yield* Pipeline.run(cvPipeline({
        space: "nb201", objective, repeats, budgets, ...Option.match(o.nb201, { onNone: () => ({}), onSome: (nb201) => ({ nb201 }) }), configurations: [first!, ...rest]
      }), { force: o.force }).pipe(Effect.provide(Layer.mergeAll(
        Store.layer(o.store),
        Executor.local({ ...Option.match(o.workers, { onNone: () => ({}), onSome: (workers) => ({ workers }) }) }),
        o.json ? Progress.silent : Progress.layer
      )))
      const result = summary(configs, value)
      const text = [`ablation ${ablation.name}: ${ablation.question}`, "", markdown(objective, repeats, result)].join("\n")
      yield* Option.match(o.out, { onNone: () => Effect.void, onSome: (dir) => Effect.sync(() => writeCvReport(dir, text, value, result)) })
      yield* Console.log(o.json ? JSON.stringify({ ablation: ablation.name, question: ablation.question, ...result }) : text)
    }))
).pipe(Command.withDescription("Run an ablation: the cross product of layer choices, cross-validated against the base configuration"))

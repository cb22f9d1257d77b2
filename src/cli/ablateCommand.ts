/**
 * `cole ablate <ablation> [--axis key=v1,v2,…]…`: the cross product of settings over a base. A cv
 * ablation cross-validates the configurations on the same folds and subsamples, on any space (a table
 * column or `labels:FILE`), as a "configuration × budget → mean τ" table with the corrected t-test of
 * each against the base (the first row); a search ablation runs the arms on the same trial seeds, with
 * Welch's test of each against the base. Upstream results are shared: each distinct code text and
 * feature set is computed once (and only once ever, through the store). An ablation is a file,
 * `pipelines/ablations/<name>.ts` or any path, whose default export says the question, the base and the
 * axes (src/pipelines/Ablation.ts); `--axis` replaces or adds axes.
 */
import { existsSync } from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Pipeline from "../core/Pipeline.ts"
import { db, executor, platformLayer } from "./clusterFlags.ts"
import { force, oneLine, parseBudgets, store } from "./common.ts"
import { Ablation, arms, configurations, resolveModules } from "../pipelines/Ablation.ts"
import type { Spec } from "../pipelines/ComponentSpec.ts"
import { cvPipeline, SETTINGS, summary } from "../pipelines/CrossValidation.ts"
import { ARM_SETTINGS, searchPipeline, summary as searchSummary } from "../pipelines/Search.ts"
import { markdown, writeCvReport } from "../report/CvReport.ts"
import { markdown as searchMarkdown, writeSearchReport } from "../report/SearchReport.ts"
import { defaults } from "../search/SearchStep.ts"

/** `mode=helper,inline` → ["mode", ["helper", "inline"]]. */
export const parseAxis = (text: string, settings: ReadonlyArray<string>): readonly [string, Array<string>] => {
  const [key = "", list = ""] = text.split("=", 2)
  if (!settings.includes(key)) throw new Error(`--axis ${text}: ${JSON.stringify(key)} is not an axis; expected one of ${settings.join(", ")}`)
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
    const ablation = yield* Schema.decodeUnknownEffect(Ablation)(module.default).pipe(
      Effect.mapError((e) => new Error(`ablation ${spec}: its default export is not an ablation: ${e.message.replace(/\s*\n\s*/g, " ")}`))
    )
    return resolveModules(ablation, path.dirname(file))
  })

export const ablateCommand = Command.make(
  "ablate",
  {
    store,
    force,
    ablation: Argument.String("ablation").pipe(Argument.withDescription("An ablation file, or a name in pipelines/ablations/ (verbosity, addons, pca, loss, pooling, models)")),
    axis: Flag.String("axis").pipe(Flag.withDescription("key=v1,v2,…: replace or add an axis (cv: representation, mode, addon, pooling, reducer, head, loss, epochs; search: representation, algorithm, preset, reducer, head); a value may be a component of yours, FILE.ts#export; repeatable"), Flag.atLeast(0)),
    space: Flag.String("space").pipe(Flag.withDescription("Search space (default: the ablation's, else nb201)"), Flag.optional),
    objective: Flag.String("objective").pipe(Flag.withDescription("Objective column, or labels:FILE.csv for a cv ablation (default: the ablation's)"), Flag.optional),
    repeats: Flag.Int("repeats").pipe(Flag.withDescription("cv: repeats of the 10-fold CV (default: the ablation's)"), Flag.optional),
    budgets: Flag.String("budgets").pipe(Flag.withDescription("cv: training budgets, e.g. 14,55 (default: the ablation's)"), Flag.optional),
    trials: Flag.Int("trials").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.withDescription("search: trials per arm (default: the ablation's)"), Flag.optional),
    budget: Flag.Int("budget").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.withDescription("search: evaluations per trial (default: the ablation's)"), Flag.optional),
    nb201: Flag.String("nb201").pipe(Flag.withDescription("NB201 table folder or CSV"), Flag.optional),
    executor,
    db,
    workers: Flag.Int("workers").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.withDescription("Worker threads for trials (default: one per core)"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the report (cv: trials-<i>.arrow, tau.svg/.png; search: trajectory-<i>.arrow, incumbent.svg/.png; both: summary.md and .json)"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the summary as one JSON object on stdout"), Flag.withDefault(false))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const ablation = yield* loadAblation(o.ablation)
      const settings = ablation.kind === "search" ? ARM_SETTINGS : SETTINGS
      const overrides = yield* Effect.try({ try: () => o.axis.map((text) => parseAxis(text, settings)), catch: (e) => e as Error })
      if (ablation.needs !== undefined && overrides.length === 0) return yield* Effect.fail(new Error(`ablation ${ablation.name}: ${ablation.needs}`))
      const axes = new Map<string, ReadonlyArray<Spec>>(Object.entries(ablation.axes))
      for (const [key, values] of overrides) axes.set(key, values)
      const space = Option.getOrElse(o.space, () => ablation.space ?? "nb201")
      const objective = Option.getOrElse(o.objective, () => ablation.objective)
      const nb201 = Option.match(o.nb201, { onNone: () => ({}), onSome: (nb201) => ({ nb201 }) })
      const platform = platformLayer(o.store, o, o.json ? "silent" : "stderr")
      const heading = `ablation ${ablation.name}: ${ablation.question}`

      if (ablation.kind === "search") {
        const compared = yield* arms(ablation.base, [...axes])
        const budget = Option.getOrElse(o.budget, () => ablation.budget)
        const settings = {
          ...defaults,
          trials: Option.getOrElse(o.trials, () => ablation.trials),
          budget,
          pca: undefined,
          epochs: ablation.epochs ?? defaults.epochs
        }
        const { value } = yield* Pipeline.run(searchPipeline({ space, objective, nb201: Option.getOrUndefined(o.nb201), archs: undefined, arms: compared, settings }), { force: o.force })
          .pipe(Effect.provide(platform))
        const result = searchSummary(compared, value.arms, budget, value.optimum)
        const { curves: _curves, ...printed } = result
        const text = [heading, "", searchMarkdown(objective, result)].join("\n")
        yield* Option.match(o.out, { onNone: () => Effect.void, onSome: (dir) => Effect.sync(() => writeSearchReport(dir, objective, budget, value.arms, result, { space })) })
        return yield* Console.log(o.json ? JSON.stringify({ ablation: ablation.name, question: ablation.question, ...printed }) : text)
      }

      const configs = yield* configurations(ablation.base, [...axes])
      const budgets = yield* Effect.try({ try: () => Option.match(o.budgets, { onNone: () => [...ablation.budgets], onSome: parseBudgets }), catch: (e) => e as Error })
      const repeats = Option.getOrElse(o.repeats, () => ablation.repeats)
      if (repeats < 1) return yield* Effect.fail(new Error(`--repeats ${repeats}: expected a positive integer`))
      const [first, ...rest] = configs
      const { value } = yield* Pipeline.run(cvPipeline({ space, objective, repeats, budgets, ...nb201, configurations: [first!, ...rest] }), { force: o.force })
        .pipe(Effect.provide(platform))
      const result = summary(configs, value)
      const text = [heading, "", markdown(objective, repeats, result)].join("\n")
      yield* Option.match(o.out, { onNone: () => Effect.void, onSome: (dir) => Effect.sync(() => writeCvReport(dir, text, value, result)) })
      yield* Console.log(o.json ? JSON.stringify({ ablation: ablation.name, question: ablation.question, ...result }) : text)
    }))
).pipe(Command.withDescription("Run an ablation: the cross product of settings over a base, cross-validated (cv) or searched (search) against the base"))

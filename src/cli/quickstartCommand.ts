/**
 * `cole quickstart` (what `npm start` runs): the method at a glance on NAS-Bench-201. The code text of
 * every architecture (exclude-helper) embedded by the hashed n-gram featurizer — or by an ONNX model
 * folder given with --model / $COLE_MODEL — against NASLib's path encoding: repeated 10-fold
 * cross-validation of the surrogate at budgets 14 … 879, then BANANAS (cole-paper) with each
 * representation. Prints both tables and writes a report folder; everything is cached, so a second run
 * only reads.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Config, Console, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import * as Pipeline from "../core/Pipeline.ts"
import { db, executor, platformLayer } from "./clusterFlags.ts"
import { force, oneLine, parseBudgets, store } from "./common.ts"
import * as Cv from "../pipelines/CrossValidation.ts"
import * as Quickstart from "../pipelines/Quickstart.ts"
import * as Search from "../pipelines/Search.ts"
import * as CvReport from "../report/CvReport.ts"
import * as HtmlReport from "../report/HtmlReport.ts"
import * as SearchReport from "../report/SearchReport.ts"

export const quickstartCommand = Command.make(
  "quickstart",
  {
    store,
    force,
    objective: Flag.String("objective").pipe(
      Flag.withDescription("NB201 objective column (default: $COLE_OBJECTIVE, then cifar10_test)"),
      Flag.withFallbackConfig(Config.String("COLE_OBJECTIVE").pipe(Config.withDefault("cifar10_test")))
    ),
    model: Flag.String("model").pipe(
      Flag.withDescription("An exported model folder (model.onnx, tokenizer.json) to embed with (default: $COLE_MODEL, else the hashed n-gram featurizer)"),
      Flag.withFallbackConfig(Config.String("COLE_MODEL").pipe(Config.withDefault(""))),
      Flag.map((folder) => (folder === "" ? Option.none<string>() : Option.some(folder)))
    ),
    repeats: Flag.Int("repeats").pipe(Flag.withDescription("Repeats of the 10-fold CV"), Flag.withDefault(2)),
    budgets: Flag.String("budgets").pipe(Flag.withDescription("CV training budgets"), Flag.withDefault("14,55,220,879")),
    epochs: Flag.Int("epochs").pipe(Flag.withDescription("CV head training epochs"), Flag.withDefault(100)),
    trials: Flag.Int("trials").pipe(Flag.withDescription("BANANAS trials per representation"), Flag.withDefault(10)),
    budget: Flag.Int("budget").pipe(Flag.withDescription("Evaluations per BANANAS trial"), Flag.withDefault(150)),
    searchEpochs: Flag.Int("search-epochs").pipe(Flag.withDescription("Ensemble epochs per fit (default: the preset's)"), Flag.optional),
    nb201: Flag.String("nb201").pipe(Flag.withDescription("NB201 table folder or CSV (default: $COLE_NB201, then the copy in the package's data/nb201)"), Flag.optional),
    executor,
    db,
    workers: Flag.Int("workers").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.withDescription("Worker threads (default: one per core)"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("Report folder (default: reports/quickstart inside the store)"), Flag.optional)
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const out = Option.getOrElse(o.out, () => path.join(o.store, "reports", "quickstart"))
      const budgets = yield* Effect.try({ try: () => parseBudgets(o.budgets), catch: (e) => e as Error })
      for (const [flag, v] of [["--repeats", o.repeats], ["--epochs", o.epochs], ["--trials", o.trials], ["--budget", o.budget]] as const) {
        if (!Number.isInteger(v) || v < 1) return yield* Effect.fail(new Error(`${flag} ${v}: expected a positive integer`))
      }
      const config = yield* Schema.decodeUnknownEffect(Quickstart.QuickstartConfig)({
        objective: o.objective,
        ...Option.match(o.model, { onNone: () => ({}), onSome: (model) => ({ model }) }),
        repeats: o.repeats,
        budgets,
        epochs: o.epochs,
        trials: o.trials,
        budget: o.budget,
        ...Option.match(o.searchEpochs, { onNone: () => ({}), onSome: (searchEpochs) => ({ searchEpochs }) }),
        ...Option.match(o.nb201, { onNone: () => ({}), onSome: (nb201) => ({ nb201 }) })
      }).pipe(Effect.mapError((e) => new Error(`quickstart: ${e.message.replace(/\s*\n\s*/g, " ")}`)))
      const objective = config.objective
      const codeText = Quickstart.codeText(config)
      const { configurations, arms, cv: cvPipeline, search: searchPipeline } = Quickstart.quickstartPipelines(config)
      const platform = platformLayer(o.store, o)

      // A --force name may belong to either pipeline; one that belongs to neither is refused before both.
      const [cvForce = [], searchForce = []] = o.force.length === 0
        ? []
        : yield* Effect.all([Pipeline.forceable(cvPipeline), Pipeline.forceable(searchPipeline)]).pipe(
          Effect.flatMap((known) => Pipeline.splitForce(known, o.force)),
          Effect.provide(platform)
        )
      const cv = yield* Pipeline.run(cvPipeline, { force: cvForce }).pipe(Effect.provide(platform))
      const cvResult = Cv.summary(configurations, cv.value)
      const cvText = CvReport.markdown(objective, o.repeats, cvResult)
      const search = yield* Pipeline.run(searchPipeline, { force: searchForce }).pipe(Effect.provide(platform))
      const searchResult = Search.summary(arms, search.value.arms, o.budget, search.value.optimum)
      const searchText = SearchReport.markdown(objective, searchResult)

      yield* Effect.sync(() => {
        CvReport.writeCvReport(path.join(out, "cv"), cvText, cv.value, cvResult)
        SearchReport.writeSearchReport(path.join(out, "search"), objective, o.budget, search.value.arms, searchResult, { space: "nb201" })
        mkdirSync(out, { recursive: true })
        const title = `Quickstart: ${codeText === "hashed-ngram" ? "hashed n-gram code text" : codeText} vs path-naslib on NB201 ${objective}`
        HtmlReport.write(out, title, {
          cv: CvReport.cvPart(cv.value, cvResult),
          search: SearchReport.searchPart("nb201", o.budget, search.value.arms, searchResult)
        })
        writeFileSync(path.join(out, "README.md"), [
          `# ${title}`,
          "",
          "## Surrogate ranking (repeated 10-fold cross-validation)",
          "",
          cvText,
          "",
          "![Kendall τ by budget](cv/tau.png)",
          "",
          `## BANANAS, cole-paper, ${o.trials} trials × ${o.budget} evaluations`,
          "",
          searchText,
          "",
          "![mean incumbent](search/incumbent.png)",
          ""
        ].join("\n"))
      })
      const nodes = cv.report.nodes.length + search.report.nodes.length
      const hits = [...cv.report.nodes, ...search.report.nodes].filter((n) => n.status === "hit").length
      yield* Console.log([cvText, "", searchText, "", `report: ${path.join(out, "README.md")} · ${nodes} nodes, ${hits} hit`].join("\n"))
    }))
).pipe(Command.withDescription("The method at a glance on NB201: code-text embeddings vs path-naslib, in cross-validation and in BANANAS"))

/**
 * The `cole` command: run and explain pipelines, inspect and maintain the store, lock step versions.
 * Every failure prints one line, `cole: <what went wrong>`, and exits non-zero.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer } from "effect"
import { Argument, Command } from "effect/cli"
import { ablateCommand } from "./ablateCommand.ts"
import { cacheCommand } from "./cacheCommand.ts"
import { oneLineInvocationErrors } from "./common.ts"
import { cv } from "./cvCommand.ts"
import { explainCommand } from "./explainCommand.ts"
import { modelCommands } from "./modelCommands.ts"
import { quickstartCommand } from "./quickstartCommand.ts"
import { runCommand } from "./runCommand.ts"
import { runnerCommand } from "./runnerCommand.ts"
import { clusterCommand } from "./clusterCommand.ts"
import { searchCommand } from "./searchCommand.ts"
import { serveCommand } from "./serveCommand.ts"
import { spaceCommands } from "./spaceCommands.ts"
import { statusCommand } from "./statusCommand.ts"
import { stepsCommand } from "./stepsCommand.ts"

const VERSION = "0.1.0"

// `cole help [command…]` is `cole [command…] --help`.
const help = Command.make(
  "help",
  { command: Argument.String("command").pipe(Argument.withDescription("The command to describe"), Argument.variadic()) },
  ({ command }): Effect.Effect<void, unknown, Command.Environment> => Command.runWith(cole, { version: VERSION })([...command, "--help"])
).pipe(Command.withDescription("Describe cole, or one of its commands"))

const cole = Command.make("cole").pipe(
  Command.withDescription("cole: typed, cached dataflow for surrogate-assisted NAS"),
  Command.withSubcommands([quickstartCommand, runCommand, explainCommand, statusCommand, cacheCommand, stepsCommand, cv, ablateCommand, searchCommand, runnerCommand, clusterCommand, serveCommand, ...spaceCommands, ...modelCommands, help])
)

// A closed pipe (`cole cache ls | head -1`) ends the output quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
})

cole.pipe(
  Command.run({ version: VERSION }),
  Effect.provide(Layer.merge(NodeServices.layer, oneLineInvocationErrors)),
  (program) => NodeRuntime.runMain(program, { disableErrorReporting: true })
)

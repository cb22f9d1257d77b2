/** Pieces every command shares: the store flag and one-line error reporting. */
import { Config, Console, Effect } from "effect"
import { CliOutput, Flag } from "effect/cli"
import { parse } from "../pipelines/ComponentSpec.ts"

class CliFailure extends Error {}

/** Prints a failure as one line and fails the command, so the process exits non-zero. */
export const oneLine = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  self.pipe(
    Effect.catchCause((cause) =>
      Effect.gen(function*() {
        const error = (cause.reasons.find((r) => r._tag === "Fail") as { error?: unknown } | undefined)?.error
          ?? (cause.reasons[0] as { defect?: unknown } | undefined)?.defect
        const text = error instanceof Error ? error.message : String(error)
        yield* Console.error(`cole: ${text.replace(/\s*\n\s*/g, " ")}`)
        return yield* Effect.die(new CliFailure(text))
      })
    )
  )

export const force = Flag.String("force").pipe(
  Flag.withDescription("Recompute this step or node, and the cached units inside it (a step name, a node id, or all); repeatable"),
  Flag.atLeast(0)
)

/**
 * A command line cole cannot parse (an unknown flag, a value of the wrong type) is one `cole: …` line
 * on stderr, like every other error, instead of the command's whole help; `--help` still shows it.
 */
/** A component flag's value (`--head gp`, or a ref as JSON), or one line saying what is wrong with it. */
export const componentFlag = (flag: string, value: string) =>
  parse(value).pipe(Effect.mapError((problem) => new Error(`${flag} ${value}: ${problem}`)))

export const oneLineInvocationErrors = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Console.error(`cole: ${event.errors.map((e) => e.message.replace(/\s*\n\s*/g, " ")).join("; ")} (cole ${event.commandPath.slice(1).join(" ")} --help lists the flags)`.replace("cole  --help", "cole --help"))
      : CliOutput.defaultPresenter.present(event)
})

/**
 * `--compare a=1,b=2`: the base with each setting applied in turn by `change`; a setting it refuses
 * becomes the one-line error `refused(key, value, setting)` says.
 */
export const applySettings = <A, E>(
  base: A,
  text: string,
  change: (a: A, key: string, value: string) => Effect.Effect<A, E>,
  refused: (key: string, value: string, setting: string) => string
) =>
  Effect.gen(function*() {
    let current = base
    for (const setting of splitSettings(text)) {
      const at = setting.indexOf("=")
      const key = (at < 0 ? setting : setting.slice(0, at)).replace(/^--/, "")
      const value = at < 0 ? "" : setting.slice(at + 1)
      current = yield* change(current, key, value).pipe(Effect.mapError(() => new Error(`--compare ${text}: ${refused(key, value, setting)}`)))
    }
    return current
  })

/** `a=1,b={"use":"x","params":{"k":1}}` → its settings, split at commas and spaces outside braces and quotes. */
export const splitSettings = (text: string): Array<string> => {
  const out: Array<string> = []
  let current = ""
  let depth = 0
  let quoted = false
  for (const c of text) {
    if (c === "\"") quoted = !quoted
    else if (!quoted && c === "{") depth++
    else if (!quoted && c === "}") depth--
    if (!quoted && depth === 0 && /[\s,]/.test(c)) {
      if (current !== "") out.push(current)
      current = ""
    } else current += c
  }
  if (current !== "") out.push(current)
  return out
}

export const store = Flag.String("store").pipe(
  Flag.withDescription("Store directory (default: $COLE_STORE or ./artifacts)"),
  Flag.withFallbackConfig(Config.String("COLE_STORE").pipe(Config.withDefault("artifacts")))
)

/** `--budgets 14,55,220`: positive integers, or an error naming the bad entry. */
export const parseBudgets = (text: string): Array<number> =>
  text.split(",").map((b) => {
    if (!/^\s*\d+\s*$/.test(b) || Number(b) < 1) throw new Error(`--budgets ${text}: ${JSON.stringify(b)} is not a positive integer`)
    return Number(b)
  })

/** What the space commands share: the space flag, the architecture argument, and their parsing and printing. */
import { Effect, Result } from "effect"
import { Argument, Flag } from "effect/cli"
import { type Space } from "../core/Space.ts"
import { spaces } from "../spaces/registry.ts"

export const space = Flag.String("space").pipe(Flag.withDescription(`Search space (${Object.keys(spaces).join(", ")})`), Flag.withDefault("nb201"))
export const archArgument = Argument.String("arch").pipe(Argument.withDescription("An architecture in the space's string form"))
export const nb201Location = Flag.String("nb201").pipe(
  Flag.withDescription("NB201 table: a folder with nb201.csv and nb201_12epoch.csv (plain or .gz), or one CSV (default: $COLE_NB201, then the copy in the package's data/nb201)"),
  Flag.optional
)

export const parseArch = (s: Space<any, any>, text: string) =>
  Effect.suspend(() => {
    const parsed = s.parse(text)
    return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(parsed.failure)
  })

export const short = Flag.Boolean("short").pipe(Flag.withDescription("Print the short form (einspace)"), Flag.withDefault(false))

/** The printer for the chosen form: canonical, or one of the space's other forms. */
export const printer = (s: Space<any, any>, form: string | null) =>
  Effect.suspend(() => {
    if (form === null) return Effect.succeed(s.format)
    const print = s.forms?.[form]
    return print !== undefined
      ? Effect.succeed(print)
      : Effect.fail(new Error(`--${form}: space ${s.name} has no ${form} form${s.forms === undefined ? "" : ` (it has: ${Object.keys(s.forms).join(", ")})`}`))
  })

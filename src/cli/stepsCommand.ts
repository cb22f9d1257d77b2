/** `cole steps ls | lock`: every step implementation's version and computed fingerprint. */
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import * as Fingerprint from "../core/Fingerprint.ts"
import { implementations } from "../implementations.ts"
import * as Format from "./format.ts"

const LOCK_FILE = new URL("../../steps.lock.json", import.meta.url)

const stepsLs = Command.make(
  "ls",
  { files: Flag.Boolean("files").pipe(Flag.withDescription("Also list the files each fingerprint covers, with their digests"), Flag.withDefault(false)) },
  ({ files }) =>
    Console.log(files
      ? implementations.map((i) =>
        `${Fingerprint.idOf(i)} (version ${i.version})\n${Object.entries(Fingerprint.files(i)).map(([f, d]) => `  ${d}  ${f}`).join("\n")}`
      ).join("\n\n")
      : Format.table(
        ["implementation", "version", "fingerprint", "files"],
        Object.entries(Fingerprint.lock(implementations)).map(([id, entry]) => [id, String(entry.version), entry.fingerprint.slice(7, 19), String(Object.keys(entry.files ?? {}).length)])
      ))
).pipe(Command.withDescription("List the built-in step implementations; --files: what each fingerprint covers"))

const stepsLock = Command.make("lock", {}, () =>
  Effect.sync(() => {
    writeFileSync(LOCK_FILE, `${JSON.stringify(Fingerprint.lock(implementations), null, 2)}\n`)
  }).pipe(Effect.andThen(Console.log(`wrote ${path.relative(process.cwd(), LOCK_FILE.pathname)}`)))).pipe(
    Command.withDescription("Record every implementation's version and code fingerprint in steps.lock.json")
  )

export const stepsCommand = Command.make("steps").pipe(
  Command.withDescription("Step implementations and the version lock"),
  Command.withSubcommands([stepsLs, stepsLock])
)

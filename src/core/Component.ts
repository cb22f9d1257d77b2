/**
 * Components: the parts inside a step that an ablation swaps — a reducer, a surrogate head, a search
 * strategy. A component is a definition (kind, name, version, a params Schema, `make`) exported from a
 * module; a configuration names it by a `Ref` — a built-in by name, or `path/to/module.ts#export` — with
 * params. A ref is located once on the main thread (a module URL, the export and the decoded params:
 * plain data), and anything holding that location builds the same component: a worker thread imports
 * the module and calls `make`, so a user's own component runs where the built-ins run.
 *
 * Identity: what enters the keys of the units that use a component is its kind, name, version and
 * encoded params; for a component from a user's module also the fingerprint of the files that module
 * reaches (built-ins are guarded by the step lock instead, like steps).
 */
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { Effect, Schema } from "effect"
import * as Fingerprint from "./Fingerprint.ts"
import * as Hash from "./Hash.ts"
import * as ModulePath from "./ModulePath.ts"

export type Json = typeof Schema.Json.Type

/** How a configuration names a component: `{ use: "gp" }`, `{ use: "./my-head.ts#head", params: {…} }`. */
export const Ref = Schema.Struct({
  use: Schema.String.check(Schema.isNonEmpty()),
  params: Schema.optional(Schema.Record(Schema.String, Schema.Json))
})
export type Ref = typeof Ref.Type

export class InvalidComponent extends Schema.TaggedError<InvalidComponent>()("InvalidComponent", {
  component: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `component ${this.component}: ${this.problem}`
  }
}

const DefinitionId = "cole/Component"

/** A component: `make(params)` gives the kind's interface (a `Reducer`, a `Head`, a `Strategy`). */
export interface Definition<K extends string = string, P = any, I = unknown> {
  readonly [DefinitionId]: true
  readonly kind: K
  readonly name: string
  /** Bumped when a change alters what the component computes. */
  readonly version: number
  readonly params: Schema.Codec<P, any>
  /** Entry modules of the drift guard's fingerprint (for built-ins; `import.meta.url`). */
  readonly sources: ReadonlyArray<string>
  readonly make: (params: P) => I
}

/** Declares the components of one kind: `const defineHead = Component.kind<"head", Head>("head")`. */
export const kind = <K extends string, I>(k: K) =>
<P, PE>(spec: {
  readonly name: string
  readonly version: number
  readonly params: Schema.Codec<P, PE>
  readonly sources: ReadonlyArray<string>
  readonly make: (params: P) => I
}): Definition<K, P, I> => ({ [DefinitionId]: true, kind: k, ...spec })

const isDefinition = (u: unknown): u is Definition =>
  typeof u === "object" && u !== null && DefinitionId in u

/** Where a kind's built-ins live: name → module URL and export. */
export type Builtins = Readonly<Record<string, { readonly module: string; readonly export: string }>>

/** A located component: plain data a worker thread receives and builds the same component from. */
export interface Located {
  readonly kind: string
  readonly module: string
  readonly export: string
  readonly params: Json
  /** The ref as written (a built-in's name, or the module as the user wrote it): for messages. */
  readonly use: string
  readonly builtin: boolean
}

/** Identity of a located component, as it enters unit keys. */
// A type, not an interface: it is JSON as it stands (a key's preimage).
export type Identity = {
  readonly kind: string
  readonly name: string
  readonly version: number
  readonly params: Json
  /** For a user's module: the digest of every file it reaches. */
  readonly fingerprint?: string
}

/** The ref's module and export: a built-in by name, or `file.ts#export` resolved against `base` (a folder). */
export const locate = (k: string, ref: Ref, builtins: Builtins, base = process.cwd()): Effect.Effect<Located, InvalidComponent> => {
  // Own names only: `constructor` or `toString` is no built-in.
  const builtin = Object.hasOwn(builtins, ref.use) ? builtins[ref.use] : undefined
  const params = (ref.params ?? {}) as Json
  // A built-in is named relative to the install, so a runner installed elsewhere loads its own copy.
  if (builtin !== undefined) return Effect.succeed({ kind: k, ...builtin, module: ModulePath.portable(builtin.module), params, use: ref.use, builtin: true })
  const hash = ref.use.lastIndexOf("#")
  const looksLikeModule = /[\\/]|\.[cm]?[jt]s(#|$)/.test(ref.use)
  if (!looksLikeModule || hash <= 0 || hash === ref.use.length - 1) {
    return Effect.fail(new InvalidComponent({
      component: ref.use,
      problem: `expected a built-in ${k} (${Object.keys(builtins).join(", ")}) or a module and its export, e.g. ./my-${k}.ts#my${k[0]!.toUpperCase()}${k.slice(1)}`
    }))
  }
  const file = ref.use.slice(0, hash)
  const module = file.startsWith("file:") ? file : pathToFileURL(path.resolve(base, file)).href
  return Effect.succeed({ kind: k, module, export: ref.use.slice(hash + 1), params, use: ref.use, builtin: false })
}

/** A located component built: its definition, params (decoded, and encoded as they enter keys) and instance. */
export interface Loaded<I> {
  readonly definition: Definition<string, unknown, I>
  readonly params: unknown
  readonly encoded: Json
  readonly instance: I
}

/** Imports the module, checks the export is a component of the kind, decodes the params and makes it. */
export const load = <I>(located: Located): Effect.Effect<Loaded<I>, InvalidComponent> =>
  Effect.gen(function*() {
    const problem = (p: string) => new InvalidComponent({ component: located.use, problem: p })
    const module = yield* Effect.tryPromise({
      try: () => import(ModulePath.resolve(located.module)) as Promise<Record<string, unknown>>,
      catch: (e) => problem(`cannot load ${located.module}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`)
    })
    const definition = module[located.export]
    if (!isDefinition(definition)) {
      return yield* problem(`${located.module} has no component export ${JSON.stringify(located.export)} (exports: ${Object.keys(module).join(", ") || "none"})`)
    }
    if (definition.kind !== located.kind) return yield* problem(`is a ${definition.kind}, expected a ${located.kind}`)
    const params = yield* Schema.decodeUnknownEffect(definition.params)(located.params).pipe(
      Effect.mapError((e) => problem(`params ${JSON.stringify(located.params)}: ${e.message.replace(/\s*\n\s*/g, " ")}`))
    )
    const encoded = yield* Schema.encodeUnknownEffect(definition.params)(params).pipe(Effect.orDie)
    const instance = yield* Effect.try({
      try: () => definition.make(params) as I,
      catch: (e) => problem(e instanceof Error ? e.message : String(e))
    })
    return { definition: definition as Definition<string, unknown, I>, params, encoded: encoded as Json, instance }
  })

/** What of a loaded component enters keys; a user's module adds the fingerprint of what it reaches. */
export const identify = (located: Located, loaded: Loaded<unknown>): Identity => ({
  kind: loaded.definition.kind,
  name: loaded.definition.name,
  version: loaded.definition.version,
  params: loaded.encoded,
  ...(located.builtin ? {} : { fingerprint: fingerprint(located.module) })
})

/** Builds a located component where no Effect runtime is at hand (a worker task). */
export const build = async <I>(located: Located): Promise<I> => (await Effect.runPromise(load<I>(located))).instance

/**
 * The digest of a user's module and every file it reaches by relative import, each named relative to
 * the module's folder: moving the folder keeps it, editing any reached file changes it.
 */
export const fingerprint = (module: string): string => {
  const file = fileURLToPath(module)
  const folder = path.dirname(file)
  // The module itself always counts, even from a package (reach leaves node_modules out).
  const files = [...new Set([file, ...Fingerprint.reach([file], path.parse(file).root)])].sort()
  return Hash.hex(Hash.digestJson(files.map((f) => [path.relative(folder, f).split(path.sep).join("/"), Fingerprint.digestOf(f)])))
}

/** Loads a located component on this thread, to check it and read its identity before any work. */
export const identity = (located: Located): Effect.Effect<Identity, InvalidComponent> =>
  Effect.map(load(located), (loaded) => identify(located, loaded))

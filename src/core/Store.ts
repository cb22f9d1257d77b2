/**
 * The content-addressed store: immutable blobs named by their sha256, and small manifests that map a
 * step's cache key to its output blobs. The manifest rename is the commit point of a step result.
 *
 *   blobs/sha256/ab/<hex>            artifact bytes
 *   entries/<step>/<key>.json        manifests
 *   refs/<name>.json                 named roots for gc
 *   runs/<id>.jsonl, runs/<id>.live  run journals and live-run markers
 *   leases/<step>/<key>.lease        per-key leases of running writers
 *   tmp/                             files being written (debris after a crash)
 *   quarantine/                      blobs whose bytes no longer match their name, unreadable manifests
 */
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Context, Data, Effect, Layer, Option, Schema } from "effect"
import { EntryId, Manifest, Ref } from "../../schemas/Store.ts"
import * as Files from "./Files.ts"
import * as Hash from "./Hash.ts"

export class CorruptBlob extends Data.TaggedError("CorruptBlob")<{
  readonly digest: Hash.Digest
  readonly actual: string
  readonly quarantinedTo: string
}> {
  override get message() {
    return `blob ${this.digest} is corrupt (its bytes hash to ${this.actual}); moved to ${this.quarantinedTo}`
  }
}

export class MissingBlob extends Data.TaggedError("MissingBlob")<{ readonly digest: Hash.Digest }> {
  override get message() {
    return `blob ${this.digest} is not in the store`
  }
}

export class InvalidName extends Data.TaggedError("InvalidName")<{
  readonly kind: string
  readonly value: string
  readonly problem: string
}> {
  override get message() {
    return `invalid ${this.kind} name ${JSON.stringify(this.value.length > 80 ? `${this.value.slice(0, 77)}…` : this.value)}: ${this.problem}; expected lower-case letters, digits, '-', '_', '.', '/'-separated, at most ${MAX_NAME} characters`
  }
}

export class RefNotFound extends Data.TaggedError("RefNotFound")<{ readonly name: string; readonly known: ReadonlyArray<string> }> {
  override get message() {
    return `no ref named ${JSON.stringify(this.name)}; known refs: ${this.known.join(", ") || "(none)"}`
  }
}

const NAME = /^[a-z0-9_.-]+(\/[a-z0-9_.-]+)*$/
/** Names become file paths; this keeps every part well under a filesystem's 255-byte limit. */
const MAX_NAME = 200

/** What is wrong with a step or ref name, or undefined if nothing is. */
const nameProblem = (value: string): string | undefined => {
  if (value === "") return "it is empty"
  if (value.length > MAX_NAME) return `it is ${value.length} characters long`
  const escape = value.split("/").find((part) => part === "." || part === "..")
  if (escape !== undefined) return `"${escape}" would leave its folder`
  const character = [...value].find((c) => !/[a-z0-9_.\/-]/.test(c))
  if (character !== undefined) return `${JSON.stringify(character)} is not allowed`
  return NAME.test(value) ? undefined : "it has an empty part ('//', or '/' at an end)"
}
const decodeManifest = Schema.decodeUnknownOption(Schema.fromJsonString(Manifest))
const decodeRef = Schema.decodeUnknownOption(Schema.fromJsonString(Ref))

/** Checks a step or ref name, so that names can never escape their folder. */
export const checkName = (kind: string, value: string): Effect.Effect<string, InvalidName> => {
  const problem = nameProblem(value)
  return problem === undefined ? Effect.succeed(value) : Effect.fail(new InvalidName({ kind, value, problem }))
}

export interface BlobInfo {
  readonly digest: Hash.Digest
  readonly size: number
}

export const make = (root: string) => {
  const dir = (...parts: Array<string>) => path.join(root, ...parts)
  const tmp = dir("tmp")
  const blobPath = (digest: Hash.Digest) => {
    const h = Hash.hex(digest)
    return dir("blobs", "sha256", h.slice(0, 2), h)
  }
  const entryPath = (step: string, key: string) => dir("entries", step, `${key}.json`)

  const init = Files.io("init", root, () => Files.makeDirectory(tmp))

  /**
   * Stores bytes (one buffer, or chunks in order) under their digest. Writing an existing blob is a
   * no-op: same name, same bytes.
   */
  const putBlob = (bytes: Uint8Array | ReadonlyArray<Uint8Array>): Effect.Effect<BlobInfo, Files.StoreIOError> =>
    Effect.gen(function*() {
      const chunks = bytes instanceof Uint8Array ? [bytes] : bytes
      const h = Hash.hasher()
      let size = 0
      for (const chunk of chunks) {
        h.update(chunk)
        size += chunk.byteLength
      }
      const digest = h.digest()
      const target = blobPath(digest)
      const existing = yield* Files.sizeIfExists(target)
      if (existing !== size) yield* Files.publish(tmp, target, chunks)
      return { digest, size }
    })

  /**
   * Moves a file of the store aside (a corrupt blob, an unreadable manifest), so what it stood for is a
   * miss and recomputes. It is dated now: gc keeps it for the grace period, for whoever wants to look.
   */
  const quarantineFile = (file: string) =>
    Effect.gen(function*() {
      const to = dir("quarantine", `${path.basename(file)}.${Date.now()}`)
      yield* Files.io("quarantine", file, async () => {
        await fs.mkdir(path.dirname(to), { recursive: true })
        await fs.rename(file, to).catch((cause) => {
          if (Files.errorCode(cause) !== "ENOENT") throw cause
        })
        const now = new Date()
        await fs.utimes(to, now, now).catch(() => undefined)
      })
      return to
    })

  /** Moves a blob aside so the manifests that name it become misses and their steps recompute. */
  const quarantine = (digest: Hash.Digest) => quarantineFile(blobPath(digest))

  /** Reads a blob and checks its bytes against its name; a mismatch quarantines it. */
  const readBlob = (digest: Hash.Digest): Effect.Effect<Uint8Array, CorruptBlob | MissingBlob | Files.StoreIOError> =>
    Effect.gen(function*() {
      const bytes = yield* Files.readIfExists(blobPath(digest))
      if (bytes === undefined) return yield* new MissingBlob({ digest })
      const actual = Hash.sha256(bytes)
      if (actual !== digest) {
        const quarantinedTo = yield* quarantine(digest)
        return yield* new CorruptBlob({ digest, actual, quarantinedTo })
      }
      return bytes
    })

  /** The manifest of a key as written, without checking its blobs (for `explain`). */
  const readManifest = (step: string, key: string) =>
    Files.readIfExists(entryPath(step, key)).pipe(
      Effect.map((bytes) => bytes === undefined ? Option.none<Manifest>() : decodeManifest(bytes.toString("utf8")))
    )

  /**
   * A verified hit: the manifest parses and every blob it names exists with the recorded size.
   * A manifest whose blob is gone (quarantined, deleted by hand) is a miss, not an error.
   */
  const lookup = (step: string, key: string) =>
    Effect.gen(function*() {
      const manifest = yield* readManifest(step, key)
      if (Option.isNone(manifest)) return manifest
      for (const output of Object.values(manifest.value.outputs)) {
        const size = yield* Files.sizeIfExists(blobPath(output.digest as Hash.Digest))
        if (size !== output.size) return Option.none<Manifest>()
      }
      return manifest
    })

  /** Publishes a manifest: the commit point of a step result. Its blobs must already be stored. */
  const commit = (manifest: Manifest) =>
    Files.publish(tmp, entryPath(manifest.step, manifest.key), `${JSON.stringify(manifest, null, 2)}\n`)

  /** Every manifest file in the store; `manifest` is none where the file does not parse. */
  const entries = Effect.gen(function*() {
    const files = yield* Files.listFiles(dir("entries"))
    return yield* Effect.forEach(files.filter((f) => f.endsWith(".json")), (file) =>
      Files.readIfExists(dir("entries", file)).pipe(
        Effect.map((bytes) => ({
          step: path.dirname(file).split(path.sep).join("/"),
          key: path.basename(file, ".json"),
          file: dir("entries", file),
          manifest: bytes === undefined ? Option.none<Manifest>() : decodeManifest(bytes.toString("utf8"))
        }))
      ), { concurrency: 16 })
  })

  /** Every blob in the store with its size and modification time. */
  const blobs = Effect.gen(function*() {
    const files = yield* Files.listFiles(dir("blobs", "sha256"))
    return yield* Effect.forEach(files, (file) =>
      Files.io("stat", file, () => fs.stat(dir("blobs", "sha256", file))).pipe(
        Effect.map((stat) => ({
          digest: `sha256:${path.basename(file)}` as Hash.Digest,
          file: dir("blobs", "sha256", file),
          size: stat.size,
          mtimeMs: stat.mtimeMs
        }))
      ), { concurrency: 16 })
  })

  const refPath = (name: string) => dir("refs", `${name}.json`)

  const setRef = (name: string, entries: ReadonlyArray<EntryId>) =>
    checkName("ref", name).pipe(
      Effect.flatMap(() =>
        Files.publish(tmp, refPath(name), `${JSON.stringify({ name, entries, createdAt: new Date().toISOString() }, null, 2)}\n`)
      )
    )

  const refs = Effect.gen(function*() {
    const files = yield* Files.listFiles(dir("refs"))
    const out: Array<Ref> = []
    for (const file of files) {
      const bytes = yield* Files.readIfExists(dir("refs", file))
      const ref = bytes === undefined ? Option.none() : decodeRef(bytes.toString("utf8"))
      if (Option.isSome(ref)) out.push(ref.value)
    }
    return out
  })

  const getRef = (name: string) =>
    Effect.gen(function*() {
      const all = yield* refs
      const ref = all.find((r) => r.name === name)
      if (ref === undefined) return yield* new RefNotFound({ name, known: all.map((r) => r.name) })
      return ref
    })

  const deleteRef = (name: string) => getRef(name).pipe(Effect.flatMap(() => Files.removeIfExists(refPath(name))))

  return {
    root,
    dir,
    tmp,
    blobPath,
    entryPath,
    init,
    putBlob,
    readBlob,
    quarantine,
    quarantineFile,
    readManifest,
    lookup,
    commit,
    entries,
    blobs,
    setRef,
    getRef,
    deleteRef,
    refs
  } as const
}

export class Store extends Context.Service<Store, ReturnType<typeof make>>()("cole/core/Store") {}

export class InvalidStorePath extends Data.TaggedError("InvalidStorePath")<{ readonly root: string }> {
  override get message() {
    return `store path ${JSON.stringify(this.root)}: expected a directory path (an empty one would put the store in the working directory unasked)`
  }
}

const checkedRoot = (root: string) =>
  root.trim() === "" ? Effect.fail(new InvalidStorePath({ root })) : Effect.succeed(make(path.resolve(root)))

/** A store rooted at `root` (created if absent). */
export const layer = (root: string) => Layer.effect(Store, Effect.tap(checkedRoot(root), (store) => store.init))

/**
 * A store for commands that only look (explain, status, ls): nothing is created, so looking at a store
 * that does not exist yet leaves no trace. Its readers see a missing folder as empty.
 */
export const readLayer = (root: string) => Layer.effect(Store, checkedRoot(root))

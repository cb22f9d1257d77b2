/**
 * The file-system primitives the store is built on: atomic publish (tmp → fsync → rename → fsync dir)
 * and tolerant reads. Every write to the store goes through `publish`.
 */
import { randomUUID } from "node:crypto"
import * as fs from "node:fs/promises"
import * as path from "node:path"
import { Data, Effect } from "effect"
import * as Fault from "./Fault.ts"

export class StoreIOError extends Data.TaggedError("StoreIOError")<{
  readonly operation: string
  readonly path: string
  readonly cause: unknown
}> {
  override get message() {
    const reason = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `store ${this.operation} failed for ${this.path}: ${reason}`
  }
}

export const io = <A>(operation: string, file: string, run: () => Promise<A>): Effect.Effect<A, StoreIOError> =>
  Effect.tryPromise({ try: run, catch: (cause) => new StoreIOError({ operation, path: file, cause }) })

export const errorCode = (cause: unknown): string | undefined =>
  typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { code: unknown }).code) : undefined

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir loops forever where
 * a parent cannot hold directories (it retries ENOENT under /proc); this fails with that error instead.
 */
export const makeDirectory = async (dir: string) => {
  const missing: Array<string> = []
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const found = await fs.stat(current).then((s) => s, (e: unknown) => (errorCode(e) === "ENOENT" ? undefined : Promise.reject(e)))
    if (found !== undefined || path.dirname(current) === current) break
    missing.push(current)
  }
  for (const d of missing.reverse()) await fs.mkdir(d).catch((e: unknown) => (errorCode(e) === "EEXIST" ? undefined : Promise.reject(e)))
}

const writeAll = async (handle: fs.FileHandle, chunks: ReadonlyArray<Uint8Array>) => {
  // writev takes at most IOV_MAX buffers per call and may write part of them.
  for (let i = 0; i < chunks.length; i += 512) {
    let batch = chunks.slice(i, i + 512)
    while (batch.length > 0) {
      const { bytesWritten } = await handle.writev(batch as Array<Uint8Array>)
      let left = bytesWritten
      while (batch.length > 0 && left >= batch[0]!.byteLength) left -= batch.shift()!.byteLength
      if (left > 0) batch[0] = batch[0]!.subarray(left)
    }
  }
}

const fsyncDir = async (dir: string) => {
  const handle = await fs.open(dir, "r")
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Writes `bytes` to `target` so that readers see either nothing or the whole file: the bytes go to a
 * fresh file in `tmpDir` (same file system), are fsynced, and are renamed into place; the directory is
 * then fsynced so the rename itself survives a crash.
 */
export const publish = (tmpDir: string, target: string, bytes: Uint8Array | string | ReadonlyArray<Uint8Array>) =>
  io("publish", target, async () => {
    const tmp = path.join(tmpDir, `${randomUUID()}.tmp`)
    await fs.mkdir(path.dirname(target), { recursive: true })
    const handle = await fs.open(tmp, "wx")
    try {
      Fault.point(`open ${path.basename(target)}`)
      if (typeof bytes === "string" || bytes instanceof Uint8Array) await handle.writeFile(bytes)
      else await writeAll(handle, bytes)
      Fault.point(`write ${path.basename(target)}`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    Fault.point(`fsync ${path.basename(target)}`)
    await fs.rename(tmp, target)
    Fault.point(`rename ${path.basename(target)}`)
    await fsyncDir(path.dirname(target))
  })

/** Runs a file operation; a missing file gives undefined instead of an error. */
const ifExists = <A>(operation: string, file: string, run: () => Promise<A>) =>
  io(operation, file, () =>
    run().catch((cause) => {
      if (errorCode(cause) === "ENOENT") return undefined
      throw cause
    }))

/** Reads a file, or returns undefined when it does not exist. */
export const readIfExists = (file: string) => ifExists("read", file, () => fs.readFile(file))

/** A file's stat, or undefined when it does not exist. */
export const statIfExists = (file: string) => ifExists("stat", file, () => fs.stat(file))

/** Size of a file, or undefined when it does not exist. */
export const sizeIfExists = (file: string) => ifExists("stat", file, async () => (await fs.stat(file)).size)

/** All files below `dir` (relative paths), or none when it does not exist. */
export const listFiles = (dir: string) =>
  ifExists("list", dir, async () => {
    const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true })
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort()
  }).pipe(Effect.map((files) => files ?? []))

export const removeIfExists = (file: string) => io("remove", file, () => fs.rm(file, { force: true }))

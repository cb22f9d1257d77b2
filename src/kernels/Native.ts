/**
 * The native build of the GEMM (both precisions) and the Adam step (kernels/native/kernels.cc), used in place of
 * their WebAssembly twins when it was built, from the source now on disk, and COLE_KERNELS is not
 * "wasm". Its results are the WebAssembly kernels' bit for bit (test/kernels/Native.test.ts), so which
 * one ran never changes an artifact; it is wider SIMD (AVX-512 or AVX2), chosen by the CPU at load.
 */
import { createHash } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { isMainThread } from "node:worker_threads"

type Gemm = (memory: ArrayBuffer, m: number, n: number, k: number, a: number, ars: number, acs: number, b: number, ldb: number, c: number, ldc: number, accumulate: number) => void

/** The kernels compiled for one instruction set. */
export interface KernelSet {
  readonly gemm32: Gemm
  readonly gemm64: Gemm
  readonly adam32: (memory: ArrayBuffer, p: number, g: number, m: number, v: number, count: number, beta1: number, beta2: number, stepSize: number, epsHat: number) => void
  /** avx512f, avx2, sse2 or generic. */
  readonly isa: string
}

/** The widest set this CPU runs, and every set it runs (widest first). */
export interface Native extends KernelSet {
  readonly sets: ReadonlyArray<KernelSet>
  /** sha256 of the kernels.cc it was built from. */
  readonly source: string
}

const binary = fileURLToPath(new URL("../../kernels/native/build/kernels.node", import.meta.url))
const source = fileURLToPath(new URL("../../kernels/native/kernels.cc", import.meta.url))

// Said once, by the main thread: the run goes on, only slower.
const warn = (why: string) => {
  if (isMainThread) console.error(`cole: ${why}; using the WebAssembly kernels (same results, slower). Rebuild with: npm run build:native`)
}

const load = (): Native | undefined => {
  if (process.env.COLE_KERNELS === "wasm" || !existsSync(binary)) return undefined
  let addon: Native
  try {
    addon = createRequire(import.meta.url)(binary) as Native
  } catch (error) {
    warn(`kernels/native/build/kernels.node did not load (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`)
    return undefined
  }
  if (addon.source === createHash("sha256").update(readFileSync(source)).digest("hex")) return addon
  warn("kernels/native/build/kernels.node was built from an older kernels/native/kernels.cc")
  return undefined
}

/** The native kernels, or undefined where the WebAssembly ones run (no build, a stale one, or opted out). */
export const native: Native | undefined = load()

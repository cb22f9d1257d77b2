/**
 * The WebAssembly SIMD kernels of kernels/wasm/linalg.ts: a strided GEMM and a transpose in single and double
 * precision, the MLP's elementwise passes and Adam step, and a tridiagonalisation pass. Each user gets
 * its own instance over its own memory (or its pool's, on its own thread), sized up front, and carves
 * its buffers out of it: a trainer per worker thread shares nothing. The GEMMs and Adam run on their
 * native twins (Native.ts) where those are built, with the same results.
 */
import { readFileSync } from "node:fs"
import { native } from "./Native.ts"

const compiled = new WebAssembly.Module(readFileSync(new URL("./linalg.wasm", import.meta.url)))


export type Gemm = (m: number, n: number, k: number, a: number, ars: number, acs: number, b: number, ldb: number, c: number, ldc: number, accumulate: number) => void
type Transpose = (src: number, rows: number, cols: number, dst: number) => void

interface Exports {
  readonly gemm32: Gemm
  readonly gemm64: Gemm
  readonly transpose32: Transpose
  readonly transpose64: Transpose
  readonly adam32: (p: number, g: number, m: number, v: number, count: number, beta1: number, beta2: number, stepSize: number, epsHat: number) => void
  readonly fillRows32: (z: number, bias: number, rows: number, m: number) => void
  readonly activate32: (z: number, count: number, slope: number) => void
  readonly columnSums32: (delta: number, m: number, cols: number, g: number) => void
  readonly sparseForward32: (z: number, w: number, rows: number, ldw: number, m: number, starts: number, pairs: number) => void
  readonly sparseWeightGradient32: (g: number, rows: number, cols: number, delta: number, m: number, starts: number, pairs: number) => void
  readonly backActivate32: (below: number, activation: number, mask: number, count: number, slope: number, masked: number) => void
  readonly tridiagonalPass64: (a: number, m: number, first: number, v: number, w: number, update: number, next: number, p: number, multiply: number) => void
}

/** The MLP's passes besides the products (single-precision storage; see kernels/wasm/linalg.ts). */
export interface Layers {
  readonly adam: Exports["adam32"]
  readonly fillRows: Exports["fillRows32"]
  readonly activate: Exports["activate32"]
  readonly columnSums: Exports["columnSums32"]
  readonly backActivate: Exports["backActivate32"]
  /** The first layer's products from a sparse batch's (column, value) pairs (see kernels/wasm/linalg.ts). */
  readonly sparseForward: Exports["sparseForward32"]
  readonly sparseWeightGradient: Exports["sparseWeightGradient32"]
}

/** A typed array living in a kernel instance's memory, with its byte offset for the kernels. */
export interface Buffer<A> {
  readonly ptr: number
  readonly data: A
}

export interface Kernels<A> {
  /**
   * C (m × n) = [C +] A · B: A read at a + (i·ars + p·acs) elements (row-major or transposed), B (k × n)
   * and C row-major with leading dimensions ldb and ldc; pointers are Buffer.ptr offsets.
   */
  readonly gemm: Gemm
  /** dst (cols × rows) = srcᵀ. */
  readonly transpose: Transpose
  /** The next buffer of `length` elements (16-byte aligned, zeroed). */
  take(length: number): Buffer<A>
}

/**
 * Memories kept per thread under a name, for computations that run again and again with large buffers
 * (a PCA per cross-validation fold): a fresh memory's pages cost a fault each on first touch, which
 * for a 3,516 × 4,096 fit is about a third of a second. One computation at a time per name.
 */
const pools = new Map<string, WebAssembly.Memory>()

const PAGE = 65_536

const memoryFor = (bytes: number, pool: string | undefined) => {
  const pages = Math.max(1, Math.ceil(bytes / PAGE))
  if (pool === undefined) return new WebAssembly.Memory({ initial: pages })
  const memory = pools.get(pool) ?? new WebAssembly.Memory({ initial: pages })
  pools.set(pool, memory)
  if (memory.buffer.byteLength < pages * PAGE) memory.grow(pages - memory.buffer.byteLength / PAGE)
  return memory
}

const instance = <A extends Float32Array | Float64Array>(sizes: ReadonlyArray<number>, bytesPerElement: number, view: (buffer: ArrayBuffer, ptr: number, length: number) => A, pool?: string) => {
  const padded = (length: number) => Math.ceil((length * bytesPerElement) / 16) * 16
  const bytes = sizes.reduce((sum, n) => sum + padded(n), 0)
  const memory = memoryFor(bytes, pool)
  const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Exports
  let next = 0
  const take = (length: number): Buffer<A> => {
    const ptr = next
    next += padded(length)
    if (next > bytes) throw new RangeError(`kernel memory exhausted: ${next} of ${bytes} bytes`)
    const data = view(memory.buffer, ptr, length)
    if (pool !== undefined) data.fill(0) // a pooled memory holds the previous computation's values
    return { ptr, data }
  }
  return { exports, memory, take }
}

/**
 * Where the GEMM and Adam run: "native" (kernels/native/kernels.cc, wider SIMD) when it is loaded, else "wasm".
 * The results are the same bit for bit; tests pick "wasm" to compare the two.
 */
export type Backend = "native" | "wasm"

export const preferred: Backend = native === undefined ? "wasm" : "native"

/** The kernels in use, for benchmark headers: "native (avx512f)" or "WebAssembly SIMD". */
export const inUse = native === undefined ? "WebAssembly SIMD" : `native (${native.isa})`

/** Single-precision kernels with room for buffers of the given lengths, taken in any order. */
export const single = (sizes: ReadonlyArray<number>, backend: Backend = preferred): Kernels<Float32Array> & Layers => {
  const { exports, memory, take } = instance(sizes, 4, (buffer, ptr, length) => new Float32Array(buffer, ptr, length))
  const fast = backend === "native" ? native : undefined
  return {
    gemm: fast === undefined ? exports.gemm32 : (...args) => fast.gemm32(memory.buffer, ...args),
    transpose: exports.transpose32,
    adam: fast === undefined ? exports.adam32 : (...args) => fast.adam32(memory.buffer, ...args),
    fillRows: exports.fillRows32,
    activate: exports.activate32,
    columnSums: exports.columnSums32,
    backActivate: exports.backActivate32,
    sparseForward: exports.sparseForward32,
    sparseWeightGradient: exports.sparseWeightGradient32,
    take
  }
}

/** Double precision adds one pass of Householder tridiagonalisation (see kernels/wasm/linalg.ts). */
export interface Double extends Kernels<Float64Array> {
  readonly tridiagonalPass: Exports["tridiagonalPass64"]
}

/**
 * Double-precision kernels with room for buffers of the given lengths, taken in any order; with a
 * `pool` name, over that name's memory on this thread (grown as needed, kept between calls).
 */
export const double = (sizes: ReadonlyArray<number>, pool?: string, backend: Backend = preferred): Double => {
  const { exports, memory, take } = instance(sizes, 8, (buffer, ptr, length) => new Float64Array(buffer, ptr, length), pool)
  const fast = backend === "native" ? native : undefined
  const gemm: Gemm = fast === undefined ? exports.gemm64 : (...args) => fast.gemm64(memory.buffer, ...args)
  return { gemm, transpose: exports.transpose64, tridiagonalPass: exports.tridiagonalPass64, take }
}

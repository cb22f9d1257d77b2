// The part of the WebAssembly JS API the kernels use: Node has it, but TypeScript types it only in the
// DOM libraries, which this project does not load.
declare namespace WebAssembly {
  interface Module {}
  var Module: { new (bytes: Uint8Array): Module }
  interface Memory {
    readonly buffer: ArrayBuffer
    /** Adds `pages` 64 KiB pages; earlier views of `buffer` are detached. */
    grow(pages: number): number
  }
  var Memory: { new (descriptor: { initial: number; maximum?: number }): Memory }
  interface Instance {
    readonly exports: Record<string, unknown>
  }
  var Instance: { new (module: Module, imports: Record<string, Record<string, unknown>>): Instance }
}

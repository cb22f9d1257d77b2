// Builds kernels/native/kernels.cc into kernels/native/build/kernels.node (run by `npm ci` as the postinstall step, or
// `npm run build:native`). Optional by design: without a C++ compiler, or if the build fails, cole runs
// on its WebAssembly kernels, whose results are the same bit for bit, and the install goes on.
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const source = join(here, "kernels.cc")
const target = join(here, "build", "kernels.node")
const notice = (why) => console.log(`cole: native kernels not built (${why}); the WebAssembly kernels will be used`)

let headers
try {
  headers = join(dirname(createRequire(import.meta.url).resolve("node-api-headers/package.json")), "include")
} catch {
  notice("node-api-headers is not installed")
  process.exit(0)
}

const compiler = process.env.CXX ?? "c++"
const hash = createHash("sha256").update(readFileSync(source)).digest("hex")
mkdirSync(dirname(target), { recursive: true })
const partial = `${target}.${process.pid}.tmp`
const result = spawnSync(compiler, [
  "-O3", "-std=c++17", "-shared", "-fPIC", "-fvisibility=hidden", "-Wall", "-Wno-psabi",
  // No fused multiply-add and no reassociation: the sums must round as the WebAssembly kernels' do.
  "-ffp-contract=off", "-fno-math-errno",
  "-DNAPI_VERSION=8", `-DCOLE_SOURCE_HASH="${hash}"`, `-I${headers}`,
  ...(process.platform === "darwin" ? ["-undefined", "dynamic_lookup"] : []),
  source, "-o", partial
], { encoding: "utf8" })
if (result.error !== undefined || result.status !== 0) {
  rmSync(partial, { force: true })
  notice(result.error?.message ?? result.stderr.split("\n").find((line) => line.includes("error")) ?? `${compiler} exited with ${result.status}`)
  process.exit(0)
}
// Renamed into place whole: a process loading the kernels never sees a half-written file.
renameSync(partial, target)
console.log(`cole: native kernels built (${target})`)

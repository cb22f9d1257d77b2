#!/usr/bin/env node
// The `cole` command: checks the Node version (Effect's Node platform needs 22.19), then loads the
// TypeScript CLI through tsx, in this process.
const [major, minor] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`cole: needs Node.js 22.19 or newer; this is ${process.versions.node} (${process.execPath})`)
  process.exit(1)
}
const { register } = await import("tsx/esm/api")
register()
await import("../src/cli/main.ts")

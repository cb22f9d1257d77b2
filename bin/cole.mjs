#!/usr/bin/env node
// The `cole` command: loads the TypeScript CLI through tsx, in this process.
import { register } from "tsx/esm/api"

register()
await import("../src/cli/main.ts")

/**
 * Module names that survive a move to another machine: a module inside the install is named by its
 * path relative to the install's root (`src/steps/surrogate/Cv.ts`), and resolved against the root of
 * whichever install reads the name; anything else (a user's module) keeps its absolute URL.
 */
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { projectRoot } from "./Fingerprint.ts"

/** `module` (a file URL or absolute path) relative to the install when inside it, else as it is. */
export const portable = (module: string): string => {
  const file = module.startsWith("file:") ? fileURLToPath(module) : module
  if (!path.isAbsolute(file)) return module
  const relative = path.relative(projectRoot, file)
  return relative.startsWith("..") || path.isAbsolute(relative) || relative.includes(`node_modules${path.sep}`)
    ? module
    : relative.split(path.sep).join("/")
}

/** A name `portable` gave, as a URL this process can import. */
export const resolve = (module: string): string =>
  /^[a-z]+:/.test(module) || path.isAbsolute(module) ? module : pathToFileURL(path.join(projectRoot, module)).href

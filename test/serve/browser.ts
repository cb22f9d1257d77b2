/**
 * A real browser for the page tests: the system's Chromium (Debian's `chromium`; `.ci/run` installs it)
 * driven by playwright-core, which downloads nothing. Where none is installed the browser tests skip,
 * and say so loudly. One browser serves a test file (started on first use); each call gets a fresh page.
 */
import { existsSync } from "node:fs"
import { type Browser, chromium, type Page } from "playwright-core"

export const CHROMIUM = [process.env.COLE_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => p !== undefined && p !== "" && existsSync(p))

if (CHROMIUM === undefined) {
  console.warn("\n*** No Chromium found (apt-get install chromium, or COLE_CHROMIUM=/path): the browser tests of cole serve are SKIPPED ***\n")
}

let started: Promise<Browser> | undefined

/** Opens a fresh page, runs `f` with it and the page's errors so far (script errors, failed loads), and closes the page. */
export const browser = async (f: (page: Page, errors: Array<string>) => Promise<void>) => {
  started ??= chromium.launch({ executablePath: CHROMIUM!, args: ["--no-sandbox"] })
  const context = await (await started).newContext({ viewport: { width: 1200, height: 900 } })
  try {
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    const errors: Array<string> = []
    page.on("pageerror", (e) => errors.push(e.message))
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text())
    })
    await f(page, errors)
  } finally {
    await context.close()
  }
}

/** Closes the browser, if one was started. */
export const closeBrowser = async () => {
  if (started !== undefined) await (await started).close()
  started = undefined
}

/**
 * Progress of long steps: a live bar on a TTY, a one-line log every few seconds otherwise (CI logs,
 * files), and nothing in tests.
 */
import { Context, Effect, Layer } from "effect"

export interface Tracker {
  readonly advance: (n?: number) => void
  readonly done: () => void
}

export class Progress extends Context.Service<Progress, {
  readonly track: (label: string, total: number) => Tracker
  /** One line the user should see (a repaired blob), between progress lines. */
  readonly notice: (text: string) => void
}>()("cole/core/Progress") {}

const bar = (fraction: number, width = 24) => {
  const filled = Math.round(fraction * width)
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

/** Writes progress to a stream: redrawn in place when it is a TTY, else one line per `intervalMs`. */
export const make = (stream: NodeJS.WriteStream, intervalMs = 5_000): Progress["Service"] => ({
  notice: (text) => stream.write(`${stream.isTTY ? "\r\x1b[2K" : ""}${text}\n`),
  track: (label, total) => {
    const started = Date.now()
    let count = 0
    let last = 0
    const line = () => {
      const elapsed = Date.now() - started
      const eta = count > 0 && count < total ? ` eta ${seconds((elapsed / count) * (total - count))}` : ""
      return `${label} ${bar(total === 0 ? 1 : count / total)} ${count}/${total} ${seconds(elapsed)}${eta}`
    }
    const draw = (final: boolean) => {
      const now = Date.now()
      if (stream.isTTY) {
        if (!final && now - last < 100) return
        stream.write(`\r\x1b[2K${line()}${final ? "\n" : ""}`)
      } else {
        if (!final && now - last < intervalMs) return
        stream.write(`${line()}\n`)
      }
      last = now
    }
    return {
      advance: (n = 1) => {
        count += n
        draw(false)
      },
      done: () => draw(true)
    }
  }
})

/** Progress on stderr. */
export const layer = Layer.sync(Progress, () => make(process.stderr))

export const silent = Layer.succeed(Progress, {
  track: () => ({ advance: () => undefined, done: () => undefined }),
  notice: () => undefined
})

/** Shows a notice where there is a Progress service (a run); does nothing elsewhere. */
export const notice = (text: string) =>
  Effect.flatMap(Effect.serviceOption(Progress), (progress) =>
    Effect.sync(() => {
      if (progress._tag === "Some") progress.value.notice(text)
    }))

/** Tracks `total` units inside an effect, finishing the line however the effect ends. */
export const tracked = <A, E, R>(label: string, total: number, f: (tracker: Tracker) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const progress = yield* Progress
    const tracker = progress.track(label, total)
    return yield* f(tracker).pipe(Effect.ensuring(Effect.sync(() => tracker.done())))
  })

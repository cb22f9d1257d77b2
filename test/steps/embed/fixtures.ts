/** Tiny model folders for the embedder tests, written once per test file. */
import * as path from "node:path"
import * as ModelFolder from "../../../src/steps/embed/ModelFolder.ts"
import * as TinyModel from "../../../src/steps/embed/TinyModel.ts"
import { nb201 } from "../../../src/spaces/nb201/Nb201.ts"
import { tempDir } from "../../helpers.ts"

/** NB201 code text of every `step`-th architecture. */
export const codeTexts = (step = 97) =>
  nb201.enumerate!().filter((_, i) => i % step === 0).map((a) => nb201.transpile(a, { mode: "exclude-helper", addon: "none" }))

const corpus = codeTexts(211)

export const tinyFolder = (options: Partial<TinyModel.Options> = {}) => {
  const folder = path.join(tempDir("cole-model-"), "model")
  ModelFolder.writeTiny(folder, { ...TinyModel.defaults, ...options, corpus, tokenizerVocab: 400 })
  return folder
}

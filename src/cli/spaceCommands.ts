/** The commands on one architecture of a space, and the imports into the store. */
import { benchmarkCommand } from "./benchmarkCommand.ts"
import { encodeCommand } from "./encodeCommand.ts"
import { formatCommand } from "./formatCommand.ts"
import { importCommand } from "./importCommand.ts"
import { sampleCommand } from "./sampleCommand.ts"
import { shapesCommand } from "./shapesCommand.ts"
import { transpileCommand } from "./transpileCommand.ts"

export const spaceCommands = [formatCommand, sampleCommand, transpileCommand, shapesCommand, encodeCommand, benchmarkCommand, importCommand] as const

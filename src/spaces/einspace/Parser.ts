/**
 * The einspace parser (docs/einspace.md): long form, short form and pretty layout, with or
 * without annotations, any whitespace between tokens, and per-module choice of `[ ]` or the kind's
 * short brackets. Tokens are read on demand, so the error reported is always the leftmost one; checks
 * after the syntax report the offending node's NAME offset.
 */
import type { Options, Tree } from "../../../schemas/Einspace.ts"
import { operations } from "./Grammar.ts"
import type { Shape } from "./Shapes.ts"
import { EinspaceError, Failure, inferOrThrow, type Node, type Reason } from "./Tree.ts"

type TokenType = "name" | "int" | "key" | "char" | "end"
interface Token {
  readonly type: TokenType
  /** The token's text; for a KEY, what is between the quotes. */
  readonly text: string
  readonly offset: number
}

class SyntaxFailure {
  constructor(readonly reason: Reason, readonly offset: number, readonly detail: string) {}
}

const SINGLE = new Set(["(", ")", "[", "]", "{", "}", "<", ">", ",", ":"])
const isSpace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n"
const isLower = (c: string) => c >= "a" && c <= "z"
const isDigit = (c: string) => c >= "0" && c <= "9"

class Lexer {
  private at = 0
  private peeked: Token | null = null
  constructor(private readonly input: string) {}

  peek(): Token {
    if (this.peeked === null) this.peeked = this.read()
    return this.peeked
  }

  next(): Token {
    const token = this.peek()
    this.peeked = null
    return token
  }

  private read(): Token {
    const s = this.input
    while (this.at < s.length && isSpace(s[this.at]!)) this.at++
    const start = this.at
    if (start >= s.length) return { type: "end", text: "", offset: start }
    const c = s[start]!
    if (isLower(c)) {
      let end = start + 1
      while (end < s.length && (isLower(s[end]!) || isDigit(s[end]!) || s[end] === "_")) end++
      this.at = end
      return { type: "name", text: s.slice(start, end), offset: start }
    }
    if (isDigit(c)) {
      let end = start + 1
      while (end < s.length && isDigit(s[end]!)) end++
      this.at = end
      return { type: "int", text: s.slice(start, end), offset: start }
    }
    if (c === "'") {
      const close = s.indexOf("'", start + 1)
      if (close < 0) throw new SyntaxFailure("Syntax", start, "unterminated quoted key: expected a closing \"'\"")
      this.at = close + 1
      return { type: "key", text: s.slice(start + 1, close), offset: start }
    }
    if (SINGLE.has(c)) {
      this.at = start + 1
      return { type: "char", text: c, offset: start }
    }
    throw new SyntaxFailure("Syntax", start, `unexpected character ${JSON.stringify(c).replace(/^"|"$/g, "'")}`)
  }
}

const show = (token: Token) => (token.type === "end" ? "end of input" : token.type === "key" ? `'${token.text}'` : `'${token.text}'`)
const is = (token: Token, char: string) => token.type === "char" && token.text === char

/** Modules whose name is never followed by an argument list (for sequential, `(` opens its children). */
const NO_ARGUMENTS = new Set(["sequential", "routing", "computation"])
const SHORT: Readonly<Record<string, readonly [string, string]>> = {
  branching: ["{", "}"],
  sequential: ["(", ")"],
  routing: ["[", "]"],
  computation: ["<", ">"]
}

/** Far beyond any depth limit; keeps hostile input from exhausting the call stack. */
const MAX_NESTING = 2_000

const locate = (input: string, offset: number) => {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < input.length; i++) {
    if (input[i] === "\n") {
      line++
      lineStart = i + 1
    }
  }
  return { offset, line, column: offset - lineStart + 1 }
}

/** Parses and infers; throws EinspaceError located by offset, line and column. */
export const parseOrThrow = (input: string, options: Options): Node => {
  const lexer = new Lexer(input)
  const offsets = new Map<Tree, number>()
  const annotations = new Map<Tree, Shape>()
  const fail = (offset: number, detail: string, reason: Reason = "Syntax"): never => {
    throw new SyntaxFailure(reason, offset, detail)
  }

  const annotation = (): Shape => {
    lexer.next() // '{'
    const key = lexer.next()
    if (key.type !== "key" || key.text !== "out_feature_shape") fail(key.offset, `expected 'out_feature_shape', found ${show(key)}`)
    const colon = lexer.next()
    if (!is(colon, ":")) fail(colon.offset, `expected ':', found ${show(colon)}`)
    const open = lexer.next()
    if (!is(open, "[")) fail(open.offset, `expected '[', found ${show(open)}`)
    const shape: Array<number> = []
    while (true) {
      const int = lexer.next()
      if (int.type !== "int") fail(int.offset, `expected an integer, found ${show(int)}`)
      shape.push(Number(int.text))
      const separator = lexer.next()
      if (is(separator, "]")) break
      if (!is(separator, ",")) fail(separator.offset, `expected ',' or ']', found ${show(separator)}`)
    }
    const close = lexer.next()
    if (!is(close, "}")) fail(close.offset, `expected '}', found ${show(close)}`)
    return shape
  }

  const node = (nesting: number): Tree => {
    const nameToken = lexer.next()
    if (nameToken.type !== "name") return fail(nameToken.offset, `expected an operation name, found ${show(nameToken)}`)
    if (nesting > MAX_NESTING) fail(nameToken.offset, `nesting deeper than ${MAX_NESTING} levels`)
    let name = nameToken.text
    if (!NO_ARGUMENTS.has(name) && is(lexer.peek(), "(")) {
      lexer.next()
      const args: Array<string> = []
      while (true) {
        const arg = lexer.next()
        if (arg.type !== "int" && arg.type !== "name") fail(arg.offset, `expected an argument, found ${show(arg)}`)
        args.push(arg.text)
        const separator = lexer.next()
        if (is(separator, ")")) break
        if (!is(separator, ",")) fail(separator.offset, `expected ',' or ')', found ${show(separator)}`)
      }
      name = `${name}(${args.join(",")})`
    }
    const operation = operations.get(name)
    if (operation === undefined) return fail(nameToken.offset, `unknown operation '${name}'`, "UnknownOperation")
    let tree: Tree
    if (operation.children === null) {
      tree = { op: name, children: [] }
      if (is(lexer.peek(), "{")) annotations.set(tree, annotation())
    } else {
      const [shortOpen, shortClose] = SHORT[operation.kind]!
      const open = lexer.next()
      const close = is(open, "[") ? "]" : is(open, shortOpen) ? shortClose : null
      if (close === null) {
        const allowed = shortOpen === "[" ? "'['" : `'[' or '${shortOpen}'`
        return fail(open.offset, `expected ${allowed} after '${name}', found ${show(open)}`)
      }
      const children = [node(nesting + 1)]
      while (true) {
        const separator = lexer.next()
        if (is(separator, close)) break
        if (!is(separator, ",")) fail(separator.offset, `expected ',' or '${close}', found ${show(separator)}`)
        children.push(node(nesting + 1))
      }
      tree = { op: name, children }
    }
    offsets.set(tree, nameToken.offset)
    return tree
  }

  try {
    const root = node(0)
    const end = lexer.next()
    if (end.type !== "end") fail(end.offset, `expected end of input, found ${show(end)}`)
    return inferOrThrow(root, options, (n) => annotations.get(n))
  } catch (e) {
    if (e instanceof SyntaxFailure) {
      throw new EinspaceError({ reason: e.reason, detail: e.detail, location: locate(input, e.offset) })
    }
    if (e instanceof Failure) {
      throw new EinspaceError({ reason: e.reason, detail: e.detail, location: locate(input, offsets.get(e.node)!) })
    }
    throw e
  }
}

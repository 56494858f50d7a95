// What each argument of `allocscope diff` is: a capture directory, an allocinfo dump, a boot log,
// or an allocscope JSON document (e.g. `predict --json`). Decided from the content, not the name.
import {closeSync, openSync, readSync, statSync} from 'node:fs'
import {gunzipSync} from 'node:zlib'
import {type CaptureFiles, resolveCapture} from '../capture/dir.js'
import {InputError} from '../errors.js'

export type InputKind = 'capture-dir' | 'allocinfo' | 'bootlog' | 'allocscope-json'

export interface DiffInput {
  path: string
  kind: InputKind
  /** Set for capture directories (and for files: the file as its own capture). */
  capture: CaptureFiles
  /** For allocscope-json: the `command` of the envelope. */
  command?: string
}

const ALLOCINFO_HEADER = /^allocinfo - version:/m
// alloc_tag_to_text(): "%12lli %8llu file:line [module] func:name".
const ALLOCINFO_LINE = /^[ \t]*-?\d+[ \t]+\d+[ \t]+\S+:\d+(?:[ \t]+\[\S+\])?[ \t]+func:\S+/m

function head(path: string, n = 16384): string {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(n)
    const got = readSync(fd, buf, 0, n, 0)
    let b = buf.subarray(0, got)
    if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
      try {
        // A partial gzip stream: inflate what we have, enough to sniff.
        b = gunzipSync(b, {finishFlush: 2})
      } catch {
        return ''
      }
    }
    return b.toString('utf8')
  } finally {
    closeSync(fd)
  }
}

/** Sniffs text: allocinfo, allocscope JSON envelope, or (anything else) a boot log. */
export function sniffText(text: string): {kind: Exclude<InputKind, 'capture-dir'>; command?: string} {
  const t = text.trimStart()
  if (t.startsWith('{')) {
    const m = /"schema"\s*:\s*"allocscope\/v\d+"[\s\S]*?"command"\s*:\s*"([^"]*)"/.exec(t)
    if (m) return {kind: 'allocscope-json', command: m[1]}
  }
  if (ALLOCINFO_HEADER.test(text)) return {kind: 'allocinfo'}
  const firstLines = text.split('\n', 5).filter((l) => l.trim() !== '')
  if (firstLines.length && firstLines.every((l) => ALLOCINFO_LINE.test(l))) return {kind: 'allocinfo'}
  return {kind: 'bootlog'}
}

const KIND_TEXT: Record<InputKind, string> = {
  'capture-dir': 'a capture directory',
  allocinfo: 'an allocinfo dump',
  bootlog: 'a boot log',
  'allocscope-json': 'an allocscope JSON document',
}

export function describeKind(x: DiffInput): string {
  return KIND_TEXT[x.kind]
}

export function classifyInput(path: string): DiffInput {
  if (path === '-') throw new InputError("-: diff reads files or capture directories, not stdin (it needs to know each side's kind); save the input to a file", path)
  const capture = resolveCapture(path)
  if (capture.isDir) return {path, kind: 'capture-dir', capture}
  let text: string
  try {
    if (statSync(path).size === 0) throw new InputError(`${path}: empty file; expected a boot log, an allocinfo dump or a capture directory`, path)
    text = head(path)
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(`${path}: ${(e as Error).message}`, path)
  }
  const nul = text.indexOf('\0')
  if (nul >= 0) throw new InputError(`${path}: binary data (NUL byte at offset ${nul}); expected a boot log, an allocinfo dump or a capture directory`, path)
  const s = sniffText(text)
  if (s.kind === 'allocinfo') return {path, kind: 'allocinfo', capture: {path, isDir: false, allocinfo: path}}
  return {path, kind: s.kind, capture, ...(s.command !== undefined ? {command: s.command} : {})}
}

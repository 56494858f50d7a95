// DERIVED boot logs for the GB pages fact: real dmesg.txt texts cut, started late or given a
// command-line parameter, to show which evidence the inference needs. Never presented as real boots.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** The lines before the first one containing `needle` (a log cut short, e.g. before `Memory:`). */
export function derivedCutBefore(text: string, needle: string): string {
  const lines = text.split('\n')
  const i = lines.findIndex((l) => l.includes(needle))
  if (i < 0) throw new Error(`derivedCutBefore: "${needle}" not in the text`)
  return lines.slice(0, i).join('\n') + '\n'
}

/** The log without its first `n` lines (a ring buffer that wrapped past the banner). */
export function derivedDropFirst(text: string, n: number): string {
  return text.split('\n').slice(n).join('\n')
}

/** The log without the lines containing `needle`. */
export function derivedWithout(text: string, needle: string): string {
  return text
    .split('\n')
    .filter((l) => !l.includes(needle))
    .join('\n')
}

/** `param` appended to the x86 `Command line:` and to `Kernel command line:`. */
export function derivedWithCmdlineParam(text: string, param: string): string {
  return text
    .split('\n')
    .map((l) => (/\b[Cc]ommand line: /.test(l) ? `${l} ${param}` : l))
    .join('\n')
}

/** A capture directory `derived-<tag>` holding `text` as its dmesg.txt. */
export function derivedCaptureDir(tag: string, text: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'allocscope-derived-')), `derived-${tag}`)
  mkdirSync(dir)
  writeFileSync(join(dir, 'dmesg.txt'), text)
  return dir
}

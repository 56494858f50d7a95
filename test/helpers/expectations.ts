// The one way committed expectations are compared and updated. Every test that holds a committed
// expectation file (per-capture facts, render goldens, the peer agreement table, ...) goes through
// expectFile(); `npm run update-expectations` (UPDATE_EXPECTATIONS=1) rewrites them all, and the
// summary reporter prints which files changed, so the update is reviewed like code.
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, relative} from 'node:path'
import {expect} from 'vitest'
import {REPO} from './paths.js'
import {UPDATED_MARK} from './update-mark.js'

export const UPDATING = process.env.UPDATE_EXPECTATIONS === '1'


/**
 * Compare `actual` with the committed file at `path`; with UPDATE_EXPECTATIONS=1 write it instead
 * (only when it changed) and report the change. `what` names the case in the failure message.
 */
export function expectFile(path: string, actual: string, what = relative(REPO, path)): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : undefined
  if (UPDATING) {
    if (old !== actual) {
      mkdirSync(dirname(path), {recursive: true})
      writeFileSync(path, actual)
      console.log(`${UPDATED_MARK} ${relative(REPO, path)} (${old === undefined ? 'new' : 'changed'})`)
    }
    return
  }
  expect(old, `${what}: ${relative(REPO, path)} is missing (npm run update-expectations writes it)`).toBeDefined()
  expect(actual, `${what} differs from ${relative(REPO, path)} (review, then npm run update-expectations)`).toBe(old)
}

/**
 * The block between `<!-- NAME:begin ... -->` and `<!-- NAME:end -->` in a committed file (README's
 * generated tables) compared with `want`, or rewritten with UPDATE_EXPECTATIONS=1 and reported as
 * expectFile reports a file.
 */
export function expectMarkedBlock(path: string, name: string, want: string, what: string): void {
  const text = readFileSync(path, 'utf8')
  const m = new RegExp(`(<!-- ${name}:begin[^\\n]*-->\\n)([\\s\\S]*?)(<!-- ${name}:end -->)`).exec(text)
  expect(m, `${relative(REPO, path)} has the ${name} markers`).not.toBeNull()
  if (UPDATING) {
    if (m![2] !== want) {
      writeFileSync(path, text.replace(m![0], m![1] + want + m![3]))
      console.log(`${UPDATED_MARK} ${relative(REPO, path)} (${name} block changed)`)
    }
    return
  }
  expect(m![2], `${what} (npm run update-expectations rewrites it)`).toBe(want)
}

/**
 * A stable, diff-friendly `KEY: value` text from flat pairs: one line per fact, in the given order,
 * values on one line (newlines escaped), undefined values left out. A new fact adds one line.
 */
export function keyValueText(pairs: [string, unknown][]): string {
  const lines: string[] = []
  for (const [k, v] of pairs) {
    if (v === undefined) continue
    const s = typeof v === 'string' ? v : JSON.stringify(v)
    lines.push(`${k}: ${s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`)
  }
  return lines.join('\n') + '\n'
}

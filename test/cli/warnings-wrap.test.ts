// Warnings on stderr fit a terminal (wrapped to its width, continuations indented) and stay one
// line each when stderr is piped (scripts grep them). The warning is a real one: analyse's on a
// DERIVED truncated gzip of a sample log (157 characters with its prefix, too long for 80 columns).
import {afterEach, describe, expect, it, vi} from 'vitest'
import {writeWarnings} from '../../src/cli/output.js'

const WARNING = 'samples/linux-7.2-notrack-c8-m1024-shrink/t.gz: the gzip stream ends early (truncated): the result covers only what was read (TRUNCATED)'

function captured(tty: boolean, columns: number): string {
  const out: string[] = []
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (out.push(String(s)), true))
  Object.defineProperty(process.stderr, 'isTTY', {value: tty, configurable: true})
  Object.defineProperty(process.stderr, 'columns', {value: columns, configurable: true})
  vi.stubEnv('COLUMNS', undefined as unknown as string)
  writeWarnings([WARNING])
  return out.join('')
}

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  delete (process.stderr as {isTTY?: boolean}).isTTY
  delete (process.stderr as {columns?: number}).columns
})

describe('warnings on stderr', () => {
  it('a terminal of 80 columns: every line fits, nothing lost', () => {
    const text = captured(true, 80)
    const lines = text.trimEnd().split('\n')
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80)
    expect(lines.map((l) => l.trim()).join(' ')).toBe(`allocscope: warning: ${WARNING}`)
  })

  it('piped: one line, whatever its length', () => {
    expect(captured(false, 80)).toBe(`allocscope: warning: ${WARNING}\n`)
  })
})

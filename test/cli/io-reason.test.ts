// ioReason (src/errors.ts): the one phrase every reader uses for an fs error, checked on errors
// the system really raises, and the reader messages built on it.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ioReason} from '../../src/errors.js'
import {readBoundedFile} from '../../src/readers/bounded.js'
import {describeOpenError} from '../../src/readers/bootlog/source.js'
import {resolveCapture} from '../../src/readers/dir.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-ioreason-'))
const raised = (f: () => unknown): unknown => {
  try {
    f()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}

describe('ioReason', () => {
  it('names the common codes in plain words', () => {
    expect(ioReason(raised(() => readFileSync(join(tmp, 'nope'))))).toBe('no such file or directory')
    expect(ioReason(raised(() => readFileSync(tmp)))).toBe('is a directory')
    const file = join(tmp, 'f')
    writeFileSync(file, 'x')
    expect(ioReason(raised(() => readFileSync(join(file, 'below'))))).toBe('a path component is not a directory')
  })

  it("an unknown code keeps Node's words without the code prefix and the path", () => {
    const e = Object.assign(new Error("EXDEV: cross-device link not permitted, rename '/a' -> '/b'"), {code: 'EXDEV'})
    expect(ioReason(e)).toBe('cross-device link not permitted')
    expect(ioReason(new Error('plain'))).toBe('plain')
  })

  it('the readers say the same words for the same missing file', () => {
    const p = join(tmp, 'missing')
    const e = raised(() => readFileSync(p))
    expect(describeOpenError(p, e).message).toBe(`${p}: no such file or directory: expected a kernel log file`)
    expect((raised(() => resolveCapture(p)) as Error).message).toBe(`${p}: no such file or directory`)
    expect((raised(() => readBoundedFile(p, 1024, 'a meta.json')) as Error).message).toBe(`${p}: cannot read (no such file or directory); expected a meta.json`)
  })
})

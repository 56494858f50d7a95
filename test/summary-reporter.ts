// Prints the plain closing line `tests: N passed, N failed[, N skipped]` that CI logs are read for,
// and, under `npm run update-expectations`, the list of expectation files that were rewritten.
// UserConsoleLog: vitest 4 exports it from 'vitest', no longer from 'vitest/node'.
import type {UserConsoleLog} from 'vitest'
import type {Reporter, TestModule} from 'vitest/node'
import {UPDATED_MARK} from './helpers/update-mark.js'

export default class SummaryReporter implements Reporter {
  private updated: string[] = []

  onUserConsoleLog(log: UserConsoleLog): void {
    for (const l of log.content.split('\n')) if (l.startsWith(UPDATED_MARK)) this.updated.push(l.slice(UPDATED_MARK.length).trim())
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state
        if (s === 'passed') passed++
        else if (s === 'failed') failed++
        else skipped++
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++
    }
    if (process.env.UPDATE_EXPECTATIONS === '1') {
      const list = this.updated.sort().map((f) => `  ${f}\n`).join('')
      process.stdout.write(`\nexpectations rewritten: ${this.updated.length}\n${list}(review with git diff)\n`)
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}

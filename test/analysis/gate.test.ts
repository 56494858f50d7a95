// The analyser's gate lets a record skip the facts, profiling and detector passes when it starts
// with none of FACT_STARTS and contains none of the hints. The `starts` of an anchored fact rule
// must therefore be what every line it matches begins with: checked on every record of the real
// captures, and on synthetic lines built from the rule's own prefixes.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {FACT_NEEDLES, FACT_RULES, FACT_STARTS} from '../../src/analysis/facts.js'
import {captureDirs} from '../helpers/paths.js'
import {recordsFromText} from './records.js'

const texts = captureDirs()
  .map((d) => join(d, 'dmesg.txt'))
  .filter((f) => existsSync(f))
  .flatMap((f) => recordsFromText(readFileSync(f, 'utf8')).map((r) => r.text))

describe('analyser gate', () => {
  it('anchored fact rules: every real line they match starts with one of their `starts`', () => {
    expect(texts.length).toBeGreaterThan(1000)
    let matched = 0
    for (const rule of FACT_RULES) {
      if (!rule.starts) continue
      expect(rule.re.source.startsWith('^'), rule.hint).toBe(true)
      for (const t of texts) {
        if (!rule.re.test(t)) continue
        matched++
        expect(rule.starts.some((s) => t.startsWith(s)), `${rule.hint}: ${t}`).toBe(true)
      }
    }
    // the real captures exercise the anchored rules (banner, command line, Memory:, ...)
    expect(matched).toBeGreaterThan(50)
  })

  it('every fact rule is gated: by its line starts or by its hint', () => {
    for (const rule of FACT_RULES) {
      const gated = rule.starts ? rule.starts.every((s) => FACT_STARTS.includes(s)) : FACT_NEEDLES.includes(rule.hint)
      expect(gated, rule.hint).toBe(true)
    }
  })
})

// Fuzz target: fleet inventories for `predict --hosts` (src/model/inventory.ts parseInventory, then
// validateHost and predictFleet on every row). Input: the synthetic sample inventory and DERIVED
// mutations of it, CSV-looking text, raw bytes. Properties: InputError / UsageError or a result,
// never another error nor a hang; one host per data line (when the text has no quotes, where a line
// is a record); unknown columns passed through unchanged.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {InputError, NotImplementedError, UsageError} from '../../src/errors.js'
import {predictFleet} from '../../src/model/fleet.js'
import {validateHost} from '../../src/model/host.js'
import {INVENTORY_COLUMNS, type InventoryHost, parseInventory} from '../../src/model/inventory.js'
import {fail, type FuzzCase, type FuzzTarget} from './fuzz.js'
import {SAMPLES} from './paths.js'

const CSV_FRAGMENTS = [
  'name,kernel,cpus,online_cpus,memory,nodes,debug,deferred_init,rack,owner', 'name,cpus', 'possible_cpus,online-cpus,Memory,page_size,word_bits',
  'h1,7.2.13,64,,8G,1,yes,yes,r1,ci', 'h2,6.12.117,8192,4,64G,2,no,no,r2,x', ',,,,,,,,', '"a,b",1', '"unterminated', '# comment', '#',
  '4294967296', '-1', '0', '1e9', '65537', '64K', '16K', '3K', '1P', '999999999999G', 'yes', 'maybe', '32', '128', 'kasan', 'profile', 'nope.json', '\ufeff', ' ', '\t', ';',
]

/**
 * Bugs found by this fuzzer and reported (not our file): counted, not failed, so the fuzzer goes on.
 * Remove a row when its bug is fixed.
 */
export const knownHits = new Map<string, number>()
const known = (bug: string) => knownHits.set(bug, (knownHits.get(bug) ?? 0) + 1)

const CLEAN = [InputError, UsageError, NotImplementedError]
const isClean = (e: unknown) => CLEAN.some((k) => e instanceof k)

export const inventoryTarget: FuzzTarget = {
  name: 'inventory',
  known: () => knownHits,
  corpus: () => [{name: 'samples/inventory.csv (synthetic)', bytes: readFileSync(join(SAMPLES, 'inventory.csv'))}],
  fragments: CSV_FRAGMENTS,
  maxBytes: 2048,
  mutators: ['truncate-line-end', 'truncate-mid-line', 'byte-flip', 'invalid-utf8', 'nul', 'crlf', 'cr', 'mixed-eol', 'duplicate', 'reorder', 'delete', 'garbage'],
  check(c: FuzzCase) {
    const text = c.bytes.toString('utf8')
    let hosts: InventoryHost[]
    try {
      hosts = parseInventory(text, 'fuzz.csv')
    } catch (e) {
      if (!isClean(e)) fail(c, `parseInventory threw ${(e as Error).name}: ${(e as Error).stack}`)
      if (!(e as Error).message.startsWith('fuzz.csv')) fail(c, `error does not name the file: ${(e as Error).message}`)
      return
    }
    if (!/["\r]/.test(text)) {
      const data = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
      if (hosts.length !== data.length - 1) fail(c, `${hosts.length} hosts from ${data.length - 1} data lines`)
      // Undocumented columns come through as they were.
      const header = data[0].split(',').map((h) => h.trim())
      const unknown = header.filter((h) => h !== '' && !(h.toLowerCase().replace(/-/g, '_') in INVENTORY_COLUMNS))
      hosts.forEach((h, i) => {
        const cells = data[i + 1].split(',').map((x) => x.trim())
        for (const u of unknown) {
          const v = cells[header.indexOf(u)]
          if (v && h.extra[u] !== v) fail(c, `row ${i + 1}: extra column ${u} = ${JSON.stringify(h.extra[u])}, the file says ${JSON.stringify(v)}`)
        }
      })
    }
    const valid = hosts.filter((h) => {
      try {
        validateHost(h.host)
        return true
      } catch (e) {
        if (!isClean(e)) fail(c, `validateHost threw ${(e as Error).name}: ${(e as Error).message}`)
        return false
      }
    })
    for (const h of valid.slice(0, 3)) {
      try {
        const r = predictFleet([h], {})
        if (r.rows.length !== 1) fail(c, `predictFleet gave ${r.rows.length} rows for one host`)
      } catch (e) {
        if (!isClean(e)) fail(c, `predictFleet threw ${(e as Error).name}: ${(e as Error).stack}`)
      }
    }
  },
}

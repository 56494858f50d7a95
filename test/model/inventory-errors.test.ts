// Inventory rows that would silently become wrong hosts are errors naming file and line
// (issue 14): an empty cpus cell (was 1 CPU), a row of only commas (was a phantom host), a column
// named twice (the last value won). SYNTHETIC inventories, a few rows each.
import {describe, expect, it} from 'vitest'
import {predictHostRow} from '../../src/model/fleet.js'
import {parseInventory} from '../../src/model/inventory.js'

const err = (text: string): string => {
  try {
    parseInventory(text, 'inv.csv')
  } catch (e) {
    return (e as Error).message
  }
  return 'no error'
}

describe('inventory rows that carry no host', () => {
  it('an empty cpus cell', () => {
    expect(err('name,cpus,memory\na,4,1G\nb,,2G\n')).toBe("inv.csv:3: column cpus is empty; expected the host's possible CPUs")
  })

  it('a row of only commas', () => {
    expect(err('name,cpus,memory\na,4,1G\n,,\nb,8,1G\n')).toBe('inv.csv:3: an empty row (only commas); expected one host per row')
  })

  it('a column named twice (also as Possible-CPUs / possible_cpus), with the header line after comments', () => {
    expect(err('name,cpus,memory,cpus\na,4,1G,8\n')).toBe('inv.csv:1: column "cpus" appears twice (columns 2 and 4); expected each column once')
    expect(err('# fleet\nname,possible_cpus,Possible-CPUs\na,4,8\n')).toBe('inv.csv:2: column "Possible-CPUs" appears twice (columns 2 and 3); expected each column once')
  })

  it('a good inventory still reads (the empty cell of another column is its default)', () => {
    const hosts = parseInventory('name,cpus,memory,kernel\na,4,,7.2\nb,8,2G,\n', 'inv.csv')
    expect(hosts.map((h) => [h.host.name, h.host.possibleCpus, h.row])).toEqual([
      ['a', 4, 2],
      ['b', 8, 3],
    ])
  })
})

describe('inventory columns and cells checked as --kernel and the flags are (a review)', () => {
  it('a column within a typo of a documented one (memroy, node, cpu) is an error on the header line naming it and the columns; others (rack) pass through', () => {
    expect(err('name,cpus,memroy\na,4,64G\n')).toMatch(/^inv\.csv:1: column "memroy" is not an inventory column; did you mean "memory"\? \(columns: name, kernel, cpus, .*; any other is passed through\)$/)
    expect(err('name,cpus,node\na,4,2\n')).toMatch(/^inv\.csv:1: column "node" is not an inventory column; did you mean "nodes"\?/)
    expect(err('# fleet\nname,cpu\na,4\n')).toMatch(/^inv\.csv:2: column "cpu" is not an inventory column; did you mean "cpus"\?/)
    expect(parseInventory('name,cpus,rack,owner\na,4,r1,ops\n', 'inv.csv')[0]!.extra).toEqual({rack: 'r1', owner: 'ops'})
  })

  it('a kernel cell is a release (was: "foo" predicted with the newest profile), of a kernel with profiling (6.10 on)', () => {
    expect(err('name,cpus,kernel\na,4,7.2\nb,4,foo\n')).toBe('inv.csv:3: column kernel: "foo": not a kernel release; expected one such as 7.2 or 6.12.117 (as uname -r prints it)')
    expect(err('name,cpus,kernel\na,4,6.1\n')).toBe('inv.csv:2: column kernel: "6.1": CONFIG_MEM_ALLOC_PROFILING does not exist before 6.10: nothing to predict')
  })

  it('a value out of range names its column (was "inv.csv:3: possible CPUs must be ..."); a profile cell naming no profile names the row (was "nosuch: no such profile")', () => {
    const [, zero] = parseInventory('name,cpus\na,4\nb,0\n', 'inv.csv')
    expect(() => predictHostRow(zero!, {})).toThrow(/^inv\.csv:3: column cpus: possible CPUs must be an integer 1\.\.65536, got 0$/)
    const [online] = parseInventory('name,online_cpus,cpus\na,8,4\n', 'inv.csv')
    expect(() => predictHostRow(online!, {})).toThrow(/^inv\.csv:2: column online_cpus: online CPUs \(8\) cannot exceed possible CPUs \(4\)$/)
    const [nosuch] = parseInventory('name,cpus,profile\na,4,nosuch\n', 'inv.csv')
    expect(() => predictHostRow(nosuch!, {})).toThrow(/^inv\.csv:2: column profile: nosuch: no such profile; shipped profiles: /)
  })
})

describe('a --hosts row\'s mayWarnPages: the kernel\'s own recorder\'s drops (severity.ts splitDrops), as its severity', () => {
  it('16384 CPUs on 7.2: the legacy what-if drops; with --recorder pool nothing of it warns (was: the legacy run\'s pages summed in)', () => {
    const [h] = parseInventory('name,cpus,kernel,memory\na,16384,7.2,256G\n', 'inv.csv')
    const own = predictHostRow(h!, {recorder: 'legacy'}).row
    expect(own.legacyDropped).toBeGreaterThan(0)
    expect(own.mayWarnPages).toBeGreaterThan(0)
    const whatIf = predictHostRow(h!, {recorder: 'pool'}).row
    expect([whatIf.mayWarnPages, whatIf.severity]).toEqual([0, 'notice'])
    // No --recorder: the row's kernel 7.2 suggests the pool, as `predict --cpus 16384 --kernel 7.2`
    // guesses it (a review: the row said warning where the one host said notice).
    const guessed = predictHostRow(h!, {})
    expect([guessed.row.mayWarnPages, guessed.row.severity, guessed.prediction.recorder]).toEqual([0, 'notice', 'pool'])
    expect(guessed.prediction.recorderReason).toMatch(/^a guess from the row's kernel 7\.2 /)
    // A row without a kernel: the recorder is not known and both runs count (the legacy run's pages).
    const [bare] = parseInventory('name,cpus,memory\na,16384,256G\n', 'inv.csv')
    const unknown = predictHostRow(bare!, {})
    expect(unknown.prediction.recorder).toBe('unknown')
    expect(unknown.row.mayWarnPages).toBe(unknown.prediction.legacy!.wouldWarnIfFreed.pages)
    expect(unknown.row.severity).toBe('warning')
  })
})

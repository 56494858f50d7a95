// Inventory rows that would silently become wrong hosts are errors naming file and line
// (issue 14): an empty cpus cell (was 1 CPU), a row of only commas (was a phantom host), a column
// named twice (the last value won). SYNTHETIC inventories, a few rows each.
import {describe, expect, it} from 'vitest'
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

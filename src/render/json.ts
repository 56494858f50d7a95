// The one JSON envelope every command prints with --json. Documented in README (JSON output).
export const SCHEMA = 'allocscope/v1'

export interface Envelope<T> {
  schema: typeof SCHEMA
  command: string
  result: T
  warnings: string[]
}

/** bigint → number when exact, else decimal string; Map/Set → plain values (batch's records too: worker.ts). */
export function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  }
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  return value
}

export function toJson<T>(command: string, result: T, warnings: string[] = []): string {
  const env: Envelope<T> = {schema: SCHEMA, command, result, warnings}
  return JSON.stringify(env, replacer, 2) + '\n'
}

/**
 * toJson(command, {[key]: items}, warnings) in pieces, byte for byte the same, for a result too
 * long to hold (a 10^6-host fleet): head, then each item as it comes, then the tail.
 */
export function jsonEnvelopeStream(command: string, key: string): {head: string; item: (value: unknown, index: number) => string; tail: (items: number, warnings: string[]) => string} {
  const indent = (s: string, by: string) => s.replace(/\n/g, `\n${by}`)
  return {
    head: `{\n  "schema": ${JSON.stringify(SCHEMA)},\n  "command": ${JSON.stringify(command)},\n  "result": {\n    ${JSON.stringify(key)}: [`,
    // JSON.stringify escapes a newline inside a string: every raw newline is structure, safe to indent.
    item: (value, index) => `${index ? ',' : ''}\n      ${indent(JSON.stringify(value, replacer, 2), '      ')}`,
    tail: (items, warnings) => `${items ? '\n    ]' : ']'}\n  },\n  "warnings": ${indent(JSON.stringify(warnings, null, 2), '  ')}\n}\n`,
  }
}

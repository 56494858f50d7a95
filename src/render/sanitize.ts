// The one sanitiser between input-derived text and a terminal, a spreadsheet or a markdown page.
// Function, file and module names come from logs and allocinfo dumps anyone can write: an ESC, OSC,
// BEL or backspace in them would retitle or clear a terminal or plant a hyperlink, and a bidi
// override (U+202E) would show a name reversed. Every renderer but --json (whose escaping already
// makes them inert) and every error message pass through here: such characters are shown escaped,
// `\x1b`, `\u202e`, so the value is still visible and nothing is executed.

// C0 controls, DEL, C1 controls, the bidi embeddings/overrides/isolates and marks, the line and
// paragraph separators, and the zero-width/BOM characters that hide text.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g

function escapeChar(ch: string): string {
  const c = ch.charCodeAt(0)
  if (ch === '\t') return '\\t'
  if (ch === '\r') return '\\r'
  if (ch === '\n') return '\\n'
  return c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`
}

/** One line: every control character (newline included) and bidi control shown escaped. */
export function sanitizeLine(s: string): string {
  UNSAFE.lastIndex = 0
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s
}

/** Like sanitizeLine but keeps `\n`: renderers use it as a deliberate line break inside a cell. */
export function sanitize(s: string): string {
  if (!s.includes('\n')) return sanitizeLine(s)
  return s.split('\n').map(sanitizeLine).join('\n')
}

// Characters the text format spells in ASCII (a mail may not survive anything else); the rest of
// non-ASCII is shown as \uXXXX, never replaced by a '?' that would lose it.
const TRANSLIT: Record<string, string> = {
  'Δ': 'delta', '≤': '<=', '≥': '>=', '×': 'x', '…': '...', '–': '-', '—': '-', '→': '->', '←': '<-', '²': '^2',
  'µ': 'u', '±': '+/-', '≈': '~', '‘': "'", '’': "'", '“': '"', '”': '"', '·': '.', '•': '*', '⣿': '#', '┄': '-', '│': '|', '─': '-',
}

/** Plain ASCII, nothing lost: known symbols spelled out, anything else as \uXXXX. */
export function toAscii(s: string): string {
  return sanitize(s).replace(/[^\x20-\x7e\n]/gu, (ch) => TRANSLIT[ch] ?? [...ch].map((c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`).join(''))
}

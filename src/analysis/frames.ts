// Call-trace frames: parsing one printed frame, and the table of frames that are never the
// guilty party (allocator internals and the report machinery itself), as data.
import type {Frame} from '../types.js'

// ` ? func+0x12/0x40 [module]`, `[<ffffffff81000000>] func+0x12/0x40`, `func+0x12/0x40 mm/x.c:12`.
const FRAME = /^(\? )?(?:\[<[0-9a-f]+>\] )?(\? )?([A-Za-z_.$][\w.$]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)(?: \[([\w-]+)[^\]]*\])?/
// Symbolised syzkaller frames: ` __dump_stack lib/dump_stack.c:77 [inline]`.
const INLINE_FRAME = /^(\? )?([A-Za-z_.$][\w.$]*) (\S+:\d+) \[inline\]$/

export function parseFrame(text: string, line?: number, context?: string): Frame | undefined {
  const t = text.trim()
  let m = FRAME.exec(t)
  if (m) {
    const f: Frame = {fn: m[3], offset: m[4], size: m[5], reliable: !(m[1] || m[2]), raw: t}
    if (m[6]) f.module = m[6]
    if (context) f.context = context
    if (line !== undefined) f.line = line
    return f
  }
  m = INLINE_FRAME.exec(t)
  if (m) {
    const f: Frame = {fn: m[2], reliable: !m[1], raw: t}
    if (context) f.context = context
    if (line !== undefined) f.line = line
    return f
  }
  return undefined
}

/** `topology_sane.isra.0` → `topology_sane`: GCC/LLVM clone suffixes change between builds. */
export function baseName(fn: string): string {
  return fn.replace(/\.(isra|constprop|part|cold|llvm|lto_priv|localalias)(\.\d+)*/g, '')
}

/**
 * Frames skipped when looking for the guilty frame: the page/slab allocator and its tagging hooks
 * (the WARN fires inside them on behalf of a caller), KASAN's quarantine (frees on behalf of a
 * later allocation), ftrace `__pfx_` padding symbols, and the code that prints the report.
 */
export const SKIPPED_FRAMES: readonly {group: string; re: RegExp}[] = [
  {group: 'page allocator (mm/page_alloc.c)', re: /^(__)?free_(pages\w*|frozen_pages|unref_\w+|one_page|pcppages_bulk|the_page|pages_ok)$|^__free_pages\w*$|^__free_frozen_pages$|^free_unref_\w+$/},
  {group: 'page refcount helpers', re: /^(__folio_put|folio_put\w*|put_page|__put_page|folios_put\w*|release_pages)$/},
  {group: 'alloc_tag hooks', re: /^(__)?pgalloc_tag_\w+$|^_*alloc_tag_\w+$|^__?pgalloc_tag\w*$/},
  {group: 'slab allocator (mm/slub.c)', re: /^_*kmem_cache_\w+$|^_*slab_\w+$|^__slab_\w+$|^_*kfree\w*$|^_*free_slab$|^discard_slab$|^do_slab_free$|^_*kmalloc\w*$|^_*slab_alloc\w*$|^_*slab_free\w*$/},
  {group: 'KASAN', re: /^_*kasan_\w+$|^qlist_\w+$|^quarantine_\w+$/},
  {group: 'ftrace padding', re: /^__pfx_/},
  {group: 'report machinery', re: /^(dump_stack\w*|__dump_stack|show_stack|show_trace_log_lvl|print_address_description\w*|print_report|__warn|warn_slowpath\w*|report_bug|handle_bug|exc_invalid_op|asm_exc_invalid_op|panic|check_panic_on_warn|__kasan_report|end_report|start_report)$/},
]

export function isSkippedFrame(fn: string): boolean {
  const b = baseName(fn)
  return SKIPPED_FRAMES.some((s) => s.re.test(b))
}

/** First reliable frame outside SKIPPED_FRAMES, in print order (innermost first). */
export function guiltyFrame(frames: readonly Frame[]): Frame | undefined {
  return frames.find((f) => f.reliable && !isSkippedFrame(f.fn))
}

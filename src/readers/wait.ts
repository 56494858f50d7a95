// The one home of "the input has said nothing yet": opening a FIFO waits for its writer and the first
// read waits for data (a pipe that will be written, a quiet stdin), which looks like a hang. Every
// reader (boot log, allocinfo, inventory) wraps its open + first read here; the command decides what
// to say (src/cli/progress.ts waitingNotice: on stderr, only when stderr is a terminal).

/** How long an input may stay silent before onWaiting is called. */
export const WAIT_NOTICE_MS = 1000

/** Awaits `first` (the open and first read of an input); calls onWaiting once if that takes longer than WAIT_NOTICE_MS. */
export async function noticeIfWaiting<T>(first: Promise<T>, onWaiting: (() => void) | undefined): Promise<T> {
  if (!onWaiting) return first
  const timer = setTimeout(onWaiting, WAIT_NOTICE_MS)
  try {
    return await first
  } finally {
    clearTimeout(timer)
  }
}

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { EmailSummary } from './api.ts'
import { formatSize, formatTime, inboxName } from './format.ts'

export const ROW_HEIGHT = 64
const OVERSCAN = 6

interface EmailListProps {
  emails: readonly EmailSummary[]
  selectedId: string | undefined
  onSelect(id: string): void
  onDelete(id: string): void
  label: string
  /** What an empty list says (no mail yet, or nothing matching a search). */
  emptyText: string
}

/**
 * The emails, newest first, as a listbox. Only the rows in view (and a few around them) are in the DOM, so
 * 10,000 emails cost what 20 do; the arrow keys, j/k, Home/End move the selection, Delete deletes.
 */
export function EmailList({ emails, selectedId, onSelect, onDelete, label, emptyText }: EmailListProps) {
  const scroller = useRef<HTMLDivElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(800)

  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    const observer = new ResizeObserver(() => setHeight(element.clientHeight))
    observer.observe(element)
    setHeight(element.clientHeight)
    return () => observer.disconnect()
  }, [])

  const selectedIndex = selectedId === undefined ? -1 : emails.findIndex((e) => e.id === selectedId)

  // A selection moved by the keyboard (or opened from a link) is scrolled into view: when the selection
  // changes, not when new mail moves it down while the list is scrolled elsewhere.
  const scrolledTo = useRef<string | undefined>(undefined)
  useEffect(() => {
    const element = scroller.current
    if (!element || selectedIndex < 0 || scrolledTo.current === selectedId) return
    scrolledTo.current = selectedId
    const top = selectedIndex * ROW_HEIGHT
    if (top < element.scrollTop) element.scrollTop = top
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight)
      element.scrollTop = top + ROW_HEIGHT - element.clientHeight
  }, [selectedId, selectedIndex])

  // The row at the top of the view stays there when mail arrives above it (or rows above go), so what is
  // being read does not slide away; at the very top, new mail shows. A list that shrank may also be
  // scrolled past its end without a scroll event: the rows in view are taken from where it really is.
  const anchor = useRef<{ id: string; offset: number } | undefined>(undefined)
  const remember = (element: HTMLDivElement) => {
    const top = element.scrollTop
    const index = Math.floor(top / ROW_HEIGHT)
    const email = emails[index]
    anchor.current = email && top > 0 ? { id: email.id, offset: top - index * ROW_HEIGHT } : undefined
  }
  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    const held = anchor.current
    const index = held ? emails.findIndex((e) => e.id === held.id) : -1
    if (held && index >= 0) element.scrollTop = index * ROW_HEIGHT + held.offset
    if (element.scrollTop !== scrollTop) setScrollTop(element.scrollTop)
    remember(element)
  }, [emails])

  const last = Math.min(emails.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN)
  const first = Math.max(0, Math.min(Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN, last - OVERSCAN * 3))

  const move = (index: number) => {
    const email = emails[Math.max(0, Math.min(emails.length - 1, index))]
    if (email) onSelect(email.id)
  }
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1)
    const from = selectedIndex < 0 ? -1 : selectedIndex
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(from + 1),
      j: () => move(from + 1),
      ArrowUp: () => move(from - 1),
      k: () => move(from - 1),
      PageDown: () => move(from + page),
      PageUp: () => move(from - page),
      Home: () => move(0),
      End: () => move(emails.length - 1),
      Delete: () => selectedId !== undefined && onDelete(selectedId),
      // The Mac keyboard's delete key.
      Backspace: () => selectedId !== undefined && onDelete(selectedId),
    }
    const action = keys[event.key]
    if (!action) return
    event.preventDefault()
    action()
  }

  const rows = []
  for (let i = first; i < last; i++) {
    const email = emails[i] as EmailSummary
    const selected = email.id === selectedId
    const rcpt = email.envelope.rcptTo[0] ?? ''
    rows.push(
      // The listbox holds the focus and the keys (aria-activedescendant names the selected option), as
      // WAI-ARIA's listbox pattern does: an option is clicked, never focused.
      // biome-ignore lint/a11y/useFocusableInteractive: see above
      // biome-ignore lint/a11y/useKeyWithClickEvents: see above
      <div
        key={email.id}
        id={`email-${email.id}`}
        role="option"
        aria-selected={selected}
        aria-posinset={i + 1}
        aria-setsize={emails.length}
        class={selected ? 'row selected' : 'row'}
        style={{ transform: `translateY(${i * ROW_HEIGHT}px)` }}
        onClick={() => onSelect(email.id)}
      >
        <div class="row-line">
          <span class="row-from">
            {email.from?.name || email.from?.address || email.envelope.mailFrom || '(no sender)'}
          </span>
          <time class="row-time" dateTime={email.receivedAt}>
            {formatTime(email.receivedAt)}
          </time>
        </div>
        <div class="row-line">
          <span class="row-subject">{email.subject || '(no subject)'}</span>
          {email.captureWarnings?.length ? (
            <span class="row-warn" title={email.captureWarnings.join('\n')}>
              ⚠<span class="visually-hidden"> capture warnings</span>
            </span>
          ) : null}
        </div>
        <div class="row-line row-meta">
          <span class="row-to" title={email.envelope.rcptTo.join(', ')}>
            {inboxName(rcpt)}
            {email.envelope.rcptTo.length > 1 ? ` +${email.envelope.rcptTo.length - 1}` : ''}
          </span>
          <span>{formatSize(email.size)}</span>
        </div>
      </div>,
    )
  }
  return (
    <div
      ref={scroller}
      class="list"
      onScroll={(event) => {
        const element = event.currentTarget as HTMLDivElement
        setScrollTop(element.scrollTop)
        remember(element)
      }}
    >
      {emails.length === 0 ? (
        <p class="list-empty" role="status">
          {emptyText}
        </p>
      ) : (
        <div
          class="list-spacer"
          role="listbox"
          tabIndex={0}
          aria-label={label}
          aria-activedescendant={selectedIndex >= 0 ? `email-${selectedId}` : undefined}
          onKeyDown={onKeyDown}
          style={{ height: `${emails.length * ROW_HEIGHT}px` }}
        >
          {rows}
        </div>
      )}
    </div>
  )
}

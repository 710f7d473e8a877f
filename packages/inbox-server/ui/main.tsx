import { render } from 'preact'
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import {
  clearInbox,
  deleteEmail,
  type EmailEvents,
  type EmailSummary,
  listEmails,
  watchEmails,
} from './api.ts'
import { EmailList } from './email-list.tsx'
import { EmailView } from './email-view.tsx'
import { inboxName } from './format.ts'
import { parseSearch } from './search-query.ts'

// The routes a link may open: `#/emails/<id>` (failure messages print it) and `#/inboxes/<address>`, each
// with the search in `?q=`, so a search survives a reload and can be shared.
interface Route {
  emailId?: string
  inbox?: string
  search?: string
}

function readRoute(): Route {
  const [hash = '', params = ''] = location.hash.replace(/^#/, '').split('?', 2)
  const search = new URLSearchParams(params).get('q') ?? undefined
  return { ...readPath(hash), ...(search ? { search } : {}) }
}

function readPath(hash: string): Route {
  // A hand-edited or truncated link (`%E0%A4`) is no route, not a blank page.
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part)
    } catch {
      return undefined
    }
  }
  const email = /^\/emails\/([^/]+)$/.exec(hash)
  if (email) return { emailId: decode(email[1] as string) }
  const inbox = /^\/inboxes\/([^/]+)(?:\/emails\/([^/]+))?$/.exec(hash)
  if (inbox) return { inbox: decode(inbox[1] as string), emailId: inbox[2] ? decode(inbox[2]) : undefined }
  return {}
}

function routeHash(route: Route): string {
  const email = route.emailId ? `/emails/${encodeURIComponent(route.emailId)}` : ''
  const path = route.inbox
    ? `#/inboxes/${encodeURIComponent(route.inbox)}${email}`
    : email
      ? `#${email}`
      : '#/'
  return route.search ? `${path}?${new URLSearchParams({ q: route.search })}` : path
}

// A screenful and a page's worth of scrolling, fetched before the whole listing.
const FIRST_PAGE = 100
// What one listing holds (the capture keeps 10,000 by default).
const MAX_LISTED = 10_000

// The event stream opens as the script starts, and the first listing is asked for once it is open: an
// email stored in between is in one or the other, never in neither. Events that come before the app
// listens are kept for it.
const early: Array<(on: EmailEvents) => void> = []
let listening: EmailEvents | undefined
const relay = <K extends keyof EmailEvents>(kind: K) =>
  ((...args: Parameters<EmailEvents[K]>) => {
    const deliver = (on: EmailEvents) => (on[kind] as (...a: Parameters<EmailEvents[K]>) => void)(...args)
    if (listening) deliver(listening)
    else early.push(deliver)
  }) as EmailEvents[K]
let streamOpened: () => void = () => {}
const opened = new Promise<void>((resolve) => {
  streamOpened = resolve
  // A server without the stream (or a proxy that holds it) still gets its listing.
  setTimeout(resolve, 1500)
})
watchEmails({
  email: relay('email'),
  deleted: relay('deleted'),
  connected: (...args) => {
    streamOpened()
    relay('connected')(...args)
  },
  disconnected: relay('disconnected'),
})
// The page opens on the whole inbox: its first page is asked for before the first render. (Asking for the
// whole listing at the same time made the first page wait for it.)
let prefetched: Promise<EmailSummary[]> | undefined = opened.then(() => listEmails({}, FIRST_PAGE))
// Unhandled until reload() takes it: a failure is reported there.
prefetched.catch(() => {})

// How many inboxes the side list shows before it offers a filter.
const INBOX_FILTER_FROM = 12

// The list's own keys (see EmailList), taken to it from elsewhere on the page.
const LIST_KEYS = new Set(['j', 'k', 'ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End', 'Delete'])

type Theme = 'system' | 'light' | 'dark'
const THEME_KEY = 'mailwright-theme'

function App() {
  const [route, setRoute] = useState<Route>(readRoute)
  const [emails, setEmails] = useState<EmailSummary[]>([])
  const [loading, setLoading] = useState(true)
  const [loadError, setLoadError] = useState<string | undefined>()
  const [search, setSearchState] = useState(() => readRoute().search ?? '')
  // Typing rewrites the address in place (no history entry per key).
  const setSearch = (text: string) => {
    setSearchState(text)
    history.replaceState(null, '', routeHash({ ...readRoute(), search: text }))
  }
  const [live, setLive] = useState(false)
  const [confirmClear, setConfirmClear] = useState(false)
  const [goneId, setGoneId] = useState<string | undefined>()
  // Bumped when the stream comes back after a break: the open email is read again (the server may be a new
  // one, without it).
  const [epoch, setEpoch] = useState(0)
  const [theme, setTheme] = useState<Theme>(
    () => (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'system',
  )
  const [announcement, setAnnouncement] = useState('')
  const searchBox = useRef<HTMLInputElement>(null)
  const cancelClear = useRef<HTMLButtonElement>(null)
  // Asked to confirm a clear, the focus goes to Cancel: a second Enter never deletes.
  useEffect(() => {
    if (confirmClear) cancelClear.current?.focus()
  }, [confirmClear])

  const parsed = useMemo(() => parseSearch(search), [search])
  const query = 'query' in parsed ? parsed.query : undefined
  const querying = query !== undefined && Object.keys(query).length > 0
  const queryKey = JSON.stringify(query ?? null)

  useEffect(() => {
    const onHash = () => {
      const next = readRoute()
      setRoute(next)
      setSearchState(next.search ?? '')
    }
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])

  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme')
    else document.documentElement.setAttribute('data-theme', theme)
    localStorage.setItem(THEME_KEY, theme)
  }, [theme])

  // What the stream said since the current listing was asked for: a listing is a snapshot from when the
  // server answered, so these are laid over it (an email that came meanwhile stays, one deleted stays gone).
  const changes = useRef({ added: new Map<string, EmailSummary>(), removed: new Set<string>() })
  const withChanges = (list: EmailSummary[]) => {
    const { added, removed } = changes.current
    const listed = new Set(list.map((e) => e.id))
    const fresh = [...added.values()].filter((e) => !listed.has(e.id) && !removed.has(e.id)).reverse()
    return [...fresh, ...list.filter((e) => !removed.has(e.id))]
  }

  // The listing for the current search; a newer search (or a reload) wins over a slower older one. The
  // newest screenful comes first, so the list shows at once; the whole listing (for the counts and the
  // scroll) follows.
  const generation = useRef(0)
  const reload = useCallback(() => {
    if (!query) return
    const mine = ++generation.current
    changes.current = { added: new Map(), removed: new Set() }
    const current = () => mine === generation.current
    const failed = (error: Error) => {
      if (!current()) return
      setLoadError(error.message)
      setLoading(false)
    }
    setLoading(true)
    const firstPage = queryKey === '{}' ? prefetched : undefined
    prefetched = undefined
    let whole = false
    const showAll = (all: EmailSummary[]) => {
      if (!current()) return
      whole = true
      setEmails(withChanges(all))
      setLoadError(undefined)
      setLoading(false)
    }
    ;(firstPage ?? listEmails(query, FIRST_PAGE)).then((page) => {
      if (!current() || whole) return
      setEmails(withChanges(page))
      setLoadError(undefined)
      if (page.length < FIRST_PAGE) return setLoading(false)
      // Asked for now, shown when it comes: the first page renders while the server lists the rest.
      listEmails(query, MAX_LISTED).then(showAll, failed)
    }, failed)
  }, [queryKey])

  useEffect(() => {
    const timer = setTimeout(reload, querying ? 200 : 0)
    return () => clearTimeout(timer)
  }, [reload, querying])

  // The stream is followed once for the page's life; what it does depends on the current search and
  // route, read through refs.
  const latest = useRef({ reload, querying, invalid: false, route })
  latest.current = { reload, querying, invalid: 'error' in parsed, route }
  const reloadSoon = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => {
    let wasConnected = false
    const again = () => {
      clearTimeout(reloadSoon.current)
      reloadSoon.current = setTimeout(() => latest.current.reload(), 150)
    }
    listening = {
      email(summary) {
        const { querying, invalid } = latest.current
        // Under a search the browser cannot evaluate, the search runs again; under one that is not a
        // search yet (a typo), the list waits for it.
        if (querying) return again()
        if (invalid) return
        changes.current.added.set(summary.id, summary)
        setEmails((list) => (list.some((e) => e.id === summary.id) ? list : [summary, ...list]))
        setAnnouncement(`New email: ${summary.subject || '(no subject)'}`)
      },
      deleted(ids) {
        const gone = new Set(ids)
        for (const id of ids) changes.current.removed.add(id)
        setEmails((list) => list.filter((e) => !gone.has(e.id)))
        const open = latest.current.route.emailId
        if (open && gone.has(open)) setGoneId(open)
      },
      connected() {
        setLive(true)
        // What arrived while the stream was down is not replayed: a reconnect lists again, and the open
        // email is read again.
        if (wasConnected) {
          again()
          setEpoch((n) => n + 1)
        }
        wasConnected = true
      },
      disconnected: () => setLive(false),
    }
    for (const deliver of early.splice(0)) deliver(listening)
    return () => {
      listening = undefined
    }
  }, [])

  const go = (next: Route) => {
    const hash = routeHash({ ...next, search: search || undefined })
    if (location.hash !== hash) location.hash = hash
    else setRoute(next)
  }

  const inboxes = useMemo(() => {
    const counts = new Map<string, number>()
    for (const email of emails)
      for (const rcpt of email.envelope.rcptTo) {
        const key = rcpt.toLowerCase()
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
    return [...counts]
  }, [emails])

  // A run of many tests has many inboxes: past a screenful, they can be filtered by any part of the address.
  const [inboxFilter, setInboxFilter] = useState('')
  const listedInboxes = useMemo(() => {
    const wanted = inboxFilter.trim().toLowerCase()
    return wanted ? inboxes.filter(([address]) => address.includes(wanted)) : inboxes
  }, [inboxes, inboxFilter])

  const shown = useMemo(() => {
    if (!route.inbox) return emails
    const inbox = route.inbox.toLowerCase()
    return emails.filter((e) => e.envelope.rcptTo.some((r) => r.toLowerCase() === inbox))
  }, [emails, route.inbox])
  const shownRef = useRef(shown)
  shownRef.current = shown

  const remove = async (id: string) => {
    const before = shownRef.current
    const index = before.findIndex((e) => e.id === id)
    try {
      await deleteEmail(id)
    } catch (error) {
      setLoadError((error as Error).message)
      return
    }
    changes.current.removed.add(id)
    setEmails((list) => list.filter((e) => e.id !== id))
    setAnnouncement('Email deleted')
    // The keys go on working on the list, whichever button or key deleted it.
    document.querySelector<HTMLElement>('[role=listbox]')?.focus()
    // The next email opens, as in a mail app; the route is read now, not from before the request.
    const now = latest.current.route
    if (now.emailId !== id) return
    const next = index < 0 ? undefined : (before[index + 1] ?? before[index - 1])
    go({ ...now, emailId: next?.id })
  }

  // Clearing deletes everything the server holds for the inbox: offered only when the list shows all of
  // it (not under a search, not while it loads), with the count it will delete.
  const inboxCount = route.inbox ? (inboxes.find(([a]) => a === route.inbox?.toLowerCase())?.[1] ?? 0) : 0
  const canClear = Boolean(route.inbox) && !querying && !loading && inboxCount > 0
  const clear = async () => {
    if (!route.inbox) return
    const inbox = route.inbox
    const result = await clearInbox(inbox).catch((error: Error) => {
      setLoadError(error.message)
      return undefined
    })
    setConfirmClear(false)
    if (!result) return
    setEmails((list) =>
      list.filter((e) => !e.envelope.rcptTo.some((r) => r.toLowerCase() === inbox.toLowerCase())),
    )
    setAnnouncement(`Cleared ${result.deleted} email(s) of ${inbox}`)
    go({ inbox })
  }

  // "/" searches from anywhere but a text field; the list's keys work from anywhere that is not a control
  // (after a deep link, or a click on the email), by moving to the list; Escape cancels a clear.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement
      const typing =
        target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'
      if (event.key === 'Escape') setConfirmClear(false)
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return
      if (event.key === '/') {
        event.preventDefault()
        searchBox.current?.focus()
        return
      }
      const list = document.querySelector<HTMLElement>('[role=listbox]')
      const control = target.closest('button, a, [role=tab], [role=listbox], iframe')
      if (!list || control || !LIST_KEYS.has(event.key)) return
      event.preventDefault()
      list.focus()
      list.dispatchEvent(new KeyboardEvent('keydown', { key: event.key, bubbles: true }))
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [])

  const listLabel = route.inbox ? `Emails to ${route.inbox}` : 'Emails'
  return (
    <div class={route.emailId ? 'app reading' : 'app'}>
      <header class="top">
        <h1>
          <a class="brand" href="#/">
            Mailwright inbox
          </a>
        </h1>
        <search class="search">
          <label for="search" class="visually-hidden">
            Search emails
          </label>
          <input
            id="search"
            ref={searchBox}
            type="search"
            value={search}
            placeholder="Search: words in the subject, from: to: subject: text: since:1h"
            aria-describedby={'error' in parsed ? 'search-error' : undefined}
            aria-invalid={'error' in parsed}
            onInput={(event) => setSearch((event.currentTarget as HTMLInputElement).value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') setSearch('')
            }}
            spellcheck={false}
            autocomplete="off"
          />
          {'error' in parsed ? (
            <p id="search-error" class="search-error" role="alert">
              {parsed.error}
            </p>
          ) : null}
        </search>
        <span class={live ? 'live on' : 'live'} role="status">
          {live ? 'Live' : 'Reconnecting…'}
        </span>
        <label class="theme">
          <span>Theme</span>
          <select
            value={theme}
            onChange={(event) => setTheme((event.currentTarget as HTMLSelectElement).value as Theme)}
          >
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </header>
      <nav class="inboxes" aria-label="Inboxes">
        <h2>Inboxes</h2>
        {inboxes.length > INBOX_FILTER_FROM ? (
          <input
            class="inbox-filter"
            type="search"
            aria-label="Filter inboxes"
            placeholder={`Filter ${inboxes.length} inboxes`}
            value={inboxFilter}
            onInput={(event) => setInboxFilter((event.currentTarget as HTMLInputElement).value)}
            spellcheck={false}
            autocomplete="off"
          />
        ) : null}
        <ul>
          <li>
            <a
              href={routeHash({ search: search || undefined })}
              aria-current={route.inbox ? undefined : 'page'}
            >
              All <span class="count">{emails.length}</span>
            </a>
          </li>
          {listedInboxes.slice(0, 500).map(([address, count]) => (
            <li key={address}>
              <a
                href={routeHash({ inbox: address, search: search || undefined })}
                aria-current={route.inbox?.toLowerCase() === address ? 'page' : undefined}
                title={address}
              >
                <span class="inbox-name">{inboxName(address)}</span>
                <span class="inbox-address">{address}</span>
                <span class="count">{count}</span>
              </a>
            </li>
          ))}
        </ul>
        {listedInboxes.length > 500 ? (
          <p class="more">{listedInboxes.length - 500} more: filter them, or search with to:</p>
        ) : null}
      </nav>
      <main class="main">
        <section class="list-pane" aria-label={listLabel}>
          <div class="list-head">
            <h2>
              {route.inbox ? inboxName(route.inbox) : 'All emails'}{' '}
              <span class="count">{loading ? '…' : shown.length}</span>
              {!loading && emails.length >= MAX_LISTED ? (
                <span class="count"> (the newest {MAX_LISTED.toLocaleString()})</span>
              ) : null}
            </h2>
            {route.inbox ? (
              confirmClear && canClear ? (
                <span class="confirm">
                  <button type="button" class="danger" onClick={clear}>
                    Delete all {inboxCount} email(s)
                  </button>
                  <button type="button" ref={cancelClear} onClick={() => setConfirmClear(false)}>
                    Cancel
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  disabled={!canClear}
                  title={querying ? 'Clear the search first: clearing deletes all of the inbox' : undefined}
                  onClick={() => setConfirmClear(true)}
                >
                  Clear inbox
                </button>
              )
            ) : null}
          </div>
          {loadError ? (
            <p class="load-error" role="alert">
              {loadError}
            </p>
          ) : null}
          <EmailList
            emails={shown}
            selectedId={route.emailId}
            label={listLabel}
            emptyText={
              querying
                ? 'No email matches this search.'
                : route.inbox
                  ? `No emails to ${route.inbox} (yet): they appear as they arrive.`
                  : 'No emails yet: they appear as they arrive.'
            }
            onSelect={(id) => go({ ...route, emailId: id })}
            onDelete={remove}
          />
        </section>
        <section class="view-pane" aria-label="Email">
          {route.emailId ? (
            <EmailView
              key={`${route.emailId}-${epoch}`}
              id={route.emailId}
              gone={goneId === route.emailId}
              onDelete={remove}
              onClose={() => go({ ...route, emailId: undefined })}
            />
          ) : (
            <p class="view-status">Select an email. Keys: ↑/↓ or j/k move, Delete deletes, / searches.</p>
          )}
        </section>
      </main>
      <div class="visually-hidden" aria-live="polite">
        {announcement}
      </div>
    </div>
  )
}

render(<App />, document.getElementById('app') as HTMLElement)

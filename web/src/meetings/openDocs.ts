// Several documents open at once (the action items view opens every meeting
// of the partnership): each is found on its own, so one that is slow or
// missing does not hold up the others, and each is followed as it changes.
import type { AutomergeUrl, DocHandle, Repo } from "@automerge/automerge-repo"
import type { Doc } from "@automerge/automerge"
import { signal, type Signal } from "@preact/signals"
import { useEffect, useMemo } from "preact/hooks"

/** Where one of the documents stands. */
export type OpenedDoc<T> =
  | { state: "loading" }
  | { state: "ready"; handle: DocHandle<T>; doc: Doc<T> }
  | { state: "unavailable"; reason: string }

/** Called for each document once it is open; returns what undoes it. */
export type OnOpen<T> = (handle: DocHandle<T>) => () => void

type Entry = { abort: AbortController; stop: (() => void) | undefined }

/** A set of open documents, by URL, in a signal. */
export class OpenDocs<T> {
  /** The documents, by the URL they were asked for with. */
  readonly docs: Signal<ReadonlyMap<string, OpenedDoc<T>>> = signal(new Map())
  readonly #repo: Repo
  readonly #onOpen: OnOpen<T> | undefined
  readonly #entries = new Map<string, Entry>()

  constructor(repo: Repo, onOpen?: OnOpen<T>) {
    this.#repo = repo
    this.#onOpen = onOpen
  }

  /** Opens the documents at `urls` not yet open, and closes the others. */
  show(urls: readonly string[]): void {
    const wanted = new Set(urls)
    for (const url of [...this.#entries.keys()]) if (!wanted.has(url)) this.#close(url)
    for (const url of wanted) if (!this.#entries.has(url)) this.#open(url)
  }

  /** Closes every document. */
  close(): void {
    for (const url of [...this.#entries.keys()]) this.#close(url)
  }

  #open(url: string): void {
    const entry: Entry = { abort: new AbortController(), stop: undefined }
    this.#entries.set(url, entry)
    this.#set(url, { state: "loading" })
    let found: Promise<DocHandle<T>>
    try {
      found = this.#repo.find<T>(url as AutomergeUrl, { signal: entry.abort.signal })
    } catch (error) {
      this.#set(url, { state: "unavailable", reason: String(error) })
      return
    }
    found.then(
      (handle) => {
        if (entry.abort.signal.aborted) return
        const update = () => this.#set(url, { state: "ready", handle, doc: handle.doc() })
        const untrack = this.#onOpen?.(handle)
        handle.on("change", update)
        handle.on("delete", update)
        entry.stop = () => {
          handle.off("change", update)
          handle.off("delete", update)
          untrack?.()
        }
        update()
      },
      (error: unknown) => {
        if (!entry.abort.signal.aborted) this.#set(url, { state: "unavailable", reason: String(error) })
      },
    )
  }

  #close(url: string): void {
    const entry = this.#entries.get(url)
    if (!entry) return
    entry.abort.abort()
    entry.stop?.()
    this.#entries.delete(url)
    this.#set(url, undefined)
  }

  #set(url: string, opened: OpenedDoc<T> | undefined): void {
    const next = new Map(this.docs.peek())
    if (opened) next.set(url, opened)
    else next.delete(url)
    this.docs.value = next
  }
}

/**
 * The documents at `urls`, opened while the component is mounted; `onOpen`
 * runs for each once it is open (for example to track its saving).
 */
export function useOpenDocs<T>(repo: Repo, urls: readonly string[], onOpen?: OnOpen<T>): ReadonlyMap<string, OpenedDoc<T>> {
  // One set per repo; `onOpen` is read when a document opens.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const docs = useMemo(() => new OpenDocs<T>(repo, onOpen), [repo])
  useEffect(() => () => docs.close(), [docs])
  const key = urls.join("\n")
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => docs.show(urls), [docs, key])
  return docs.docs.value
}

// Preact hooks over automerge-repo document handles.
import {
  isValidAutomergeUrl,
  type AutomergeUrl,
  type DocHandle,
  type Repo,
} from "@automerge/automerge-repo"
import type { Doc } from "@automerge/automerge"
import { useEffect, useState } from "preact/hooks"

/** Where opening a document stands. */
export type Opened<T> =
  | { state: "loading" }
  | { state: "ready"; handle: DocHandle<T> }
  | { state: "unavailable"; reason: string }

/** Opens the document at `url` (from local storage or the server). */
export function useHandle<T>(repo: Repo, url: string | null | undefined): Opened<T> {
  const [opened, setOpened] = useState<Opened<T>>({ state: "loading" })
  useEffect(() => {
    if (!url || !isValidAutomergeUrl(url)) {
      setOpened({ state: "unavailable", reason: "invalid" })
      return
    }
    let live = true
    setOpened({ state: "loading" })
    repo.find<T>(url as AutomergeUrl).then(
      (handle) => live && setOpened({ state: "ready", handle }),
      (error: unknown) => live && setOpened({ state: "unavailable", reason: String(error) }),
    )
    return () => {
      live = false
    }
  }, [repo, url])
  return opened
}

/** The document's current value, re-rendering on every change. */
export function useDoc<T>(handle: DocHandle<T>): Doc<T> {
  const [doc, setDoc] = useState<Doc<T>>(() => handle.doc())
  useEffect(() => {
    const onChange = () => setDoc(handle.doc())
    setDoc(handle.doc())
    handle.on("change", onChange)
    handle.on("delete", onChange)
    return () => {
      handle.off("change", onChange)
      handle.off("delete", onChange)
    }
  }, [handle])
  return doc
}

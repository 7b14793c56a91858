// A collaborative text field: CodeMirror 6 bound to an automerge text with
// @automerge/automerge-codemirror (concurrent typing merges character by
// character), showing the other people's carets and selections and telling
// them ours.
import { automergeSyncPlugin, type DocHandle as SyncableHandle } from "@automerge/automerge-codemirror"
import type { DocHandle } from "@automerge/automerge-repo"
import type * as A from "@automerge/automerge"
import { minimalSetup } from "codemirror"
import { EditorState, Transaction } from "@codemirror/state"
import { EditorView, placeholder as placeholderExt } from "@codemirror/view"
import { effect } from "@preact/signals"
import { useContext, useEffect, useRef } from "preact/hooks"

import { ReadOnlyContext } from "../app/context"
import type { DocPresence } from "../presence/docPresence"
import { cursorAt, cursorPosition, remoteCursors, setRemoteSelections, type RemoteSelection } from "./remoteCursors"

/** What a collaborative text field edits and how it is labelled. */
export type CollaborativeTextProps = {
  /** The document holding the text. */
  handle: DocHandle<unknown>
  /** The text's path in the document (the editor is rebuilt when it changes). */
  path: A.Prop[]
  /** A stable name for this field across peers (list items by id), e.g. "goal:<id>:description". */
  field: string
  /** The accessible label. */
  label: string
  /** Presence on the document, to show and send cursors. */
  presence?: DocPresence | undefined
  /** Shown when the text is empty. */
  placeholder?: string
  /** A test id for the editor's container. */
  testId?: string
}

/** The text at `path` in `doc`, or "" when absent. */
export function textAt(doc: unknown, path: A.Prop[]): string {
  let value: unknown = doc
  for (const key of path) {
    if (value === null || typeof value !== "object") return ""
    value = (value as Record<string | number, unknown>)[key]
  }
  return typeof value === "string" ? value : ""
}

/**
 * A CodeMirror editor for one automerge text; read-only inside a
 * `ReadOnlyContext` that says so (it still shows remote edits and cursors).
 */
export function CollaborativeText({ handle, path, field, label, presence, placeholder, testId }: CollaborativeTextProps) {
  const readOnly = useContext(ReadOnlyContext)
  const container = useRef<HTMLDivElement>(null)
  const editor = useRef<EditorView | null>(null)
  const pathKey = JSON.stringify(path)

  // The label follows the interface language without rebuilding the editor.
  useEffect(() => {
    editor.current?.contentDOM.setAttribute("aria-label", label)
  }, [label])

  useEffect(() => {
    const parent = container.current
    if (!parent || !handle.isReady()) return
    const view = new EditorView({
      parent,
      doc: textAt(handle.doc(), path),
      extensions: [
        minimalSetup,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          "aria-label": label,
          "aria-multiline": "true",
          role: "textbox",
          ...(readOnly ? { "aria-readonly": "true" } : {}),
        }),
        readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
        placeholder ? placeholderExt(placeholder) : [],
        // automerge-codemirror declares the slice of DocHandle it uses, with a narrower `change`.
        automergeSyncPlugin({ handle: handle as unknown as SyncableHandle<unknown>, path }),
        remoteCursors(),
        EditorView.updateListener.of((update) => {
          if (!presence) return
          // Focus moved elsewhere on the page: this field no longer has our caret.
          // (A window in the background keeps it, as the person will come back.)
          if (update.focusChanged && !update.view.hasFocus && document.hasFocus()) {
            if (presence.local.selection?.field === field) presence.set("selection", null)
            return
          }
          // Our own typing, clicks and moves; remote changes carry no user event.
          const ours = update.transactions.some((tr) => tr.annotation(Transaction.userEvent) !== undefined)
          if (!ours && !(update.focusChanged && update.view.hasFocus)) return
          const { anchor, head } = update.state.selection.main
          const doc = handle.doc()
          const a = cursorAt(doc, path, anchor)
          const h = cursorAt(doc, path, head)
          if (a !== null && h !== null) presence.set("selection", { field, anchor: a, head: h })
        }),
      ],
    })

    editor.current = view

    // Show the others' selections in this field whenever they or the text change.
    const show = () => {
      const peers = presence?.peers.value ?? []
      const doc = handle.doc()
      const selections: RemoteSelection[] = []
      for (const p of peers) {
        const s = p.state.selection
        if (!s || s.field !== field) continue
        const anchor = cursorPosition(doc, path, s.anchor)
        const head = cursorPosition(doc, path, s.head)
        if (anchor === null || head === null) continue
        selections.push({ key: String(p.peerId), name: p.state.user.name, colour: p.state.user.colour, anchor, head })
      }
      view.dispatch({ effects: setRemoteSelections.of(selections) })
    }
    const stopPeers = effect(show)
    const onChange = () => queueMicrotask(show)
    handle.on("change", onChange)
    return () => {
      stopPeers()
      handle.off("change", onChange)
      if (presence?.local.selection?.field === field) presence.set("selection", null)
      view.destroy()
      editor.current = null
    }
    // The editor is rebuilt only when the text it edits changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [handle, pathKey, field, presence, readOnly])

  return (
    <div
      class={readOnly ? "collab-text read-only" : "collab-text"}
      ref={container}
      data-testid={testId}
      data-field={field}
      data-readonly={readOnly ? "true" : undefined}
    />
  )
}

// Other people's carets and selections in a CodeMirror editor bound to an
// automerge text. Peers send automerge cursors (stable under concurrent
// edits); this extension turns them into positions in the local text each
// time either the peers or the text change.
import * as A from "@automerge/automerge"
import { StateEffect, StateField, type Extension, type Range } from "@codemirror/state"
import { Decoration, EditorView, WidgetType, type DecorationSet } from "@codemirror/view"

/** A peer's selection, resolved to positions in the local text. */
export type RemoteSelection = {
  /** A stable key (the peer id). */
  key: string
  /** The person's name, shown above their caret. */
  name: string
  /** Their colour. */
  colour: string
  /** Selection anchor. */
  anchor: number
  /** Caret. */
  head: number
}

/** Replaces the remote selections shown in the editor. */
export const setRemoteSelections = StateEffect.define<RemoteSelection[]>()

class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly colour: string,
  ) {
    super()
  }
  override eq(other: CaretWidget): boolean {
    return other.name === this.name && other.colour === this.colour
  }
  toDOM(): HTMLElement {
    const caret = document.createElement("span")
    caret.className = "remote-caret"
    caret.style.borderColor = this.colour
    caret.setAttribute("aria-hidden", "true")
    caret.dataset.name = this.name
    const label = document.createElement("span")
    label.className = "remote-caret-label"
    label.style.backgroundColor = this.colour
    label.textContent = this.name
    caret.appendChild(label)
    return caret
  }
  override ignoreEvent(): boolean {
    return true
  }
}

/** The decorations for a set of selections in a text of `length` characters. */
export function remoteDecorations(selections: RemoteSelection[], length: number): DecorationSet {
  const ranges: Range<Decoration>[] = []
  for (const s of selections) {
    const anchor = clamp(s.anchor, length)
    const head = clamp(s.head, length)
    const from = Math.min(anchor, head)
    const to = Math.max(anchor, head)
    if (from < to) {
      ranges.push(
        Decoration.mark({
          class: "remote-selection",
          attributes: { style: `background-color: ${s.colour}33` },
        }).range(from, to),
      )
    }
    ranges.push(Decoration.widget({ widget: new CaretWidget(s.name, s.colour), side: 1 }).range(head))
  }
  return Decoration.set(ranges, true)
}

function clamp(n: number, length: number): number {
  return Math.max(0, Math.min(length, Number.isFinite(n) ? n : 0))
}

/** The extension that shows remote selections set with {@link setRemoteSelections}. */
export function remoteCursors(): Extension {
  const field = StateField.define<{ selections: RemoteSelection[]; decorations: DecorationSet }>({
    create: () => ({ selections: [], decorations: Decoration.none }),
    update(value, tr) {
      let selections = value.selections
      let changed = false
      for (const effect of tr.effects) {
        if (effect.is(setRemoteSelections)) {
          selections = effect.value
          changed = true
        }
      }
      if (!changed && !tr.docChanged) return value
      if (!changed) {
        // Keep carets with the text they were next to until fresh positions arrive.
        selections = selections.map((s) => ({
          ...s,
          anchor: tr.changes.mapPos(clamp(s.anchor, tr.startState.doc.length), 1),
          head: tr.changes.mapPos(clamp(s.head, tr.startState.doc.length), 1),
        }))
      }
      return { selections, decorations: remoteDecorations(selections, tr.state.doc.length) }
    },
    provide: (f) => EditorView.decorations.from(f, (v) => v.decorations),
  })
  return field
}

/** Resolves a peer's automerge cursor in `doc` at `path`, or null if it no longer resolves. */
export function cursorPosition<T>(doc: A.Doc<T>, path: A.Prop[], cursor: A.Cursor): number | null {
  try {
    return A.getCursorPosition(doc, path, cursor)
  } catch {
    return null
  }
}

/** An automerge cursor for `position` in the text at `path`, or null when there is no such text. */
export function cursorAt<T>(doc: A.Doc<T>, path: A.Prop[], position: number): A.Cursor | null {
  try {
    return A.getCursor(doc, path, position)
  } catch {
    return null
  }
}

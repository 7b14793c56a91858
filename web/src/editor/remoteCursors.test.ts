import * as A from "@automerge/automerge"
import { EditorState } from "@codemirror/state"
import { EditorView } from "@codemirror/view"
import { describe, expect, test } from "vitest"

import { cursorAt, cursorPosition, remoteCursors, setRemoteSelections } from "./remoteCursors"

describe("remote cursors", () => {
  test("an automerge cursor stays with its character when others type before it", () => {
    let doc = A.from({ notes: "hello world" })
    const cursor = cursorAt(doc, ["notes"], 6)!
    doc = A.change(doc, (d) => A.splice(d, ["notes"], 0, 0, "Oh, "))
    expect(cursorPosition(doc, ["notes"], cursor)).toBe(10)
    expect(cursorPosition(doc, ["missing"], cursor)).toBeNull()
  })

  test("carets and selections are drawn with the person's name, clamped to the text", () => {
    const parent = document.createElement("div")
    document.body.appendChild(parent)
    const view = new EditorView({ parent, state: EditorState.create({ doc: "abcdef", extensions: [remoteCursors()] }) })
    view.dispatch({
      effects: setRemoteSelections.of([
        { key: "p1", name: "Budi", colour: "#b3261e", anchor: 1, head: 3 },
        { key: "p2", name: "Ayu", colour: "#0b57d0", anchor: 99, head: 99 },
      ]),
    })
    const carets = [...parent.querySelectorAll(".remote-caret")].map((c) => (c as HTMLElement).dataset.name)
    expect(carets.sort()).toEqual(["Ayu", "Budi"])
    expect(parent.querySelector(".remote-selection")?.textContent).toBe("bc")
    // Local typing before a caret moves it along until fresh positions arrive.
    view.dispatch({ changes: { from: 0, insert: "XY" } })
    expect(parent.querySelector(".remote-selection")?.textContent).toBe("bc")
    view.destroy()
  })
})

import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact"
import { afterEach, describe, expect, it, vi } from "vitest"

import { locale } from "../i18n"
import { CheckField, SelectField, TextField, TYPING_PAUSE_MS } from "./fields"

afterEach(() => {
  cleanup()
  vi.useRealTimers()
  locale.value = "en"
})

function type(input: HTMLElement, value: string) {
  ;(input as HTMLInputElement).value = value
  fireEvent.input(input)
}

describe("TextField", () => {
  it("is labelled and shows the document's value", () => {
    render(<TextField label="Task" value="Buy batteries" onCommit={() => {}} />)
    expect((screen.getByLabelText("Task") as HTMLInputElement).value).toBe("Buy batteries")
  })

  it("writes after a pause in typing, once", () => {
    vi.useFakeTimers()
    const onCommit = vi.fn()
    render(<TextField label="Task" value="" onCommit={onCommit} />)
    const input = screen.getByLabelText("Task")
    fireEvent.focus(input)
    type(input, "Buy")
    type(input, "Buy batteries")
    expect(onCommit).not.toHaveBeenCalled()
    vi.advanceTimersByTime(TYPING_PAUSE_MS)
    expect(onCommit).toHaveBeenCalledTimes(1)
    expect(onCommit).toHaveBeenCalledWith("Buy batteries")
    fireEvent.change(input)
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenCalledTimes(1)
  })

  it("writes on change and on leaving the field", () => {
    const onCommit = vi.fn()
    render(<TextField label="Task" value="" onCommit={onCommit} />)
    const input = screen.getByLabelText("Task")
    type(input, "One")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith("One")
    type(input, "One more")
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenLastCalledWith("One more")
    expect(onCommit).toHaveBeenCalledTimes(2)
  })

  it("does not overwrite what is being typed with a remote change, and shows it afterwards", () => {
    const onCommit = vi.fn()
    const { rerender } = render(<TextField label="Task" value="Old" onCommit={onCommit} />)
    const input = screen.getByLabelText("Task") as HTMLInputElement
    type(input, "Mine")
    rerender(<TextField label="Task" value="Theirs" onCommit={onCommit} />)
    expect(input.value).toBe("Mine")
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenCalledWith("Mine")
    // The document now holds what was committed.
    rerender(<TextField label="Task" value="Mine" onCommit={onCommit} />)
    expect(input.value).toBe("Mine")
    // Not typing: remote changes show at once.
    rerender(<TextField label="Task" value="Theirs again" onCommit={onCommit} />)
    expect(input.value).toBe("Theirs again")
  })

  it("does not write back a value that was only typed over and restored", () => {
    const onCommit = vi.fn()
    render(<TextField label="Task" value="Same" onCommit={onCommit} />)
    const input = screen.getByLabelText("Task")
    type(input, "Sam")
    type(input, "Same")
    fireEvent.blur(input)
    expect(onCommit).not.toHaveBeenCalled()
  })

  it("writes what was typed when the field goes away", async () => {
    const onCommit = vi.fn()
    const { unmount } = render(<TextField label="Task" value="" onCommit={onCommit} />)
    type(screen.getByLabelText("Task"), "Unsaved")
    unmount()
    await waitFor(() => expect(onCommit).toHaveBeenCalledWith("Unsaved"))
  })
})

describe("SelectField", () => {
  const choices = [
    { value: "dlh", label: "City Environment Agency" },
    { value: "ngo", label: "Udara Kita Foundation" },
  ]

  it("offers none, the choices and an unknown stored value as it is", () => {
    render(<SelectField label="Owner" value="gone" choices={choices} none="No owner" onSelect={() => {}} />)
    const select = screen.getByLabelText("Owner") as HTMLSelectElement
    expect([...select.options].map((o) => o.textContent)).toEqual([
      "No owner",
      "City Environment Agency",
      "Udara Kita Foundation",
      "gone (unknown)",
    ])
    expect(select.value).toBe("gone")
  })

  it("writes the chosen value", () => {
    const onSelect = vi.fn()
    render(<SelectField label="Owner" value="" choices={choices} none="No owner" onSelect={onSelect} />)
    const select = screen.getByLabelText("Owner") as HTMLSelectElement
    select.value = "ngo"
    fireEvent.change(select)
    expect(onSelect).toHaveBeenCalledWith("ngo")
  })
})

describe("CheckField", () => {
  it("toggles", () => {
    const onToggle = vi.fn()
    render(<CheckField label="Done" checked={false} onToggle={onToggle} />)
    fireEvent.click(screen.getByLabelText("Done"))
    expect(onToggle).toHaveBeenCalledWith(true)
  })
})

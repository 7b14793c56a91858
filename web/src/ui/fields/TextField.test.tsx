import { act, cleanup, fireEvent, render, screen } from "@testing-library/preact"
import { afterEach, describe, expect, it, vi } from "vitest"

import { scalar } from "../../model/values"
import { COMMIT_DELAY_MS } from "./draft"
import { TextField, type TextFieldProps } from "./TextField"

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

/** A field labelled "Name" showing `value`, and a way to show it a new document value. */
function field(value: unknown, props: Partial<TextFieldProps> = {}) {
  const onCommit = vi.fn()
  const view = render(<TextField label="Name" value={value} onCommit={onCommit} {...props} />)
  const input = screen.getByLabelText("Name") as HTMLInputElement
  const rerender = (next: unknown) => view.rerender(<TextField label="Name" value={next} onCommit={onCommit} {...props} />)
  return { input, onCommit, rerender, view }
}

function type(input: HTMLElement, text: string) {
  ;(input as HTMLInputElement).value = text
  fireEvent.input(input)
}

describe("TextField", () => {
  it("is labelled and shows the document's value, read from a scalar string", () => {
    expect(field(scalar("Clean Air")).input.value).toBe("Clean Air")
    cleanup()
    expect(field(null).input.value).toBe("")
  })

  it("writes after a pause in typing, once", () => {
    vi.useFakeTimers()
    const { input, onCommit } = field("")
    input.focus()
    type(input, "Buy")
    type(input, "Buy batteries")
    act(() => void vi.advanceTimersByTime(COMMIT_DELAY_MS - 1))
    expect(onCommit).not.toHaveBeenCalled()
    act(() => void vi.advanceTimersByTime(1))
    expect(onCommit).toHaveBeenCalledTimes(1)
    expect(onCommit).toHaveBeenCalledWith("Buy batteries")
    fireEvent.change(input)
    fireEvent.keyDown(input, { key: "Enter" })
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenCalledTimes(1)
  })

  it("writes at once on change, on Enter and on leaving the field", () => {
    const { input, onCommit } = field("")
    type(input, "One")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith("One")
    type(input, "Two")
    fireEvent.keyDown(input, { key: "Enter" })
    expect(onCommit).toHaveBeenLastCalledWith("Two")
    type(input, "Three")
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenLastCalledWith("Three")
    expect(onCommit).toHaveBeenCalledTimes(3)
  })

  it("does not overwrite what is being typed with a remote change, and shows remote changes after leaving", () => {
    const { input, onCommit, rerender } = field(scalar("Clean Air"))
    // Not in the field: remote changes show at once.
    rerender(scalar("Clean Air Sukamaju"))
    expect(input.value).toBe("Clean Air Sukamaju")
    input.focus()
    type(input, "Clean Air Suka")
    rerender(scalar("Udara Bersih"))
    expect(input.value).toBe("Clean Air Suka")
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenCalledWith("Clean Air Suka")
    // The document now holds what was written...
    rerender(scalar("Clean Air Suka"))
    expect(input.value).toBe("Clean Air Suka")
    // ...and later remote changes show again.
    rerender(scalar("Udara Bersih"))
    expect(input.value).toBe("Udara Bersih")
  })

  it("shows remote changes while focused but untouched, and does not write them back", () => {
    const { input, onCommit, rerender } = field("A")
    input.focus()
    rerender("B")
    expect(input.value).toBe("B")
    fireEvent.blur(input)
    expect(onCommit).not.toHaveBeenCalled()
    expect(input.value).toBe("B")
  })

  it("does not write unchanged text, nor text typed over and restored", () => {
    const { input, onCommit } = field(scalar("Trust"))
    type(input, "Trust")
    fireEvent.blur(input)
    type(input, "Trus")
    type(input, "Trust")
    fireEvent.change(input)
    fireEvent.blur(input)
    expect(onCommit).not.toHaveBeenCalled()
  })

  it("writes what was typed when the field goes away mid-pause", () => {
    vi.useFakeTimers()
    const { input, onCommit, view } = field("")
    type(input, "Inclusion")
    act(() => void view.unmount())
    expect(onCommit).toHaveBeenCalledWith("Inclusion")
    expect(onCommit).toHaveBeenCalledTimes(1)
  })

  it("keeps text that cannot be written, says why, and writes it once fixed", () => {
    const check = (text: string) => (/^\d*$/.test(text) ? null : "Not a number")
    const { input, onCommit } = field("12", { check })
    type(input, "12a")
    fireEvent.blur(input)
    expect(onCommit).not.toHaveBeenCalled()
    expect(input.value).toBe("12a")
    expect(input.getAttribute("aria-invalid")).toBe("true")
    const problem = screen.getByRole("alert")
    expect(problem.textContent).toBe("Not a number")
    expect(input.getAttribute("aria-describedby")).toBe(problem.id)
    type(input, "120")
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenCalledWith("120")
    expect(input.getAttribute("aria-invalid")).toBeNull()
    expect(input.getAttribute("aria-describedby")).toBeNull()
  })

  it("says what is wrong from when the text would be written, and stops as soon as it is fixed", () => {
    vi.useFakeTimers()
    const check = (text: string) => (/^\d*$/.test(text) ? null : `Not a number: ${text}`)
    const { input, onCommit } = field("12", { check })
    type(input, "12a")
    expect(screen.queryByRole("alert")).toBeNull()
    act(() => void vi.advanceTimersByTime(COMMIT_DELAY_MS))
    expect(screen.getByRole("alert").textContent).toBe("Not a number: 12a")
    type(input, "12b")
    expect(screen.getByRole("alert").textContent).toBe("Not a number: 12b")
    type(input, "125")
    expect(screen.queryByRole("alert")).toBeNull()
    expect(onCommit).not.toHaveBeenCalled()
    act(() => void vi.advanceTimersByTime(COMMIT_DELAY_MS))
    expect(onCommit).toHaveBeenCalledWith("125")
  })

  it("is a textarea when multiline, focuses itself when asked, and carries its test id and class", () => {
    field("Bring the annual mean down.", { multiline: true, rows: 2, autoFocus: true, testId: "f", class: "wide" })
    const area = screen.getByTestId("f") as HTMLTextAreaElement
    expect(area.tagName).toBe("TEXTAREA")
    expect(area.getAttribute("rows")).toBe("2")
    expect(area.value).toBe("Bring the annual mean down.")
    expect(document.activeElement).toBe(area)
    expect(area.closest("label")?.className).toBe("field wide")
  })

  it("keeps its label for screen readers when it is hidden, and offers a numeric keyboard for numbers", () => {
    const { input } = field("25", { hideLabel: true, type: "number", min: 0 })
    expect(screen.getByText("Name").className).toBe("visually-hidden")
    expect(input.type).toBe("number")
    expect(input.getAttribute("inputmode")).toBe("numeric")
    expect(input.getAttribute("min")).toBe("0")
  })
})

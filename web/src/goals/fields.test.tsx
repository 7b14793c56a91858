import { cleanup, fireEvent, render, screen } from "@testing-library/preact"
import { afterEach, describe, expect, it, vi } from "vitest"

import { COMMIT_DELAY_MS, NumberField, TextField } from "./fields"

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

function type(input: HTMLInputElement, text: string) {
  input.value = text
  fireEvent.input(input)
}

describe("TextField", () => {
  it("writes after a pause in typing, and at once when the person leaves the field", () => {
    vi.useFakeTimers()
    const onCommit = vi.fn()
    render(<TextField label="Goal title" value="Cut PM2.5" onCommit={onCommit} testId="f" />)
    const input = screen.getByTestId("f") as HTMLInputElement
    expect(input.value).toBe("Cut PM2.5")
    input.focus()
    type(input, "Cut PM2.5 by a quarter")
    expect(onCommit).not.toHaveBeenCalled()
    vi.advanceTimersByTime(COMMIT_DELAY_MS)
    expect(onCommit).toHaveBeenLastCalledWith("Cut PM2.5 by a quarter")
    type(input, "Cut PM2.5 by a third")
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenLastCalledWith("Cut PM2.5 by a third")
    expect(onCommit).toHaveBeenCalledTimes(2)
  })

  it("shows other people's changes, except while the person is typing in it", () => {
    const { rerender } = render(<TextField label="Goal title" value="A" onCommit={() => {}} testId="f" />)
    const input = screen.getByTestId("f") as HTMLInputElement
    rerender(<TextField label="Goal title" value="B" onCommit={() => {}} testId="f" />)
    expect(input.value).toBe("B")
    input.focus()
    type(input, "Mine")
    rerender(<TextField label="Goal title" value="C" onCommit={() => {}} testId="f" />)
    expect(input.value).toBe("Mine")
  })

  it("does not write back a remote change the person only looked at", () => {
    const onCommit = vi.fn()
    const { rerender } = render(<TextField label="Goal title" value="A" onCommit={onCommit} testId="f" />)
    const input = screen.getByTestId("f") as HTMLInputElement
    input.focus()
    rerender(<TextField label="Goal title" value="B" onCommit={onCommit} testId="f" />)
    expect(input.value).toBe("A")
    fireEvent.blur(input)
    input.blur()
    expect(onCommit).not.toHaveBeenCalled()
    expect(input.value).toBe("B")
  })

  it("writes what is pending when it goes away", async () => {
    const onCommit = vi.fn()
    const { unmount } = render(<TextField label="Goal title" value="A" onCommit={onCommit} testId="f" />)
    type(screen.getByTestId("f") as HTMLInputElement, "AB")
    unmount()
    await vi.waitFor(() => expect(onCommit).toHaveBeenCalledWith("AB"))
  })
})

describe("NumberField", () => {
  it("writes numbers (with a decimal comma too), empty as none, and refuses other text", () => {
    const onCommit = vi.fn()
    render(<NumberField label="Baseline" value={41.2} onCommit={onCommit} testId="n" />)
    const input = screen.getByTestId("n") as HTMLInputElement
    expect(input.value).toBe("41.2")
    type(input, "37,5")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith(37.5)
    type(input, "forty")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenCalledTimes(1)
    expect(input.getAttribute("aria-invalid")).toBe("true")
    expect(screen.getByText(/Enter a number/)).toBeTruthy()
    type(input, "")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith(null)
    expect(input.getAttribute("aria-invalid")).toBeNull()
  })

  it("clears its error when the text goes back to the document's value", () => {
    const onCommit = vi.fn()
    render(<NumberField label="Target" value={30} onCommit={onCommit} testId="n" />)
    const input = screen.getByTestId("n") as HTMLInputElement
    type(input, "thirty")
    fireEvent.change(input)
    expect(input.getAttribute("aria-invalid")).toBe("true")
    type(input, "30")
    fireEvent.change(input)
    expect(input.getAttribute("aria-invalid")).toBeNull()
    expect(onCommit).not.toHaveBeenCalled()
  })
})

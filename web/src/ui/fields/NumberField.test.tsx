import { cleanup, fireEvent, render, screen } from "@testing-library/preact"
import { afterEach, describe, expect, it, vi } from "vitest"

import { locale } from "../../i18n"
import { scalar } from "../../model/values"
import { DateField } from "./DateField"
import { NumberField, numberProblem } from "./NumberField"

afterEach(() => {
  cleanup()
  locale.value = "en"
})

function type(input: HTMLInputElement, text: string) {
  input.value = text
  fireEvent.input(input)
}

describe("NumberField", () => {
  it("writes numbers (with a decimal comma too), empty as none, and refuses other text", () => {
    const onCommit = vi.fn()
    render(<NumberField label="Baseline" value={41.2} onCommit={onCommit} testId="n" />)
    const input = screen.getByTestId("n") as HTMLInputElement
    expect(input.value).toBe("41.2")
    expect(input.getAttribute("inputmode")).toBe("decimal")
    type(input, "37,5")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith(37.5)
    type(input, "forty")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenCalledTimes(1)
    expect(input.getAttribute("aria-invalid")).toBe("true")
    expect(screen.getByRole("alert").textContent).toMatch(/Enter a number/)
    type(input, "")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith(null)
    expect(input.getAttribute("aria-invalid")).toBeNull()
  })

  it("clears its problem when the text goes back to the document's value", () => {
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

  it("shows none as empty", () => {
    render(<NumberField label="Target" value={null} onCommit={() => {}} testId="n" />)
    expect((screen.getByTestId("n") as HTMLInputElement).value).toBe("")
  })

  it("explains what is not a number in the interface language; empty is none unless required", () => {
    expect(numberProblem("12,5")).toBeNull()
    expect(numberProblem(" ")).toBeNull()
    expect(numberProblem("", true)).toBe("Enter a number, for example 12.5")
    locale.value = "id"
    expect(numberProblem("dua belas")).toBe("Masukkan angka, misalnya 12,5")
  })
})

describe("DateField", () => {
  it("shows the document's date and writes the chosen one, or none when emptied", () => {
    const onCommit = vi.fn()
    render(<DateField label="Target date" value={scalar("2026-12-31")} onCommit={onCommit} testId="d" required />)
    const input = screen.getByTestId("d") as HTMLInputElement
    expect(input.type).toBe("date")
    expect(input.required).toBe(true)
    expect(input.value).toBe("2026-12-31")
    type(input, "2027-06-30")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith("2027-06-30")
    type(input, "")
    fireEvent.change(input)
    expect(onCommit).toHaveBeenLastCalledWith(null)
  })
})

import { act, cleanup, fireEvent, render, screen } from "@testing-library/preact"
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest"

import { scalar } from "../model/values"
import { COMMIT_DELAY_MS } from "./draft"
import { EnumSelect, PartnerSelect, TextField } from "./fields"
import { SECTOR } from "./labels"
import { newPartner } from "./factories"

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

function field(value: string, onCommit = vi.fn(), check?: (text: string) => string | null) {
  const view = render(<TextField label="Name" value={scalar(value)} onCommit={onCommit} check={check} />)
  const input = screen.getByLabelText("Name") as HTMLInputElement
  const rerender = (next: string) => view.rerender(<TextField label="Name" value={scalar(next)} onCommit={onCommit} check={check} />)
  return { input, onCommit, rerender, view }
}

describe("TextField", () => {
  it("shows the document's value, read from a scalar string", () => {
    const { input } = field("Clean Air")
    expect(input.value).toBe("Clean Air")
  })

  it("writes after a pause in typing, once", () => {
    const { input, onCommit } = field("Clean Air")
    fireEvent.input(input, { target: { value: "Clean Air Sukamaju" } })
    expect(onCommit).not.toHaveBeenCalled()
    act(() => void vi.advanceTimersByTime(COMMIT_DELAY_MS))
    expect(onCommit).toHaveBeenCalledTimes(1)
    expect(onCommit).toHaveBeenCalledWith("Clean Air Sukamaju")
  })

  it("does not overwrite what is being typed with a remote change, and shows it after leaving", () => {
    const { input, onCommit, rerender } = field("Clean Air")
    input.focus()
    fireEvent.input(input, { target: { value: "Clean Air Suka" } })
    rerender("Udara Bersih")
    expect(input.value).toBe("Clean Air Suka")
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenCalledWith("Clean Air Suka")
    rerender("Udara Bersih")
    expect(input.value).toBe("Udara Bersih")
  })

  it("shows remote changes while focused but untouched", () => {
    const { input, rerender } = field("Clean Air")
    input.focus()
    rerender("Udara Bersih")
    expect(input.value).toBe("Udara Bersih")
  })

  it("writes on Enter without waiting", () => {
    const { input, onCommit } = field("")
    fireEvent.input(input, { target: { value: "Trust" } })
    fireEvent.keyDown(input, { key: "Enter" })
    expect(onCommit).toHaveBeenCalledWith("Trust")
  })

  it("writes what was typed when the field goes away mid-pause", () => {
    const { input, onCommit, view } = field("")
    fireEvent.input(input, { target: { value: "Inclusion" } })
    act(() => void view.unmount())
    expect(onCommit).toHaveBeenCalledWith("Inclusion")
  })

  it("does not write unchanged text", () => {
    const { input, onCommit } = field("Trust")
    fireEvent.input(input, { target: { value: "Trust" } })
    fireEvent.blur(input)
    expect(onCommit).not.toHaveBeenCalled()
  })

  it("keeps text that cannot be written, says why, and writes it once fixed", () => {
    const check = (text: string) => (/^\d*$/.test(text) ? null : "Not a number")
    const { input, onCommit } = field("12", vi.fn(), check)
    fireEvent.input(input, { target: { value: "12a" } })
    fireEvent.blur(input)
    expect(onCommit).not.toHaveBeenCalled()
    expect(input.value).toBe("12a")
    expect(input.getAttribute("aria-invalid")).toBe("true")
    expect(screen.getByRole("alert").textContent).toBe("Not a number")
    fireEvent.input(input, { target: { value: "120" } })
    fireEvent.blur(input)
    expect(onCommit).toHaveBeenCalledWith("120")
    expect(input.getAttribute("aria-invalid")).toBeNull()
  })
})

describe("EnumSelect", () => {
  const options = () => [...(screen.getByLabelText("Sector") as HTMLSelectElement).options].map((o) => [o.value, o.text])

  it("offers the known values with their names and writes the choice", () => {
    const onChange = vi.fn()
    render(<EnumSelect label="Sector" spec={SECTOR} value={scalar("business")} onChange={onChange} />)
    const select = screen.getByLabelText("Sector") as HTMLSelectElement
    expect(select.value).toBe("business")
    expect(options()[2]).toEqual(["government", "Government"])
    fireEvent.change(select, { target: { value: "health" } })
    expect(onChange).toHaveBeenCalledWith("health")
  })

  it("keeps a value written by a newer client, shown as it is", () => {
    render(<EnumSelect label="Sector" spec={SECTOR} value={scalar("philanthropy")} onChange={vi.fn()} />)
    expect((screen.getByLabelText("Sector") as HTMLSelectElement).value).toBe("philanthropy")
    expect(options()).toContainEqual(["philanthropy", "philanthropy"])
  })

  it("offers “—” for no value when optional, written as null", () => {
    const onChange = vi.fn()
    render(<EnumSelect label="Sector" spec={SECTOR} value={null} optional onChange={onChange} />)
    const select = screen.getByLabelText("Sector") as HTMLSelectElement
    expect(select.value).toBe("")
    fireEvent.change(select, { target: { value: "business" } })
    fireEvent.change(select, { target: { value: "" } })
    expect(onChange.mock.calls).toEqual([["business"], [null]])
  })
})

describe("PartnerSelect", () => {
  const city = { ...newPartner("City"), id: scalar("p-city") }
  const unnamed = { ...newPartner(""), id: scalar("p-new") }

  it("names partners, with a placeholder for one without a name", () => {
    render(<PartnerSelect label="Run by" partners={[city, unnamed]} value={scalar("p-city")} onChange={vi.fn()} />)
    const select = screen.getByLabelText("Run by") as HTMLSelectElement
    expect([...select.options].map((o) => o.text)).toEqual(["—", "City", "Unnamed partner"])
    expect(select.value).toBe("p-city")
  })

  it("shows an id that names no partner any more rather than replacing it", () => {
    render(<PartnerSelect label="Run by" partners={[city]} value={scalar("p-gone")} required onChange={vi.fn()} />)
    const select = screen.getByLabelText("Run by") as HTMLSelectElement
    expect(select.value).toBe("p-gone")
    expect([...select.options].map((o) => o.text)).toEqual(["City", "A partner no longer in the charter"])
  })
})

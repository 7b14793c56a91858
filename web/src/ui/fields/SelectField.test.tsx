import { cleanup, fireEvent, render, screen } from "@testing-library/preact"
import { afterEach, describe, expect, it, vi } from "vitest"

import type { Partner } from "../../generated/model"
import { locale } from "../../i18n"
import { scalar } from "../../model/values"
import { enumSpec } from "./choices"
import { partnerChoices, partnerName, PartnerSelect } from "./PartnerSelect"
import { EnumSelect, SelectField } from "./SelectField"

afterEach(() => {
  cleanup()
  locale.value = "en"
})

const select = (label: string) => screen.getByLabelText(label) as HTMLSelectElement
const options = (label: string) => [...select(label).options].map((o) => [o.value, o.text])

describe("SelectField", () => {
  const choices = [
    { value: "dlh", label: "City Environment Agency" },
    { value: "ngo", label: "Udara Kita Foundation" },
  ]

  it("offers none, the choices and an unknown stored value as it is", () => {
    render(<SelectField label="Owner" value="gone" choices={choices} none="No owner" onChange={() => {}} />)
    expect(options("Owner").map(([, text]) => text)).toEqual([
      "No owner",
      "City Environment Agency",
      "Udara Kita Foundation",
      "gone (unknown)",
    ])
    expect(select("Owner").value).toBe("gone")
  })

  it("writes the chosen value, and \"\" for none", () => {
    const onChange = vi.fn()
    render(<SelectField label="Owner" value={scalar("dlh")} choices={choices} none="No owner" onChange={onChange} testId="owner" />)
    expect(screen.getByTestId("owner")).toBe(select("Owner"))
    fireEvent.change(select("Owner"), { target: { value: "ngo" } })
    fireEvent.change(select("Owner"), { target: { value: "" } })
    expect(onChange.mock.calls).toEqual([["ngo"], [""]])
  })

  it("shows a missing required value as “—”, which cannot be chosen", () => {
    render(<SelectField label="Owner" value={null} choices={choices} onChange={() => {}} />)
    expect(select("Owner").value).toBe("")
    expect(select("Owner").options[0].text).toBe("—")
    expect(select("Owner").options[0].disabled).toBe(true)
  })
})

describe("EnumSelect", () => {
  const SECTOR = enumSpec(["nonprofit", "business", "government", "health"] as const, (v) => v.charAt(0).toUpperCase() + v.slice(1))

  it("offers the known values with their names and writes the choice", () => {
    const onChange = vi.fn()
    render(<EnumSelect label="Sector" spec={SECTOR} value={scalar("business")} onChange={onChange} />)
    expect(select("Sector").value).toBe("business")
    expect(options("Sector")[2]).toEqual(["government", "Government"])
    fireEvent.change(select("Sector"), { target: { value: "health" } })
    expect(onChange).toHaveBeenCalledWith("health")
  })

  it("keeps a value written by a newer client, shown as it is", () => {
    render(<EnumSelect label="Sector" spec={SECTOR} value={scalar("philanthropy")} onChange={vi.fn()} />)
    expect(select("Sector").value).toBe("philanthropy")
    expect(options("Sector")).toContainEqual(["philanthropy", "philanthropy"])
  })

  it("offers “—” for no value when optional, written as null", () => {
    const onChange = vi.fn()
    render(<EnumSelect label="Sector" spec={SECTOR} value={null} optional onChange={onChange} />)
    expect(select("Sector").value).toBe("")
    fireEvent.change(select("Sector"), { target: { value: "business" } })
    fireEvent.change(select("Sector"), { target: { value: "" } })
    expect(onChange.mock.calls).toEqual([["business"], [null]])
  })
})

describe("PartnerSelect", () => {
  const partner = (id: string, name: string): Partner => ({
    id: scalar(id),
    name: scalar(name),
    sector: scalar("government"),
    contributions: [],
    representatives: [],
  })
  const city = partner("p-city", "City")
  const unnamed = partner("p-new", " ")

  it("names partners, with a placeholder for one without a name", () => {
    expect(partnerName(city)).toBe("City")
    expect(partnerName(unnamed)).toBe("Unnamed partner")
    expect(partnerName(undefined)).toBe("A partner no longer in the charter")
    expect(partnerChoices([city, unnamed])).toEqual([
      { value: "p-city", label: "City" },
      { value: "p-new", label: "Unnamed partner" },
    ])
    expect(partnerChoices(undefined)).toEqual([])
    locale.value = "id"
    expect(partnerName(unnamed)).toBe("Mitra tanpa nama")
  })

  it("offers the partners by id, “—” or a named none, and writes none as null", () => {
    const onChange = vi.fn()
    render(<PartnerSelect label="Run by" partners={[city, unnamed]} value={scalar("p-city")} onChange={onChange} />)
    expect(options("Run by").map(([, text]) => text)).toEqual(["—", "City", "Unnamed partner"])
    expect(select("Run by").value).toBe("p-city")
    fireEvent.change(select("Run by"), { target: { value: "" } })
    expect(onChange).toHaveBeenCalledWith(null)
    cleanup()
    render(<PartnerSelect label="Run by" partners={[city]} value={null} none="Not a partner" onChange={vi.fn()} />)
    expect(options("Run by")).toEqual([
      ["", "Not a partner"],
      ["p-city", "City"],
    ])
  })

  it("shows an id that names no partner any more rather than replacing it", () => {
    render(<PartnerSelect label="Run by" partners={[city]} value={scalar("p-gone")} required onChange={vi.fn()} />)
    expect(select("Run by").value).toBe("p-gone")
    expect(options("Run by").map(([, text]) => text)).toEqual(["City", "A partner no longer in the charter"])
  })
})

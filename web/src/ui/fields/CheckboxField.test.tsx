import { cleanup, fireEvent, render, screen } from "@testing-library/preact"
import { afterEach, describe, expect, it, vi } from "vitest"

import { CheckboxField } from "./CheckboxField"

afterEach(cleanup)

describe("CheckboxField", () => {
  it("is labelled by its text and writes when toggled", () => {
    const onChange = vi.fn()
    const { rerender } = render(<CheckboxField label="Done" checked={false} testId="done" onChange={onChange} />)
    const box = screen.getByLabelText("Done") as HTMLInputElement
    expect(screen.getByTestId("done")).toBe(box)
    expect(box.checked).toBe(false)
    fireEvent.click(box)
    expect(onChange).toHaveBeenCalledWith(true)
    rerender(<CheckboxField label="Done" checked testId="done" onChange={onChange} />)
    fireEvent.click(box)
    expect(onChange).toHaveBeenLastCalledWith(false)
  })
})

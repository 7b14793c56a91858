import { useMemo } from "preact/hooks"

import { SelectField } from "../ui/fields"
import { timeZoneOptions } from "./choices"
import { t } from "./messages"

/** A labelled select of the IANA time zones. */
export function TimeZoneField(props: {
  /** The zone chosen now. */
  value: string
  /** Called with the zone chosen. */
  onSelect: (zone: string) => void
  /** A test id for the select. */
  testId?: string
}) {
  const { value, onSelect, testId } = props
  const choices = useMemo(() => timeZoneOptions(value), [value])
  return <SelectField label={t("timeZone")} value={value} choices={choices} onChange={onSelect} testId={testId} />
}

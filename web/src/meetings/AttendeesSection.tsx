// Who attends the meeting: name, organisation and partner; "I'm here" adds
// the person using this browser.
import { identity } from "../app/identity"
import { usePartnership } from "../app/context"
import type { Attendee } from "../generated/model"
import { findById } from "../model/lists"
import { scalar, str } from "../model/values"
import { PartnerSelect, TextField } from "../ui/fields"
import { matchPartner } from "./choices"
import { addAttendeeOnce, hasAttendee, setAttendeePartner } from "./edit"
import { newAttendee } from "./items"
import type { Column } from "./ItemTable"
import { ListSection, useListEditor, type SectionProps } from "./MeetingSection"
import { t } from "./messages"

/** Edits the attendees. */
export function AttendeesSection({ editor, meeting }: SectionProps) {
  const { charter } = usePartnership()
  const attendees = useListEditor(editor, meeting, "attendees", () => newAttendee("", "", null))
  const me = identity.value
  const present = me !== null && hasAttendee(meeting, me.name)

  const addMe = () => {
    if (!me) return
    const attendee = newAttendee(me.name, me.organisation, matchPartner(charter, me.organisation))
    editor.handle.change((d) => void addAttendeeOnce(d, attendee))
  }

  const choosePartner = (item: Attendee, partnerId: string | null) => {
    // The organisation is filled in with the partner's own name, never a placeholder.
    const name = partnerId ? str(findById(charter.partners, partnerId)?.name).trim() : ""
    editor.handle.change((d) => setAttendeePartner(d, str(item.id), partnerId ?? "", name))
  }

  const columns: Column<Attendee>[] = [
    {
      label: t("name"),
      cell: (item) => (
        <TextField
          label={t("name")}
          value={str(item.name)}
          autoFocus={str(item.id) === attendees.added}
          testId="attendee-name"
          onCommit={(v) => attendees.set(item, "name", scalar(v))}
        />
      ),
    },
    {
      label: t("organisation"),
      cell: (item) => (
        <TextField
          label={t("organisation")}
          value={str(item.organisation)}
          testId="attendee-organisation"
          onCommit={(v) => attendees.set(item, "organisation", scalar(v))}
        />
      ),
    },
    {
      label: t("partner"),
      cell: (item) => (
        <PartnerSelect
          label={t("partner")}
          partners={charter.partners}
          value={item.partnerId}
          none={t("notAPartner")}
          testId="attendee-partner"
          onChange={(v) => choosePartner(item, v)}
        />
      ),
    },
  ]

  return (
    <ListSection
      list={attendees}
      title={t("attendees")}
      columns={columns}
      itemName={(item) => str(item.name) || t("attendee")}
      empty={t("attendeesEmpty")}
      addLabel={t("addAttendee")}
      addTestId="add-attendee"
      rowTestId="attendee"
      buttonsTestId="attendee"
      tools={
        me && (
          <button type="button" onClick={addMe} disabled={present} data-testid="im-here">
            {present ? t("alreadyHere") : t("imHere")}
          </button>
        )
      }
    />
  )
}

// The meeting's agenda: items in order, with presenter, planned minutes and
// whether each is done.
import type { AgendaItem } from "../generated/model"
import { list, num, scalar, str } from "../model/values"
import { CheckboxField, TextField } from "../ui/fields"
import { parseMinutes, plannedMinutes } from "./agenda"
import { newAgendaItem } from "./items"
import { ItemTable, RowButtons, type Column } from "./ItemTable"
import { MeetingSection, useAdded, type SectionProps } from "./MeetingSection"
import { t } from "./messages"

/** Edits the agenda. */
export function AgendaSection({ editor, meeting }: SectionProps) {
  const items = list(meeting.agenda)
  const [added, add] = useAdded(() => {
    const item = newAgendaItem("")
    editor.add("agenda", item)
    return str(item.id)
  })
  const name = (item: AgendaItem) => str(item.title) || t("agendaItem")
  const columns: Column<AgendaItem>[] = [
    {
      label: t("agendaTitle"),
      class: "col-wide",
      cell: (item) => (
        <TextField
          label={t("agendaTitle")}
          value={str(item.title)}
          autoFocus={str(item.id) === added}
          testId="agenda-title"
          onCommit={(v) => editor.set("agenda", str(item.id), "title", scalar(v))}
        />
      ),
    },
    {
      label: t("presenter"),
      cell: (item) => (
        <TextField
          label={t("presenter")}
          value={str(item.presenter)}
          testId="agenda-presenter"
          onCommit={(v) => editor.set("agenda", str(item.id), "presenter", scalar(v))}
        />
      ),
    },
    {
      label: t("minutes"),
      class: "col-number",
      cell: (item) => (
        <TextField
          label={t("minutes")}
          type="number"
          min={0}
          value={String(num(item.durationMinutes) ?? "")}
          testId="agenda-minutes"
          onCommit={(v) => editor.set("agenda", str(item.id), "durationMinutes", parseMinutes(v))}
        />
      ),
    },
    {
      label: t("done"),
      class: "col-check",
      cell: (item) => (
        <CheckboxField
          label={t("done")}
          checked={item.done === true}
          testId="agenda-done"
          onChange={(done) => editor.set("agenda", str(item.id), "done", done)}
        />
      ),
    },
    {
      label: t("itemActions"),
      class: "col-buttons",
      cell: (item, index) => (
        <RowButtons
          name={name(item)}
          first={index === 0}
          last={index === items.length - 1}
          testId="agenda"
          onUp={() => editor.move("agenda", str(item.id), -1)}
          onDown={() => editor.move("agenda", str(item.id), 1)}
          onRemove={() => editor.remove("agenda", str(item.id))}
        />
      ),
    },
  ]
  const total = plannedMinutes(items)
  return (
    <MeetingSection
      id="agenda-heading"
      title={t("agenda")}
      addLabel={t("addAgendaItem")}
      addTestId="add-agenda-item"
      onAdd={add}
    >
      <ItemTable
        labelledBy="agenda-heading"
        columns={columns}
        items={items}
        itemKey={(item) => str(item.id)}
        empty={t("agendaEmpty")}
        rowTestId="agenda-item"
        rowProps={(item) => ({ class: item.done ? "is-done" : undefined })}
      />
      {total > 0 && <p class="muted section-note">{t("totalMinutes", { minutes: total })}</p>}
    </MeetingSection>
  )
}

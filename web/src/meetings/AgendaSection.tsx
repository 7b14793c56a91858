// The meeting's agenda: items in order, with presenter, planned minutes and
// whether each is done.
import type { AgendaItem } from "../generated/model"
import { num, scalar, str } from "../model/values"
import { CheckboxField, TextField } from "../ui/fields"
import { parseMinutes, plannedMinutes } from "./agenda"
import { newAgendaItem } from "./items"
import type { Column } from "./ItemTable"
import { ListSection, useListEditor, type SectionProps } from "./MeetingSection"
import { t } from "./messages"

/** Edits the agenda. */
export function AgendaSection({ editor, meeting }: SectionProps) {
  const agenda = useListEditor(editor, meeting, "agenda", () => newAgendaItem(""))
  const columns: Column<AgendaItem>[] = [
    {
      label: t("agendaTitle"),
      class: "col-wide",
      cell: (item) => (
        <TextField
          label={t("agendaTitle")}
          value={str(item.title)}
          autoFocus={str(item.id) === agenda.added}
          testId="agenda-title"
          onCommit={(v) => agenda.set(item, "title", scalar(v))}
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
          onCommit={(v) => agenda.set(item, "presenter", scalar(v))}
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
          onCommit={(v) => agenda.set(item, "durationMinutes", parseMinutes(v))}
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
          onChange={(done) => agenda.set(item, "done", done)}
        />
      ),
    },
  ]
  const total = plannedMinutes(agenda.items)
  return (
    <ListSection
      list={agenda}
      title={t("agenda")}
      columns={columns}
      itemName={(item) => str(item.title) || t("agendaItem")}
      ordered
      empty={t("agendaEmpty")}
      addLabel={t("addAgendaItem")}
      addTestId="add-agenda-item"
      rowTestId="agenda-item"
      buttonsTestId="agenda"
      rowProps={(item) => ({ class: item.done ? "is-done" : undefined })}
    >
      {total > 0 && <p class="muted section-note">{t("totalMinutes", { minutes: total })}</p>}
    </ListSection>
  )
}

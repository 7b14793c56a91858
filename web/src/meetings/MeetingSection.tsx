// One part of a meeting page (agenda, attendees, ...): a heading, a table of
// one of the meeting's lists with each item's move and delete buttons, and
// the button that adds an item. Each part says only which list, its columns
// and its words.
import type { ComponentChildren, HTMLAttributes } from "preact"
import { useState } from "preact/hooks"

import type { MeetingDocument } from "../generated/model"
import { list as listOf, optScalar, str } from "../model/values"
import { SelectField, type Choice } from "../ui/fields"
import type { MeetingEditor, MeetingItem, MeetingListName } from "./edit"
import { ItemTable, RowButtons, type Column } from "./ItemTable"
import { t } from "./messages"

/** What each part of a meeting page gets. */
export type SectionProps = {
  /** Writes into the meeting document. */
  editor: MeetingEditor
  /** The meeting as it is now. */
  meeting: MeetingDocument
}

/** One of the meeting's lists, as its part of the page edits it. */
export type ListEditor<L extends MeetingListName> = {
  /** Which list. */
  name: L
  /** The items, in order. */
  items: readonly MeetingItem<L>[]
  /** The id of the item just added here (its first field takes the focus). */
  added: string | null
  /** Appends a new item. */
  add: () => void
  /** Sets one field of an item. */
  set<K extends keyof MeetingItem<L> & string>(item: MeetingItem<L>, key: K, value: MeetingItem<L>[K]): void
  /** Deletes an item. */
  remove: (item: MeetingItem<L>) => void
  /** Moves an item by `delta` places (-1: up). */
  move: (item: MeetingItem<L>, delta: number) => void
}

/** The {@link ListEditor} of the list `name` of `meeting`; `create` makes a new item. */
export function useListEditor<L extends MeetingListName>(
  editor: MeetingEditor,
  meeting: MeetingDocument,
  name: L,
  create: () => MeetingItem<L>,
): ListEditor<L> {
  const [added, setAdded] = useState<string | null>(null)
  const add = () => {
    const item = create()
    editor.add(name, item)
    setAdded(str(item.id))
  }
  return {
    name,
    items: listOf<MeetingItem<L>>(meeting[name]),
    added,
    add,
    set: (item, key, value) => editor.set(name, str(item.id), key, value),
    remove: (item) => editor.remove(name, str(item.id)),
    move: (item, delta) => editor.move(name, str(item.id), delta),
  }
}

/**
 * The part of the page that edits `list`: its heading, the table of its
 * items (the given columns, then each item's buttons), `children`, and the
 * add button with `tools` beside it.
 */
export function ListSection<L extends MeetingListName>(props: {
  /** The list. */
  list: ListEditor<L>
  /** The heading. */
  title: string
  /** The columns before the buttons. */
  columns: Column<MeetingItem<L>>[]
  /** What an item is called, for its buttons' accessible names. */
  itemName: (item: MeetingItem<L>) => string
  /** Whether items can be moved up and down (the list's order matters). */
  ordered?: boolean
  /** Shown instead of the table when there are no items. */
  empty: string
  /** The add button's label. */
  addLabel: string
  /** The add button's test id. */
  addTestId: string
  /** Each row's test id. */
  rowTestId: string
  /** The prefix of each row's buttons' test ids (see {@link RowButtons}). */
  buttonsTestId: string
  /** Extra attributes for each row (classes, data-). */
  rowProps?: (item: MeetingItem<L>) => HTMLAttributes<HTMLTableRowElement>
  /** Buttons shown next to the add button. */
  tools?: ComponentChildren
  /** Shown after the table. */
  children?: ComponentChildren
}) {
  const { list, ordered } = props
  const heading = `${list.name}-heading`
  const buttons: Column<MeetingItem<L>> = {
    label: t("itemActions"),
    class: "col-buttons",
    cell: (item, index) => (
      <RowButtons
        name={props.itemName(item)}
        first={index === 0}
        last={index === list.items.length - 1}
        testId={props.buttonsTestId}
        onUp={ordered ? () => list.move(item, -1) : undefined}
        onDown={ordered ? () => list.move(item, 1) : undefined}
        onRemove={() => list.remove(item)}
      />
    ),
  }
  return (
    <section class="meeting-section" aria-labelledby={heading}>
      <h3 id={heading}>{props.title}</h3>
      <ItemTable
        labelledBy={heading}
        columns={[...props.columns, buttons]}
        items={list.items}
        itemKey={(item) => str(item.id)}
        empty={props.empty}
        rowTestId={props.rowTestId}
        rowProps={props.rowProps}
      />
      {props.children}
      <div class="section-tools">
        <button type="button" class="secondary" data-testid={props.addTestId} onClick={list.add}>
          {props.addLabel}
        </button>
        {props.tools}
      </div>
    </section>
  )
}

/** The column choosing the charter goal an item (a decision, an action item) concerns. */
export function goalColumn<L extends "decisions" | "actions">(
  list: ListEditor<L>,
  goals: Choice[],
  testId: string,
): Column<MeetingItem<L>> {
  return {
    label: t("goal"),
    cell: (item) => (
      <SelectField
        label={t("goal")}
        value={str(item.goalId)}
        choices={goals}
        none={t("noGoal")}
        testId={testId}
        onChange={(v) => list.set(item, "goalId", optScalar(v))}
      />
    ),
  }
}

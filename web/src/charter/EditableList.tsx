// A list of items the partners add to, edit and delete together. The list
// owns focus: an added item's first field gets it, and after a delete it
// goes to the "add" button, so keyboard users never lose their place.
import type { ComponentChildren, VNode } from "preact"
import { useRef, useState } from "preact/hooks"

import type { Identified } from "../model/lists"
import { str } from "../model/values"
import { useAutoFocus } from "../ui/fields"
import { t } from "./messages"

/** What an item's rendering gets from its list. */
export type ItemContext = {
  /** Whether the item was just added here (focus its first field). */
  isNew: boolean
  /** Deletes the item and moves focus to the list's add button. */
  remove: () => void
  /** Moves the item one place up (-1) or down (+1), when the list can be reordered. */
  move?: (by: -1 | 1) => void
  /** Whether the item is first / last (for disabling moves). */
  first: boolean
  last: boolean
}

/** Props of {@link EditableList}. */
export type EditableListProps<T extends Identified> = {
  /** The items, in document order. */
  items: readonly T[]
  /** The list's accessible name. */
  label: string
  /** The add button's text. */
  addLabel: string
  /** Shown when there are no items. */
  emptyText: string
  /** Adds an item to the document; returns its id. */
  onAdd: () => string
  /** Deletes the item with this id from the document. */
  onRemove: (id: string) => void
  /** Moves the item with this id; the list offers Move up / Move down when given. */
  onMove?: (id: string, by: -1 | 1) => void
  /** Renders one item. */
  renderItem: (item: T, context: ItemContext) => ComponentChildren
  /** Class of the list element. */
  class?: string
  /** Test id of each item. */
  itemTestId?: string
  /** Test id of the add button. */
  addTestId?: string
}

/** An editable list of identified items with an add button. */
export function EditableList<T extends Identified>(props: EditableListProps<T>): VNode {
  const { items, onRemove, onMove } = props
  const [added, setAdded] = useState<string | null>(null)
  const addButton = useRef<HTMLButtonElement>(null)
  return (
    <div class="editable-list">
      {items.length === 0 ? (
        <p class="muted empty">{props.emptyText}</p>
      ) : (
        <ul class={props.class ? `items ${props.class}` : "items"} aria-label={props.label}>
          {items.map((item, index) => {
            const id = str(item.id)
            const context: ItemContext = {
              isNew: id === added,
              remove: () => {
                onRemove(id)
                addButton.current?.focus()
              },
              move: onMove && ((by) => onMove(id, by)),
              first: index === 0,
              last: index === items.length - 1,
            }
            return (
              <li key={id} class="item" data-testid={props.itemTestId}>
                {props.renderItem(item, context)}
              </li>
            )
          })}
        </ul>
      )}
      <button
        ref={addButton}
        type="button"
        class="secondary add-button"
        data-testid={props.addTestId}
        onClick={() => setAdded(props.onAdd())}
      >
        + {props.addLabel}
      </button>
    </div>
  )
}

/** Props of {@link ItemActions}. */
export type ItemActionsProps = {
  /** The item's list context. */
  context: ItemContext
  /** The item's name, for the buttons' accessible names. */
  name: string
  /** A test id for the delete button. */
  deleteTestId?: string
  /** Replaces deleting at once (e.g. to ask first). */
  onDelete?: () => void
  /** The delete button's text ("Delete" unless given). */
  deleteText?: string
  /** Focuses the delete button when the actions appear (back from a confirmation). */
  focusDelete?: boolean
}

/** Move up / Move down (when the list is ordered) and Delete buttons for an item. */
export function ItemActions({ context, name, deleteTestId, onDelete, deleteText = t("delete"), focusDelete }: ItemActionsProps) {
  const item = name.trim() || t("untitled")
  // The accessible name starts with the visible text, so voice control finds the button.
  const named = (action: string) => t("itemAction", { action, item })
  const up = useRef<HTMLButtonElement>(null)
  const down = useRef<HTMLButtonElement>(null)
  const del = useRef<HTMLButtonElement>(null)
  useAutoFocus(del, focusDelete)
  const { move } = context
  // Keep focus on the moved item's button (or its other one, at the list's end).
  const moveBy = (by: -1 | 1) => {
    move?.(by)
    setTimeout(() => {
      const [same, other] = by < 0 ? [up, down] : [down, up]
      const target = same.current && !same.current.disabled ? same.current : other.current
      target?.focus()
    })
  }
  return (
    <div class="item-actions">
      {move && (
        <>
          <button ref={up} type="button" class="secondary" disabled={context.first} aria-label={named(t("moveUp"))} onClick={() => moveBy(-1)}>
            <span aria-hidden="true">↑ </span>
            {t("moveUp")}
          </button>
          <button ref={down} type="button" class="secondary" disabled={context.last} aria-label={named(t("moveDown"))} onClick={() => moveBy(1)}>
            <span aria-hidden="true">↓ </span>
            {t("moveDown")}
          </button>
        </>
      )}
      <button
        ref={del}
        type="button"
        class="danger"
        aria-label={named(deleteText)}
        data-testid={deleteTestId}
        onClick={onDelete ?? context.remove}
      >
        {deleteText}
      </button>
    </div>
  )
}

// The labelled form fields every section uses: bound to a value of the shared
// document (text, number, date, choice, checkbox), or to an adding form's
// own state (FormField).
export { CheckboxField, type CheckboxFieldProps } from "./CheckboxField"
export { enumChoices, enumSpec, isOneOf, labelOf, withCurrent, type Choice, type EnumSpec } from "./choices"
export { DateField, type DateFieldProps } from "./DateField"
export { COMMIT_DELAY_MS, useDraft, type Draft } from "./draft"
export { useAutoFocus, type FieldProps } from "./Field"
export { FormField, type FormFieldProps } from "./FormField"
export { NumberField, numberInput, numberProblem, type NumberFieldProps } from "./NumberField"
export { PartnerSelect, partnerChoices, partnerName, type PartnerSelectProps } from "./PartnerSelect"
export { EnumSelect, SelectField, type EnumSelectProps, type SelectFieldProps } from "./SelectField"
export { TextField, type TextFieldProps } from "./TextField"

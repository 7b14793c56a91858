import { defineMessages } from "../../i18n"

/** Messages of the shared form fields. */
export const t = defineMessages({
  en: {
    none: "—",
    unknownValue: "{value} (unknown)",
    unknownPartner: "A partner no longer in the charter",
    unnamedPartner: "Unnamed partner",
    notANumber: "Enter a number, for example 12.5",
  },
  id: {
    none: "—",
    unknownValue: "{value} (tidak dikenal)",
    unknownPartner: "Mitra yang sudah tidak ada di piagam",
    unnamedPartner: "Mitra tanpa nama",
    notANumber: "Masukkan angka, misalnya 12,5",
  },
})

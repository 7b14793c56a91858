import { defineMessages } from "../i18n"

/** Messages of the client's core (session, device data). */
export const t = defineMessages({
  en: {
    signOutLosesEdits: "Edits not yet on the server will be lost on this device. Sign out anyway?",
  },
  id: {
    signOutLosesEdits: "Perubahan yang belum sampai ke server akan hilang dari perangkat ini. Tetap keluar?",
  },
})

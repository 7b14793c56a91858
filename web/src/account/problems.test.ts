import { afterEach, describe, expect, it } from "vitest"

import { ApiError } from "../app/api"
import { locale } from "../i18n"
import { checkAccount, describeError } from "./problems"

afterEach(() => {
  locale.value = "en"
})

const good = { username: "ayu", password: "12345678", display_name: "Ayu Lestari", organisation: "Yayasan Air" }

describe("checkAccount", () => {
  it("accepts what the server accepts", () => {
    expect(checkAccount(good)).toBeNull()
    expect(checkAccount(good, "12345678")).toBeNull()
    expect(checkAccount({ ...good, username: "  ayu  " })).toBeNull()
  })

  it("names the first field in form order that the server would refuse", () => {
    expect(checkAccount({ ...good, username: "ayu lestari" })).toEqual({ field: "username", message: "problemUsername" })
    expect(checkAccount({ ...good, username: "x".repeat(65) })?.field).toBe("username")
    expect(checkAccount({ ...good, username: " " })?.field).toBe("username")
    expect(checkAccount({ ...good, password: "1234567" })).toEqual({ field: "password", message: "problemPassword" })
    expect(checkAccount(good, "1234567x")).toEqual({ field: "confirm", message: "problemPasswordMismatch" })
    expect(checkAccount({ ...good, display_name: "  " })?.field).toBe("name")
    expect(checkAccount({ ...good, organisation: "o".repeat(201) })?.field).toBe("organisation")
    expect(checkAccount({ ...good, username: "", password: "" })?.field).toBe("username")
  })

  it("counts characters, not bytes", () => {
    expect(checkAccount({ ...good, password: "kataсандi" })).toBeNull()
    expect(checkAccount({ ...good, organisation: "é".repeat(200) })).toBeNull()
  })
})

describe("describeError", () => {
  it("says what the API's codes mean, in the interface's language", () => {
    const wrong = new ApiError(401, "invalid_credentials", "wrong username or password")
    expect(describeError(wrong)).toBe("Wrong username or password.")
    expect(describeError(wrong, { invalid_credentials: "setupBadSecret" })).toMatch(/setup link is not right/)
    expect(describeError(new ApiError(410, "invitation_used", "used"))).toMatch(/already been used/)
    expect(describeError(new ApiError(429, "rate_limited", "slow down"))).toMatch(/Too many attempts/)
    locale.value = "id"
    expect(describeError(wrong)).toBe("Nama pengguna atau kata sandi salah.")
  })

  it("tells the network apart, with the meaning of being offline where it matters", () => {
    const offline = new ApiError(0, "network", "fetch failed")
    expect(describeError(offline)).toMatch(/cannot be reached/)
    expect(describeError(offline, { offline: "offlineCreate" })).toMatch(/when you are back online/)
  })

  it("gives the server's detail for invalid input and unknown codes", () => {
    expect(describeError(new ApiError(400, "invalid_input", "a username has 1 to 64 characters"))).toMatch(
      /a username has 1 to 64 characters/,
    )
    expect(describeError(new ApiError(418, "teapot", "short and stout"))).toMatch(/short and stout/)
    expect(describeError(new Error("boom"))).toMatch(/boom/)
  })
})

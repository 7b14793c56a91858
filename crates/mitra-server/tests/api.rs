//! The JSON HTTP API under `/api/` against a real server on loopback with
//! `auth = required` and a real access store: setup, signing in and out,
//! rate limits, cross-site refusals, invitations, members, tokens,
//! claiming documents before their first sync, history, audit, and open
//! mode. Syncing over `/sync` with the cookies and tokens the API hands
//! out proves they are the real thing.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use automerge::sync::State as SyncState;
use common::access::*;
use common::*;
use mitra_access::{ManualClock, Role};
use mitra_server::config::TrustedProxies;
use serde_json::{Value, json};

const PASSWORD: &str = "a long enough password";

/// Completes setup through the API: the owner's browser, signed in, and
/// the answer (`Me`).
async fn set_up(server: &TestServer) -> (Api, Value) {
    let secret = store(server).setup_token().await.unwrap().unwrap();
    let mut owner = Api::browser(server);
    let response = owner
        .post(
            "/api/setup",
            json!({
                "setup_secret": secret.expose(),
                "username": "ayu",
                "password": PASSWORD,
                "display_name": "Ayu Lestari",
                "organisation": "Yayasan Air",
                "partnership_name": "Kemitraan Air Bersih",
            }),
        )
        .await;
    expect(&response, 201);
    owner.keep_cookie(&response);
    (owner, response.json())
}

/// Creates a user in the store and signs them in through the API.
async fn signed_in(server: &TestServer, username: &str, name: &str, org: &str) -> (Api, Value) {
    create_user(server, username, PASSWORD, name, org).await;
    let mut api = Api::browser(server);
    let response = api.sign_in(username, PASSWORD).await;
    expect(&response, 200);
    api.keep_cookie(&response);
    (api, response.json())
}

/// The `account` of an invitation accepted by someone new.
fn account(username: &str, password: &str, display_name: &str, organisation: &str) -> Value {
    json!({
        "username": username,
        "password": password,
        "display_name": display_name,
        "organisation": organisation,
    })
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

/// A partnership of `owner`'s, created through the API; returns its id.
async fn new_partnership(owner: &Api, name: &str) -> String {
    let response = owner
        .post("/api/partnerships", json!({ "name": name }))
        .await;
    expect(&response, 201);
    let body = response.json();
    assert_eq!(body["name"], name);
    assert_eq!(body["role"], "owner");
    assert_eq!(body["charter"], Value::Null);
    id_of(&body)
}

/// Invites a new account to `partnership` with `role` and accepts; returns
/// the new member's signed-in browser and user id.
async fn invite_new(
    server: &TestServer,
    owner: &Api,
    partnership: &str,
    role: &str,
    username: &str,
) -> (Api, String) {
    let invitation = owner.invite(partnership, json!({ "role": role })).await;
    expect(&invitation, 201);
    let mut member = Api::browser(server);
    let accepted = member
        .accept(
            &invitation.json()["secret"],
            Some(account(
                username,
                PASSWORD,
                &format!("{username} display"),
                &format!("{username} org"),
            )),
        )
        .await;
    expect(&accepted, 200);
    member.keep_cookie(&accepted);
    let user = id_of(&accepted.json()["user"]);
    (member, user)
}

#[tokio::test]
async fn setup_signs_in_the_first_owner_who_takes_over_partnerships_without_members() {
    let server = start_required().await;
    let anonymous = Api::browser(&server);
    let me = anonymous.get("/api/me").await;
    expect_error(&me, 401, "unauthenticated");
    assert_eq!(me.json()["setup_needed"], true);
    assert_eq!(
        anonymous.get("/api/setup").await.json(),
        json!({ "needed": true })
    );
    // The demo the server made before anyone existed.
    let demo = store(&server)
        .create_partnership_as_system("Demo")
        .await
        .unwrap();

    let secret = store(&server).setup_token().await.unwrap().unwrap();
    let mut body = json!({
        "setup_secret": "mitra_setup_WrongGuess123",
        "username": "ayu",
        "password": PASSWORD,
        "display_name": "Ayu Lestari",
        "organisation": "Yayasan Air",
        "partnership_name": "Kemitraan Air Bersih",
    });
    let wrong = anonymous.post("/api/setup", body.clone()).await;
    expect_error(&wrong, 401, "invalid_credentials");
    assert!(wrong.header("set-cookie").is_none());

    body["setup_secret"] = json!(secret.expose());
    let done = anonymous.post("/api/setup", body.clone()).await;
    expect(&done, 201);
    let cookie = done.header("set-cookie").unwrap();
    let value = session_cookie_of(&done).unwrap();
    assert!(value.starts_with("mitra_ses_"), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
        assert!(
            cookie.split("; ").any(|p| p == part),
            "{part} missing: {cookie}"
        );
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let me = done.json();
    assert_eq!(me["auth"], "required");
    assert_eq!(me["user"]["username"], "ayu");
    assert_eq!(me["user"]["display_name"], "Ayu Lestari");
    assert_eq!(me["user"]["organisation"], "Yayasan Air");
    let partnerships = me["partnerships"].as_array().unwrap();
    let names: Vec<&str> = partnerships
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{me}");
    assert!(names.contains(&"Demo") && names.contains(&"Kemitraan Air Bersih"));
    assert!(partnerships.iter().all(|p| p["role"] == "owner"));

    // The cookie signs the owner in.
    let mut owner = Api::browser(&server);
    owner.keep_cookie(&done);
    let again = owner.get("/api/me").await;
    expect(&again, 200);
    assert_eq!(again.json(), me);
    // Setup is single use.
    body["username"] = json!("budi");
    expect_error(&anonymous.post("/api/setup", body).await, 409, "conflict");
    assert_eq!(
        anonymous.get("/api/setup").await.json(),
        json!({ "needed": false })
    );
    assert_eq!(anonymous.get("/api/me").await.json()["setup_needed"], false);

    // The adoption is audited.
    let audit = owner
        .get(&format!("/api/partnerships/{}/audit", demo.id))
        .await;
    expect(&audit, 200);
    let events = audit.json();
    let added = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "member_added")
        .unwrap()
        .clone();
    assert_eq!(added["details"]["via"], "setup");
    assert_eq!(
        added["actor"],
        format!("user:{}", me["user"]["id"].as_str().unwrap())
    );
    assert_not_logged(&[secret.expose(), &value, PASSWORD]);
}

#[tokio::test]
async fn the_cookie_is_secure_behind_https() {
    let server =
        start_required_with(|c| c.public_url = Some("https://mitra.example.org/".into())).await;
    create_user(&server, "sari", PASSWORD, "Sari", "Sekolah").await;
    let mut api = Api::browser(&server);
    api.origin = Some("https://mitra.example.org".into());
    let response = api.sign_in("sari", PASSWORD).await;
    expect(&response, 200);
    let cookie = response.header("set-cookie").unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    // The browser's own host is not the public origin.
    api.origin = Some(format!("http://{}", server.addr));
    let response = api.sign_in("sari", PASSWORD).await;
    expect_error(&response, 403, "foreign_origin");
}

#[tokio::test]
async fn behind_a_tls_proxy_the_cookie_is_secure_and_links_are_https() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let partnership = me["partnerships"][0]["id"].as_str().unwrap().to_owned();
    create_user(&server, "sari", PASSWORD, "Sari", "Sekolah").await;
    // Caddy (the Compose `https` profile) says the browser came over https.
    let mut api = Api::browser(&server);
    api.extra_headers = vec![("X-Forwarded-Proto".into(), "https".into())];
    let response = api.sign_in("sari", PASSWORD).await;
    expect(&response, 200);
    let cookie = response.header("set-cookie").unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");

    let mut owner = owner;
    owner.extra_headers = vec![("X-Forwarded-Proto".into(), "https".into())];
    let invitation = owner
        .invite(&partnership, json!({ "role": "editor" }))
        .await;
    expect(&invitation, 201);
    let link = invitation.json()["link"].as_str().unwrap().to_owned();
    assert_eq!(
        link.split("/#/").next(),
        Some(format!("https://{}", server.addr).as_str()),
        "{link}"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_and_closes_its_socket() {
    let server = start_required().await;
    let (owner, _) = set_up(&server).await;

    let mut browser = Api::browser(&server);
    let wrong = browser.sign_in("ayu", "not the password").await;
    expect_error(&wrong, 401, "invalid_credentials");
    let unknown = browser.sign_in("nobody-here", PASSWORD).await;
    expect_error(&unknown, 401, "invalid_credentials");
    assert_eq!(wrong.json()["message"], unknown.json()["message"]);

    let signed = browser.sign_in("AYU", PASSWORD).await;
    expect(&signed, 200);
    assert_eq!(signed.json()["user"]["username"], "ayu");
    browser.keep_cookie(&signed);
    assert_ne!(browser.cookie, owner.cookie, "a session per sign-in");

    // The session syncs.
    let mut socket = join_with_cookie(&server, &browser.session()).await;
    let id = random_document_id();
    socket
        .upload(id, &mut document_with("k", "v"), &mut SyncState::new())
        .await
        .unwrap();
    // The other session of the same user stays.
    let mut other = join_with_cookie(&server, &owner.session()).await;

    let out = browser.delete("/api/session").await;
    expect(&out, 204);
    let cleared = out.header("set-cookie").unwrap();
    assert!(cleared.starts_with("mitra_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_closed_within(&mut socket, Duration::from_secs(1), 1008, "access revoked").await;
    other
        .expect_silence(Duration::from_millis(200))
        .await
        .unwrap();

    // The cookie no longer authenticates, and the API clears it.
    let stale = browser.get("/api/me").await;
    expect_error(&stale, 401, "unauthenticated");
    assert_eq!(session_cookie_of(&stale).as_deref(), Some(""));
    let cookie = format!("mitra_session={}", browser.cookie.as_deref().unwrap());
    assert_eq!(
        upgrade_status_with(&server, "/sync", None, Some(&cookie)).await,
        401
    );
    // Signing out again is harmless.
    expect(&browser.delete("/api/session").await, 204);
    expect(&owner.get("/api/me").await, 200);
    assert_not_logged(&[
        PASSWORD,
        "not the password",
        "nobody-here",
        browser.cookie.as_deref().unwrap(),
    ]);
}

#[tokio::test]
async fn failed_attempts_from_one_address_are_rate_limited() {
    let server = start_required().await;
    let (owner, _) = set_up(&server).await;
    let browser = Api::browser(&server);
    // Ten different usernames (one username alone is limited after five,
    // see below).
    for i in 0..10 {
        let wrong = browser
            .sign_in(&format!("ayu{i}"), "guess guess guess")
            .await;
        expect_error(&wrong, 401, "invalid_credentials");
    }
    // Now even the right password waits, and so do other secrets.
    let limited = browser.sign_in("ayu", PASSWORD).await;
    expect_error(&limited, 429, "rate_limited");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let invitation = browser.inspect("mitra_inv_x").await;
    expect_error(&invitation, 429, "rate_limited");
    // WebSocket upgrades from the same address share the count.
    assert_eq!(
        upgrade_status(&server, "/sync?token=mitra_tok_guess", None).await,
        429
    );
    // A signed-in browser keeps working, even from the limited address,
    // and so does a valid API token.
    expect(&owner.get("/api/me").await, 200);
    let p = owner.get("/api/me").await.json()["partnerships"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let created = owner.create_token(&p, "script", "viewer").await;
    expect(&created, 201);
    let token = created.json()["secret"].as_str().unwrap().to_owned();
    expect(&Api::script(&server, &token).get("/api/me").await, 200);
    assert_eq!(
        upgrade_status(&server, &format!("/sync?token={token}"), None).await,
        101
    );
    // An unknown token from it is refused as limited.
    expect_error(
        &Api::script(&server, "mitra_tok_guess").get("/api/me").await,
        429,
        "rate_limited",
    );
    assert!(logged().contains("sign-in with a wrong username or password refused"));
    assert_not_logged(&["guess guess guess"]);
}

#[tokio::test]
async fn one_username_is_limited_after_five_failures_from_any_address() {
    let server = start_required_with(|c| {
        // The tests' loopback address plays a reverse proxy.
        c.trusted_proxies = TrustedProxies::parse_list("127.0.0.1").unwrap();
    })
    .await;
    let (_owner, _) = set_up(&server).await;
    for (username, name) in [("dewi-target", "Dewi"), ("budi", "Budi")] {
        create_user(&server, username, PASSWORD, name, "Org").await;
    }
    let from = |address: &str| {
        let mut api = Api::browser(&server);
        api.extra_headers = vec![("X-Forwarded-For".into(), address.into())];
        api
    };
    // Five guesses, each from another address (IPv4 and IPv6 alike).
    for (i, address) in [
        "198.51.100.1",
        "198.51.100.2",
        "2001:db8:1::1",
        "2001:db8:2::1",
        "203.0.113.5",
    ]
    .iter()
    .enumerate()
    {
        let username = if i % 2 == 0 {
            "dewi-target"
        } else {
            " DEWI-Target "
        };
        let wrong = from(address).sign_in(username, "guess number {i}").await;
        expect_error(&wrong, 401, "invalid_credentials");
    }
    // Now that username waits, even with the right password from a fresh
    // address; the owner of another username does not.
    let limited = from("192.0.2.200").sign_in("dewi-target", PASSWORD).await;
    expect_error(&limited, 429, "rate_limited");
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((14 * 60..=15 * 60).contains(&retry), "{retry}");
    let other = from("192.0.2.200").sign_in("budi", PASSWORD).await;
    expect(&other, 200);
    // A successful sign-in clears a username's count.
    for _ in 0..4 {
        let wrong = from("192.0.2.201").sign_in("budi", "not it").await;
        expect_error(&wrong, 401, "invalid_credentials");
    }
    expect(&from("192.0.2.201").sign_in("budi", PASSWORD).await, 200);
    for _ in 0..4 {
        let wrong = from("192.0.2.202").sign_in("budi", "not it").await;
        expect_error(&wrong, 401, "invalid_credentials");
    }
    // The username typed is never logged; a tag follows the account.
    assert!(logged().contains("too many failed sign-ins for one username"));
    assert_not_logged(&["dewi-target", "DEWI-Target", "guess number"]);
}

#[tokio::test]
async fn a_non_ascii_public_url_does_not_break_sign_in() {
    for public_url in ["http://ü-partner.example", "https://ü-partner.example/"] {
        let server = start_required_with(|c| c.public_url = Some(public_url.into())).await;
        create_user(&server, "sari", PASSWORD, "Sari", "Sekolah").await;
        let mut api = Api::browser(&server);
        // A script (no Origin) signs in; the cookie is Secure only for https.
        api.origin = None;
        let response = api.sign_in("sari", PASSWORD).await;
        expect(&response, 200);
        let cookie = response.header("set-cookie").unwrap();
        assert_eq!(
            cookie.ends_with("; Secure"),
            public_url.starts_with("https"),
            "{cookie}"
        );
        // A browser's Origin that is not the (unnormalised) URL is refused,
        // never a panic; `mitra` normalises public_url to punycode.
        api.origin = Some("https://evil.example".into());
        let refused = api.sign_in("sari", PASSWORD).await;
        expect_error(&refused, 403, "foreign_origin");
    }
}

#[tokio::test]
async fn sign_ins_and_invitation_lookups_are_limited_even_when_they_succeed() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let p = id_of(&me["partnerships"][0]);
    let invitation = owner.invite(&p, json!({ "role": "viewer" })).await;
    let secret = invitation.json()["secret"].clone();
    let anonymous = Api::browser(&server);
    // Setup above was one attempt.
    for i in 1..30 {
        let seen = anonymous.inspect(&secret).await;
        assert_eq!(seen.status, 200, "attempt {i}: {seen:?}");
    }
    let limited = anonymous.inspect(&secret).await;
    expect_error(&limited, 429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    let sign_in = anonymous.sign_in("ayu", PASSWORD).await;
    expect_error(&sign_in, 429, "rate_limited");
}

#[tokio::test]
async fn change_requests_from_another_site_are_refused() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let p = id_of(&me["partnerships"][0]);

    let mut evil = owner.clone();
    evil.origin = Some("http://evil.example".into());
    let refused = evil
        .post("/api/partnerships", json!({ "name": "Hijacked" }))
        .await;
    expect_error(&refused, 403, "foreign_origin");
    expect_error(&evil.delete("/api/session").await, 403, "foreign_origin");
    // Reading is fine (the browser keeps the answer from the other site).
    expect(&evil.get("/api/me").await, 200);
    // Sign-in from another site is refused too (no login CSRF).
    let mut stranger = Api::browser(&server);
    stranger.origin = Some("https://evil.example".into());
    expect_error(
        &stranger.sign_in("ayu", PASSWORD).await,
        403,
        "foreign_origin",
    );

    // Same origin, or no Origin at all (not a browser): accepted.
    expect(
        &owner
            .post("/api/partnerships", json!({ "name": "Own" }))
            .await,
        201,
    );
    let mut curl = owner.clone();
    curl.origin = None;
    expect(
        &curl
            .post("/api/partnerships", json!({ "name": "Curl" }))
            .await,
        201,
    );

    // An API token is never attached by a browser: no Origin check.
    let token = owner.create_token(&p, "sensor", "editor").await;
    let mut script = Api::script(&server, token.json()["secret"].as_str().unwrap());
    script.origin = Some("http://evil.example".into());
    let claimed = script.claim(&p, random_document_id().to_string()).await;
    expect(&claimed, 201);
}

#[tokio::test]
async fn bodies_must_be_json_and_small() {
    let server = start_required().await;
    let (owner, _) = set_up(&server).await;
    let form = owner
        .send_raw(
            "POST",
            "/api/partnerships",
            Some("name=Form"),
            Some("application/x-www-form-urlencoded"),
        )
        .await;
    expect_error(&form, 415, "unsupported_media_type");
    let untyped = owner
        .send_raw("POST", "/api/partnerships", Some("{\"name\":\"X\"}"), None)
        .await;
    expect_error(&untyped, 415, "unsupported_media_type");
    let charset = owner
        .send_raw(
            "POST",
            "/api/partnerships",
            Some("{\"name\":\"Typed\"}"),
            Some("application/json; charset=utf-8"),
        )
        .await;
    expect(&charset, 201);

    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(70 * 1024));
    let too_large = owner
        .send_raw(
            "POST",
            "/api/partnerships",
            Some(&big),
            Some("application/json"),
        )
        .await;
    expect_error(&too_large, 413, "too_large");
    // Without a declared length (chunked), the limit holds while reading.
    let chunk = "y".repeat(70 * 1024);
    let request = format!(
        "POST /api/partnerships HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Origin: http://{addr}\r\nCookie: mitra_session={cookie}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
         {len:x}\r\n{chunk}\r\n0\r\n\r\n",
        addr = server.addr,
        cookie = owner.cookie.as_deref().unwrap(),
        len = chunk.len(),
    );
    let chunked = http_request(server.addr, &request).await.unwrap();
    assert_eq!(chunked.status, 413, "{chunked:?}");

    let broken = owner
        .send_raw(
            "POST",
            "/api/partnerships",
            Some("{\"name\":"),
            Some("application/json"),
        )
        .await;
    expect_error(&broken, 400, "invalid_input");
    let missing = owner
        .post("/api/partnerships", json!({ "title": "X" }))
        .await;
    expect_error(&missing, 400, "invalid_input");
    assert!(missing.json()["message"].as_str().unwrap().contains("name"));
    let empty_name = owner
        .post("/api/partnerships", json!({ "name": "  " }))
        .await;
    expect_error(&empty_name, 400, "invalid_input");

    expect_error(&owner.get("/api/nothing-here").await, 404, "not_found");
    let wrong_method = owner.delete("/api/me").await;
    expect_error(&wrong_method, 405, "method_not_allowed");
    assert_eq!(wrong_method.header("allow"), Some("GET, PATCH"));
}

#[tokio::test]
async fn an_invited_person_creates_an_account_joins_and_syncs() {
    let clock = ManualClock::starting_now();
    let server = start_required_with(|c| c.access_options = clocked(&clock)).await;
    let (owner, me) = set_up(&server).await;
    let p = id_of(&me["partnerships"][0]);

    // The owner writes the charter over /sync with the session cookie.
    let charter = random_document_id();
    let mut owner_socket = join_with_cookie(&server, &owner.session()).await;
    let mut charter_doc = document_with("purpose", "Clean water for every school");
    owner_socket
        .upload(charter, &mut charter_doc, &mut SyncState::new())
        .await
        .unwrap();
    let set = owner
        .put(
            &format!("/api/partnerships/{p}/charter"),
            json!({ "document": charter.url() }),
        )
        .await;
    expect(&set, 200);
    assert_eq!(set.json()["charter"], charter.to_string());

    let created = owner
        .invite(&p, json!({ "role": "editor", "expires_in_hours": 48 }))
        .await;
    expect(&created, 201);
    let invitation = created.json();
    let secret = invitation["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("mitra_inv_"));
    assert_eq!(
        invitation["link"],
        format!("http://{}/#/invite/{secret}", server.addr)
    );
    assert_eq!(invitation["role"], "editor");

    // Anyone with the link sees what it offers.
    let anonymous = Api::browser(&server);
    let inspected = anonymous.inspect(&secret).await;
    expect(&inspected, 200);
    let offer = inspected.json();
    assert_eq!(offer["partnership"]["id"], p);
    assert_eq!(offer["partnership"]["name"], "Kemitraan Air Bersih");
    assert_eq!(offer["role"], "editor");
    assert_eq!(offer["status"], "pending");
    assert_eq!(offer["expires_at"], invitation["expires_at"]);

    // Not signed in and no account: nothing happens.
    let no_account = anonymous.accept(&secret, None).await;
    expect_error(&no_account, 400, "invalid_input");
    let mut newcomer = Api::browser(&server);
    let accepted = newcomer
        .accept(
            &secret,
            Some(account(
                "budi",
                "budi's own password",
                "Budi Santoso",
                "Sekolah Hijau",
            )),
        )
        .await;
    expect(&accepted, 200);
    newcomer.keep_cookie(&accepted);
    let budi = accepted.json();
    assert_eq!(budi["user"]["display_name"], "Budi Santoso");
    assert_eq!(budi["partnerships"][0]["id"], p);
    assert_eq!(budi["partnerships"][0]["role"], "editor");
    assert_eq!(budi["partnerships"][0]["charter"], charter.to_string());

    // The new member reads and edits the charter over /sync.
    let mut socket = join_with_cookie(&server, &newcomer.session()).await;
    let mut doc = socket.fetch_document(charter).await.unwrap();
    assert_eq!(
        get_str(&doc, "purpose").as_deref(),
        Some("Clean water for every school")
    );
    put(&mut doc, "purpose", "Clean water and air for every school");
    let mut state = SyncState::new();
    socket.upload(charter, &mut doc, &mut state).await.unwrap();
    let document = newcomer.get(&format!("/api/documents/{charter}")).await;
    expect(&document, 200);
    assert_eq!(document.json()["partnership"]["id"], p);
    assert_eq!(document.json()["role"], "editor");
    // History: who delivered what, as the server attests it.
    let history = newcomer
        .get(&format!("/api/documents/{charter}/history"))
        .await;
    expect(&history, 200);
    let changes = history.json()["changes"].as_array().unwrap().clone();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0]["display_name"], "Ayu Lestari");
    assert_eq!(changes[0]["organisation"], "Yayasan Air");
    assert_eq!(changes[1]["display_name"], "Budi Santoso");
    assert_eq!(changes[1]["organisation"], "Sekolah Hijau");
    assert_eq!(changes[1]["user_id"], budi["user"]["id"]);
    assert_eq!(changes[1]["token_id"], Value::Null);
    let last = doc.get_last_local_change().unwrap().hash().to_string();
    assert_eq!(changes[1]["hash"], last);

    // Single use.
    let again = anonymous
        .accept(&secret, Some(account("late", PASSWORD, "Late", "Org")))
        .await;
    expect_error(&again, 410, "invitation_used");
    assert!(
        store(&server)
            .user_by_username("late")
            .await
            .unwrap()
            .is_none()
    );
    let used = anonymous.inspect(&secret).await;
    assert_eq!(used.json()["status"], "used");
    expect_error(
        &anonymous.inspect("mitra_inv_unknown").await,
        404,
        "not_found",
    );

    // Revoked and expired invitations.
    let revoked = owner.invite(&p, json!({ "role": "viewer" })).await.json();
    let revoke = owner
        .delete(&format!(
            "/api/partnerships/{p}/invitations/{}",
            id_of(&revoked)
        ))
        .await;
    expect(&revoke, 204);
    let short = owner
        .invite(&p, json!({ "role": "viewer", "expires_in_hours": 1 }))
        .await
        .json();
    clock.advance(Duration::from_secs(2 * 3600));
    let account = account("sari", PASSWORD, "Sari", "Dinas");
    expect_error(
        &anonymous
            .accept(&revoked["secret"], Some(account.clone()))
            .await,
        410,
        "invitation_revoked",
    );
    expect_error(
        &anonymous.accept(&short["secret"], Some(account)).await,
        410,
        "invitation_expired",
    );
    // A signed-in person joins with the same call, without an account.
    let (sari, _) = signed_in(&server, "sari2", "Sari Dua", "Dinas").await;
    let fresh = owner.invite(&p, json!({ "role": "viewer" })).await.json();
    let joined = sari.accept(&fresh["secret"], None).await;
    expect(&joined, 200);
    assert_eq!(joined.json()["partnerships"][0]["role"], "viewer");
    assert!(joined.header("set-cookie").is_none());

    let listed = owner
        .get(&format!("/api/partnerships/{p}/invitations"))
        .await;
    expect(&listed, 200);
    let statuses: Vec<Value> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        vec![
            json!("used"),
            json!("revoked"),
            json!("expired"),
            json!("used")
        ]
    );
    assert!(
        !listed.body.contains("mitra_inv_"),
        "secrets are shown once"
    );
    // Only owners manage invitations.
    expect_error(
        &newcomer
            .get(&format!("/api/partnerships/{p}/invitations"))
            .await,
        403,
        "forbidden",
    );
    owner_socket.close().await;
    assert_not_logged(&[
        &secret,
        "budi's own password",
        newcomer.cookie.as_deref().unwrap(),
    ]);
}

#[tokio::test]
async fn owners_change_roles_and_remove_members_but_keep_an_owner() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let p = id_of(&me["partnerships"][0]);
    let owner_id = id_of(&me["user"]);
    let (editor, editor_id) = invite_new(&server, &owner, &p, "editor", "eka").await;
    let (viewer, viewer_id) = invite_new(&server, &owner, &p, "viewer", "vina").await;

    let members = editor.get(&format!("/api/partnerships/{p}/members")).await;
    expect(&members, 200);
    let listed: Vec<(Value, Value)> = members
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user"]["username"].clone(), m["role"].clone()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (json!("ayu"), json!("owner")),
            (json!("eka"), json!("editor")),
            (json!("vina"), json!("viewer")),
        ]
    );

    // Editors change nothing about members.
    expect_error(
        &editor.set_role(&p, &viewer_id, "editor").await,
        403,
        "forbidden",
    );
    expect_error(&editor.remove_member(&p, &owner_id).await, 403, "forbidden");
    // Owners do.
    let promoted = owner.set_role(&p, &viewer_id, "editor").await;
    expect(&promoted, 200);
    assert_eq!(promoted.json()["role"], "editor");
    assert_eq!(promoted.json()["user"]["id"], viewer_id);
    expect_error(
        &owner.set_role(&p, &viewer_id, "emperor").await,
        400,
        "invalid_input",
    );
    // The last owner can neither be demoted nor removed.
    expect_error(
        &owner.set_role(&p, &owner_id, "editor").await,
        409,
        "conflict",
    );
    expect_error(&owner.remove_member(&p, &owner_id).await, 409, "conflict");

    // Removing a member closes their live socket within a second.
    let mut socket = join_with_cookie(&server, &editor.session()).await;
    let removed = owner.remove_member(&p, &editor_id).await;
    expect(&removed, 204);
    assert_closed_within(&mut socket, Duration::from_secs(1), 1008, "access revoked").await;
    // The partnership is now invisible to them.
    expect_error(
        &editor.get(&format!("/api/partnerships/{p}")).await,
        404,
        "not_found",
    );
    expect_error(&owner.remove_member(&p, &editor_id).await, 404, "not_found");
    // A member may leave on their own.
    expect(&viewer.remove_member(&p, &viewer_id).await, 204);
    let left = owner.get(&format!("/api/partnerships/{p}/members")).await;
    assert_eq!(left.json().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn api_tokens_are_created_listed_and_revoked_by_owners() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let p = id_of(&me["partnerships"][0]);
    let (editor, _) = invite_new(&server, &owner, &p, "editor", "eka").await;

    expect_error(
        &editor.create_token(&p, "x", "viewer").await,
        403,
        "forbidden",
    );
    expect_error(
        &owner.create_token(&p, "boss", "owner").await,
        400,
        "invalid_input",
    );
    let created = owner.create_token(&p, "air sensor", "editor").await;
    expect(&created, 201);
    let token = created.json();
    let secret = token["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("mitra_tok_"));
    assert_eq!(token["label"], "air sensor");
    assert_eq!(token["role"], "editor");

    let listed = owner.get(&format!("/api/partnerships/{p}/tokens")).await;
    expect(&listed, 200);
    let tokens = listed.json();
    assert_eq!(tokens.as_array().unwrap().len(), 1);
    assert_eq!(tokens[0]["id"], token["id"]);
    assert_eq!(tokens[0]["revoked_at"], Value::Null);
    assert_eq!(
        tokens[0]["created_by"],
        format!("user:{}", id_of(&me["user"]))
    );
    assert!(!listed.body.contains(&secret));

    // The token syncs (query parameter or Bearer), and its changes are
    // attributed to it.
    let mut socket = RawClient::join_at(&server, &format!("/sync?token={secret}"))
        .await
        .unwrap();
    let id = random_document_id();
    socket
        .upload(id, &mut document_with("pm25", "12"), &mut SyncState::new())
        .await
        .unwrap();
    let script = Api::script(&server, &secret);
    let history = script.get(&format!("/api/documents/{id}/history")).await;
    expect(&history, 200);
    let change = &history.json()["changes"][0];
    assert_eq!(change["token_id"], token["id"]);
    assert_eq!(change["user_id"], Value::Null);
    assert_eq!(change["display_name"], "air sensor");
    // On the API a token is itself, in its partnership only, and manages nothing.
    let me_token = script.get("/api/me").await;
    expect(&me_token, 200);
    assert_eq!(me_token.json()["user"], Value::Null);
    assert_eq!(me_token.json()["token"]["id"], token["id"]);
    assert_eq!(me_token.json()["partnerships"][0]["id"], p);
    expect(
        &script.get(&format!("/api/partnerships/{p}/members")).await,
        200,
    );
    for path in ["tokens", "audit", "invitations"] {
        expect_error(
            &script.get(&format!("/api/partnerships/{p}/{path}")).await,
            403,
            "forbidden",
        );
    }
    expect_error(
        &script
            .post("/api/partnerships", json!({ "name": "Mine" }))
            .await,
        403,
        "forbidden",
    );
    let elsewhere = new_partnership(&owner, "Elsewhere").await;
    expect_error(
        &script.get(&format!("/api/partnerships/{elsewhere}")).await,
        404,
        "not_found",
    );

    // Revoked: the live socket closes, and the secret stops working.
    let revoked = owner
        .delete(&format!("/api/partnerships/{p}/tokens/{}", id_of(&token)))
        .await;
    expect(&revoked, 204);
    assert_closed_within(&mut socket, Duration::from_secs(1), 1008, "access revoked").await;
    assert_eq!(
        upgrade_status(&server, &format!("/sync?token={secret}"), None).await,
        401
    );
    expect_error(&script.get("/api/me").await, 401, "unauthenticated");
    let listed = owner.get(&format!("/api/partnerships/{p}/tokens")).await;
    assert!(listed.json()[0]["revoked_at"].is_string());
    // A token of another partnership is not found under this one.
    expect_error(
        &owner
            .delete(&format!(
                "/api/partnerships/{elsewhere}/tokens/{}",
                id_of(&token)
            ))
            .await,
        404,
        "not_found",
    );
    assert_not_logged(&[&secret]);
}

#[tokio::test]
async fn bearer_tokens_open_sync_too() {
    let server = start_required().await;
    let p = partnership(&server, "Scripts").await;
    let (_, secret) = token(&server, &p, Role::Viewer).await;
    let bearer = format!("Bearer {}", secret.expose());
    assert_eq!(
        upgrade_status_headers(&server, "/sync", &[("Authorization", &bearer)]).await,
        101
    );
}

#[tokio::test]
async fn a_member_of_two_partnerships_claims_a_new_document_before_syncing_it() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let first = id_of(&me["partnerships"][0]);
    let second = new_partnership(&owner, "Kemitraan Udara").await;
    let mut socket = join_with_cookie(&server, &owner.session()).await;

    // Unclaimed, a new document has no partnership to go to.
    let unclaimed = random_document_id();
    socket
        .offer(unclaimed, &document_with("title", "where do I go?"))
        .await
        .unwrap();
    socket.expect_unavailable(unclaimed).await;

    let id = random_document_id();
    let claimed = owner.claim(&second, id.to_string()).await;
    expect(&claimed, 201);
    assert_eq!(
        claimed.json(),
        json!({ "document": id.to_string(), "partnership": second, "role": "owner" })
    );
    // Idempotent; the URL form is the same document.
    expect(&owner.claim(&second, id.url()).await, 200);
    // Not also in the other partnership.
    expect_error(&owner.claim(&first, id.to_string()).await, 409, "conflict");
    expect_error(
        &owner.claim(&second, "not-a-document").await,
        400,
        "invalid_input",
    );

    // Now the sync goes through, into the chosen partnership.
    let mut doc = document_with("title", "Rencana udara bersih");
    socket
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    assert_eq!(
        store(&server)
            .document_partnership(&id.to_string())
            .await
            .unwrap()
            .map(|p| p.to_string()),
        Some(second.clone())
    );
    let seen = owner.get(&format!("/api/documents/{id}")).await;
    expect(&seen, 200);
    // The URL form works too, escaped as a browser's encodeURIComponent does.
    let escaped = format!("/api/documents/automerge%3A{id}");
    assert_eq!(owner.get(&escaped).await.json(), seen.json());
    assert_eq!(seen.json()["partnership"]["id"], second);
    assert_eq!(seen.json()["partnership"]["name"], "Kemitraan Udara");
    assert_eq!(seen.json()["role"], "owner");

    // A viewer cannot claim; strangers do not see the document at all.
    let (viewer, _) = invite_new(&server, &owner, &second, "viewer", "vina").await;
    expect_error(
        &viewer
            .claim(&second, random_document_id().to_string())
            .await,
        403,
        "forbidden",
    );
    expect(&viewer.get(&format!("/api/documents/{id}")).await, 200);
    let (stranger, _) = signed_in(&server, "orang", "Orang Lain", "Lain").await;
    expect_error(
        &stranger.get(&format!("/api/documents/{id}")).await,
        404,
        "not_found",
    );
    expect_error(
        &stranger.get(&format!("/api/documents/{id}/history")).await,
        404,
        "not_found",
    );
    expect_error(
        &stranger
            .get(&format!("/api/documents/{}", random_document_id()))
            .await,
        404,
        "not_found",
    );
    expect_error(
        &stranger.get(&format!("/api/partnerships/{second}")).await,
        404,
        "not_found",
    );
    // An id that exists without a partnership (from before access control)
    // is the operator's to assign, not anyone's to claim.
    let existing = random_document_id();
    server
        .shared
        .storage
        .append(&existing, document_with("k", "v").save())
        .await
        .unwrap();
    expect_error(
        &owner.claim(&second, existing.to_string()).await,
        409,
        "conflict",
    );
    assert_eq!(
        store(&server)
            .document_partnership(&existing.to_string())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn the_profile_and_password_change() {
    let server = start_required().await;
    let (owner, _) = set_up(&server).await;
    let patched = owner
        .patch("/api/me", json!({ "organisation": "Yayasan Air Bersih" }))
        .await;
    expect(&patched, 200);
    assert_eq!(patched.json()["user"]["display_name"], "Ayu Lestari");
    assert_eq!(patched.json()["user"]["organisation"], "Yayasan Air Bersih");

    let wrong = owner
        .post(
            "/api/me/password",
            json!({ "current": "not it at all", "new": "a brand new password" }),
        )
        .await;
    expect_error(&wrong, 401, "invalid_credentials");
    let mut socket = join_with_cookie(&server, &owner.session()).await;
    let changed = owner
        .post(
            "/api/me/password",
            json!({ "current": PASSWORD, "new": "a brand new password" }),
        )
        .await;
    expect(&changed, 204);
    let (code, _) = closed_within(&mut socket, Duration::from_secs(1)).await;
    assert_eq!(code, 1008);
    expect_error(&owner.get("/api/me").await, 401, "unauthenticated");
    let mut renewed = owner.clone();
    renewed.keep_cookie(&changed);
    expect(&renewed.get("/api/me").await, 200);
    let browser = Api::browser(&server);
    expect(&browser.sign_in("ayu", "a brand new password").await, 200);
    assert_not_logged(&["a brand new password", "not it at all"]);
}

#[tokio::test]
async fn owners_read_the_audit_log_as_json_and_csv() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let p = id_of(&me["partnerships"][0]);
    let (editor, editor_id) = invite_new(&server, &owner, &p, "editor", "eka").await;
    owner.create_token(&p, "sensor", "viewer").await;

    let audit = owner.get(&format!("/api/partnerships/{p}/audit")).await;
    expect(&audit, 200);
    assert_eq!(audit.header("content-type"), Some("application/json"));
    let kinds: Vec<Value> = audit
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            json!("setup_completed"),
            json!("partnership_created"),
            json!("member_added"),
            json!("invitation_created"),
            json!("invitation_accepted"),
            json!("member_added"),
            json!("token_created"),
        ]
    );
    let accepted = &audit.json()[4];
    assert_eq!(accepted["actor"], format!("user:{editor_id}"));
    assert!(accepted["at"].as_str().unwrap().ends_with('Z'));
    assert!(!audit.body.contains("mitra_tok_") && !audit.body.contains("mitra_inv_"));

    let csv = owner
        .get(&format!("/api/partnerships/{p}/audit?format=csv"))
        .await;
    expect(&csv, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        csv.header("content-disposition"),
        Some(format!("attachment; filename=\"mitra-audit-{p}.csv\"").as_str())
    );
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some("id,at,actor,partnership,kind,details"));
    assert_eq!(lines.count(), 7);
    let download = owner
        .get(&format!("/api/partnerships/{p}/audit?format=json"))
        .await;
    expect(&download, 200);
    assert_eq!(download.json(), audit.json());
    assert_eq!(
        download.header("content-disposition"),
        Some(format!("attachment; filename=\"mitra-audit-{p}.json\"").as_str())
    );
    assert!(audit.header("content-disposition").is_none());
    expect_error(
        &owner
            .get(&format!("/api/partnerships/{p}/audit?format=xml"))
            .await,
        400,
        "invalid_input",
    );
    expect_error(
        &editor.get(&format!("/api/partnerships/{p}/audit")).await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn every_documented_endpoint_answers() {
    let server = start_required().await;
    let (owner, me) = set_up(&server).await;
    let p = id_of(&me["partnerships"][0]);
    let u = id_of(&me["user"]);
    let d = random_document_id();
    let endpoints = [
        ("GET", "/api/me".to_owned()),
        ("PATCH", "/api/me".to_owned()),
        ("POST", "/api/me/password".to_owned()),
        ("GET", "/api/setup".to_owned()),
        ("POST", "/api/setup".to_owned()),
        ("POST", "/api/session".to_owned()),
        ("POST", "/api/partnerships".to_owned()),
        ("GET", format!("/api/partnerships/{p}")),
        ("PUT", format!("/api/partnerships/{p}/charter")),
        ("POST", format!("/api/partnerships/{p}/documents")),
        ("GET", format!("/api/documents/{d}")),
        ("GET", format!("/api/documents/{d}/history")),
        ("GET", format!("/api/partnerships/{p}/members")),
        ("PUT", format!("/api/partnerships/{p}/members/{u}")),
        ("GET", format!("/api/partnerships/{p}/invitations")),
        ("POST", format!("/api/partnerships/{p}/invitations")),
        ("DELETE", format!("/api/partnerships/{p}/invitations/{u}")),
        ("POST", "/api/invitations/inspect".to_owned()),
        ("POST", "/api/invitations/accept".to_owned()),
        ("GET", format!("/api/partnerships/{p}/tokens")),
        ("POST", format!("/api/partnerships/{p}/tokens")),
        ("DELETE", format!("/api/partnerships/{p}/tokens/{u}")),
        ("GET", format!("/api/partnerships/{p}/audit")),
        ("DELETE", format!("/api/partnerships/{p}/members/{u}")),
        ("DELETE", "/api/session".to_owned()),
    ];
    // Every other method on these paths is 405, with the right `Allow`.
    for (_, path) in &endpoints {
        let documented: Vec<&str> = endpoints
            .iter()
            .filter(|(_, p)| p == path)
            .map(|(m, _)| *m)
            .collect();
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if documented.contains(&method) {
                continue;
            }
            let response = owner.send(method, path, Some(&json!({}))).await;
            expect_error(&response, 405, "method_not_allowed");
            let mut allowed: Vec<&str> = response.header("allow").unwrap().split(", ").collect();
            let mut expected = documented.clone();
            allowed.sort_unstable();
            expected.sort_unstable();
            assert_eq!(allowed, expected, "{path}");
        }
    }
    for (method, path) in endpoints {
        let body = (method != "GET" && method != "DELETE").then(|| json!({}));
        let response = owner.send(method, &path, body.as_ref()).await;
        assert!(
            response.status != 405
                && !response.body.contains("endpoint not found")
                && response.status < 500,
            "{method} {path}: {response:?}"
        );
    }
}

#[tokio::test]
async fn a_failing_access_store_answers_503_and_is_logged() {
    let server = start_required().await;
    let (owner, _) = set_up(&server).await;
    store(&server).close().await;
    let response = owner.get("/api/me").await;
    expect_error(&response, 503, "unavailable");
    let sign_in = Api::browser(&server).sign_in("ayu", PASSWORD).await;
    expect_error(&sign_in, 503, "unavailable");
    assert!(logged().contains("API request failed"));
}

#[tokio::test]
async fn open_mode_answers_only_who_am_i() {
    let server = TestServer::start().await;
    let api = Api::browser(&server);
    let me = api.get("/api/me").await;
    expect(&me, 200);
    assert_eq!(me.json(), json!({ "auth": "open" }));
    for (method, path) in [
        ("GET", "/api/setup"),
        ("POST", "/api/session"),
        ("GET", "/api/partnerships/x"),
        ("GET", "/api/anything"),
    ] {
        let response = api.send(method, path, Some(&json!({}))).await;
        expect_error(&response, 404, "auth_disabled");
    }
}

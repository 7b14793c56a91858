//! Access control in the sync layer (`auth = required`): the upgrade is
//! authenticated, every document message is checked against the access
//! store, viewers cannot change anything, and revocation closes live
//! connections within a second.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use automerge::sync::{Message as SyncMessage, State as SyncState};
use automerge::{Automerge, ReadDoc};
use common::access::{self as access, *};
use common::*;
use mitra_access::{AccessOptions, AccessStore, Actor, ManualClock, Role, Secret};
use mitra_protocol::{DocumentId, Message};
use mitra_server::AuthMode;
use mitra_server::config::TrustedProxies;
use tokio::time::Instant;

#[tokio::test]
async fn upgrades_without_valid_credentials_get_401_and_the_token_is_never_logged() {
    let server = start_required().await;
    assert_eq!(upgrade_status(&server, "/sync", None).await, 401);
    let bogus = "mitra_tok_NotARealTokenButSecretAnyway1234567890";
    assert_eq!(
        upgrade_status(&server, &format!("/sync?token={bogus}"), None).await,
        401
    );
    // A raw request: the 401 carries no protocol message, just text.
    let response = http_request(
        server.addr,
        &format!(
            "GET /sync?token={bogus} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\n\
             Connection: close\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
            server.addr
        ),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 401);
    assert!(response.body.contains("authentication required"));
    assert!(server.metric("mitra_errors_total{kind=\"auth_failed\"}") >= 2.0);
    assert!(server.metric("mitra_errors_total{kind=\"auth_missing\"}") >= 1.0);

    // A valid token connects, and neither it nor the bad one is logged.
    let p = partnership(&server, "Logged").await;
    let (_, secret) = token(&server, &p, Role::Editor).await;
    let client = join_with_token(&server, &secret).await;
    client.close().await;
    let logs = logged();
    assert!(logs.contains("without valid credentials"), "{logs}");
    assert!(!logs.contains(bogus), "a presented token was logged");
    assert!(!logs.contains(secret.expose()), "a valid token was logged");
    assert!(
        !logs.contains("mitra_tok_"),
        "something token-like was logged: {:?}",
        logs.lines()
            .filter(|l| l.contains("mitra_tok_"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_foreign_origin_is_refused_with_403() {
    let server = start_required().await;
    let p = partnership(&server, "Origins").await;
    let (_, secret) = token(&server, &p, Role::Editor).await;
    let path = token_path(&secret);
    assert_eq!(
        upgrade_status(&server, &path, Some("http://evil.example")).await,
        403
    );
    let own = format!("http://{}", server.addr);
    assert_eq!(upgrade_status(&server, &path, Some(&own)).await, 101);
    assert_eq!(upgrade_status(&server, &path, None).await, 101);

    let mut with_public =
        start_required_with(|c| c.public_url = Some("https://mitra.example.org".into())).await;
    let p = partnership(&with_public, "Public").await;
    let (_, secret) = token(&with_public, &p, Role::Viewer).await;
    let path = token_path(&secret);
    assert_eq!(
        upgrade_status(&with_public, &path, Some("https://mitra.example.org")).await,
        101
    );
    assert_eq!(upgrade_status(&with_public, &path, Some(&own)).await, 403);
    with_public.stop().await.0.unwrap();
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_rate_limited() {
    let server = start_required().await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        statuses
            .push(upgrade_status(&server, &format!("/sync?token=mitra_tok_bad{i}"), None).await);
    }
    assert!(statuses[..10].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[11], 429, "{statuses:?}");
}

#[tokio::test]
async fn a_partnership_never_sees_another_partnerships_documents() {
    let server = start_required().await;
    let a = partnership(&server, "A").await;
    let b = partnership(&server, "B").await;
    let (info_a, token_a) = token(&server, &a, Role::Editor).await;
    let (_, token_b) = token(&server, &b, Role::Editor).await;

    // An editor of A creates a document: it joins A.
    let mut alice = join_with_token(&server, &token_a).await;
    let id = random_document_id();
    let mut doc = document_with("title", "A's secret plan");
    alice
        .upload(id, &mut doc, &mut SyncState::new())
        .await
        .unwrap();
    assert_eq!(partnership_of(&server, id).await, Some(a.clone()));
    // Every change it accepted is attributed to the token that delivered it.
    let history = store(&server).history(&id.to_string()).await.unwrap();
    let hashes: Vec<String> = doc
        .get_changes(&[])
        .iter()
        .map(|c| c.hash().to_string())
        .collect();
    assert_eq!(history.len(), hashes.len(), "{history:?}");
    for entry in &history {
        assert!(hashes.contains(&entry.change_hash));
        assert_eq!(entry.token_id.as_ref(), Some(&info_a.id));
        assert_eq!(entry.display_name, "test token");
    }

    // B cannot request it, sync it or send ephemeral messages for it.
    let mut bob = join_with_token(&server, &token_b).await;
    assert!(matches!(bob.fetch(id).await.unwrap(), Fetched::Unavailable));
    let forged = document_with("title", "B overwrites");
    bob.offer(id, &forged).await.unwrap();
    bob.expect_unavailable(id).await;
    bob.send_ephemeral(id, 1, vec![0xa0]).await.unwrap();
    // B's view is exactly that of a document that does not exist.
    let missing = random_document_id();
    assert!(matches!(
        bob.fetch(missing).await.unwrap(),
        Fetched::Unavailable
    ));
    bob.expect_silence(Duration::from_millis(300))
        .await
        .unwrap();
    // A heard nothing from B.
    for m in alice.drain(Duration::from_millis(500)).await {
        assert!(
            !matches!(m, Message::Ephemeral(_) | Message::Sync(_)),
            "A received {m:?}"
        );
    }
    // And the document is unchanged.
    let mut carol = join_with_token(&server, &token_a).await;
    let fetched = carol.fetch_document(id).await.unwrap();
    assert_eq!(
        get_str(&fetched, "title").as_deref(),
        Some("A's secret plan")
    );
    // B's own new document joins B, and A cannot see it.
    let id_b = random_document_id();
    let mut doc_b = document_with("title", "B's");
    bob.upload(id_b, &mut doc_b, &mut SyncState::new())
        .await
        .unwrap();
    assert_eq!(partnership_of(&server, id_b).await, Some(b));
    assert!(matches!(
        carol.fetch(id_b).await.unwrap(),
        Fetched::Unavailable
    ));
}

#[tokio::test]
async fn a_document_that_existed_before_access_control_is_unavailable_until_assigned() {
    let mut server = TestServer::start().await;
    let id = random_document_id();
    let mut open = RawClient::joined(&server).await.unwrap();
    open.upload(id, &mut document_with("k", "v"), &mut SyncState::new())
        .await
        .unwrap();
    open.close().await;
    server.config.auth = AuthMode::Required;
    server.restart().await;
    let a = partnership(&server, "Late").await;
    let (_, secret) = token(&server, &a, Role::Editor).await;
    let mut client = join_with_token(&server, &secret).await;
    // Not claimable by syncing: it exists.
    client
        .offer(id, &document_with("k", "hijack"))
        .await
        .unwrap();
    client.expect_unavailable(id).await;
    store(&server)
        .assign_document(&id.to_string(), &a)
        .await
        .unwrap();
    let mut fresh = join_with_token(&server, &secret).await;
    let fetched = fresh.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "k").as_deref(), Some("v"));
}

#[tokio::test]
async fn a_viewer_receives_documents_but_its_changes_are_never_applied_or_relayed() {
    let server = start_required().await;
    let a = partnership(&server, "Read only").await;
    let (_, editor) = token(&server, &a, Role::Editor).await;
    let (_, viewer) = token(&server, &a, Role::Viewer).await;

    let id = random_document_id();
    let mut editor_doc = document_with("title", "original");
    let mut editor_state = SyncState::new();
    let mut ed = join_with_token(&server, &editor).await;
    ed.upload(id, &mut editor_doc, &mut editor_state)
        .await
        .unwrap();

    // The viewer gets the document.
    let mut view = join_with_token(&server, &viewer).await;
    let mut viewer_doc = view.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&viewer_doc, "title").as_deref(), Some("original"));
    // A viewer cannot create documents either.
    let new_id = random_document_id();
    view.offer(new_id, &document_with("x", "y")).await.unwrap();
    view.expect_unavailable(new_id).await;

    // The viewer changes it and pushes the change in a sync message.
    put(&mut viewer_doc, "title", "defaced");
    let change = viewer_doc.get_last_local_change().unwrap().hash();
    let answers = view
        .push_refused_as_read_only(id, &viewer_doc, Duration::from_millis(800))
        .await;
    // Still connected, and the server's messages say read-only.
    for m in &answers {
        if let Message::Sync(m) = m {
            let decoded = SyncMessage::decode(&m.data).unwrap();
            assert!(!decoded.heads.contains(&change));
        }
    }

    // The editor received nothing carrying the change.
    for m in ed.drain(Duration::from_millis(300)).await {
        if let Message::Sync(m) = m {
            let decoded = SyncMessage::decode(&m.data).unwrap();
            assert!(decoded.changes.is_empty(), "a change was relayed");
            assert!(!decoded.heads.contains(&change));
        }
    }
    // It is not stored or applied: a fresh client sees the original.
    let mut other = join_with_token(&server, &editor).await;
    let fetched = other.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "title").as_deref(), Some("original"));
    assert!(fetched.get_change_by_hash(&change).is_none());
    // The editor still edits normally, and the viewer receives it.
    put(&mut editor_doc, "title", "edited");
    ed.upload(id, &mut editor_doc, &mut editor_state)
        .await
        .unwrap();
    let mut after = join_with_token(&server, &viewer).await;
    let fetched = after.fetch_document(id).await.unwrap();
    assert_eq!(get_str(&fetched, "title").as_deref(), Some("edited"));
}

#[tokio::test]
async fn revoking_a_token_closes_its_connections_within_a_second() {
    let server = start_required().await;
    let a = partnership(&server, "Revoked").await;
    let (info, secret) = token(&server, &a, Role::Editor).await;
    let (_, other) = token(&server, &a, Role::Editor).await;
    let mut client = join_with_token(&server, &secret).await;
    let mut bystander = join_with_token(&server, &other).await;
    store(&server)
        .revoke_token(&Actor::System, &info.id)
        .await
        .unwrap();
    assert_closed_within(&mut client, Duration::from_secs(1), 1008, "access revoked").await;
    bystander
        .expect_silence(Duration::from_millis(200))
        .await
        .unwrap();
    // And it no longer connects.
    assert_eq!(
        upgrade_status(&server, &token_path(&secret), None).await,
        401
    );
}

#[tokio::test]
async fn a_token_revoked_by_another_process_closes_its_connections_within_a_second() {
    let server = start_required().await;
    let a = partnership(&server, "Elsewhere").await;
    let (info, secret) = token(&server, &a, Role::Viewer).await;
    let mut client = join_with_token(&server, &secret).await;
    // Like `mitra token revoke`: a second store on the same file.
    let cli = AccessStore::open(server.dir.path()).await.unwrap();
    cli.revoke_token(&Actor::System, &info.id).await.unwrap();
    cli.close().await;
    assert_closed_within(
        &mut client,
        Duration::from_millis(1500),
        1008,
        "access revoked",
    )
    .await;
}

#[tokio::test]
async fn open_mode_needs_no_credentials() {
    let server = TestServer::start().await;
    assert!(server.shared.access.is_none());
    let mut client = RawClient::joined(&server).await.unwrap();
    let id: DocumentId = random_document_id();
    client
        .upload(id, &mut document_with("k", "v"), &mut SyncState::new())
        .await
        .unwrap();
}

/// A samod repo connected with `?token=`.
async fn samod_with(server: &TestServer, secret: &Secret) -> (samod::Repo, samod::DialerHandle) {
    let repo = samod::Repo::build_tokio().load().await;
    let url = samod::Url::parse(&format!("ws://{}{}", server.addr, token_path(secret))).unwrap();
    let dialer = repo
        .dial_websocket(
            url,
            samod::BackoffConfig {
                initial_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(500),
                max_retries: None,
            },
        )
        .unwrap();
    tokio::time::timeout(TIMEOUT, dialer.established())
        .await
        .expect("samod connects")
        .unwrap();
    (repo, dialer)
}

fn read(handle: &samod::DocHandle, key: &str) -> Option<String> {
    handle.with_document(|doc| get_str(doc, key))
}

fn write(handle: &samod::DocHandle, key: &str, value: &str) {
    handle.with_document(|doc| put(doc, key, value));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn samod_with_tokens_editors_share_viewers_read_and_strangers_see_nothing() {
    let server = start_required().await;
    let a = partnership(&server, "Samod A").await;
    let b = partnership(&server, "Samod B").await;
    let (_, editor) = token(&server, &a, Role::Editor).await;
    let (_, viewer) = token(&server, &a, Role::Viewer).await;
    let (_, stranger) = token(&server, &b, Role::Editor).await;

    let (alice, _a) = samod_with(&server, &editor).await;
    let mut doc = Automerge::new();
    put(&mut doc, "title", "from alice");
    let created = tokio::time::timeout(TIMEOUT, alice.create(doc))
        .await
        .unwrap()
        .unwrap();
    let id = created.document_id().clone();

    // The viewer finds it and follows live edits.
    let (vera, _v) = samod_with(&server, &viewer).await;
    let seen = tokio::time::timeout(TIMEOUT, vera.find(id.clone()))
        .await
        .unwrap()
        .unwrap()
        .expect("the viewer finds the document");
    eventually("the viewer reads it", || {
        read(&seen, "title").as_deref() == Some("from alice")
    })
    .await;
    // Its own edit stays its own.
    write(&seen, "title", "from vera");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(read(&created, "title").as_deref(), Some("from alice"));
    write(&created, "body", "more from alice");
    eventually("the viewer still receives edits", || {
        read(&seen, "body").as_deref() == Some("more from alice")
    })
    .await;
    assert_eq!(read(&created, "title").as_deref(), Some("from alice"));

    // Another partnership's editor does not find it.
    let (sam, _s) = samod_with(&server, &stranger).await;
    let found = tokio::time::timeout(TIMEOUT, sam.find(id.clone()))
        .await
        .unwrap()
        .unwrap();
    assert!(found.is_none(), "a stranger found the document");
    assert_eq!(read(&created, "title").as_deref(), Some("from alice"));
}

#[tokio::test]
async fn a_signed_in_member_syncs_by_cookie_and_is_closed_when_removed() {
    let server = start_required().await;
    let access = store(&server);
    let owner = create_user(
        &server,
        "owner",
        "long enough password",
        "Olivia Owner",
        "Dinas Lingkungan Hidup",
    )
    .await;
    let member = create_user(
        &server,
        "member",
        "another long password",
        "Budi Member",
        "Sekolah Hijau",
    )
    .await;
    let p = access
        .create_partnership(&owner.id, "Udara Bersih")
        .await
        .unwrap();
    access
        .add_member(
            &Actor::User(owner.id.clone()),
            &p.id,
            &member.id,
            Role::Editor,
        )
        .await
        .unwrap();
    let (_, session) = access.create_session(&member.id).await.unwrap();

    // The member creates a document; it joins their only partnership and
    // is attributed to them.
    let mut client = join_with_cookie(&server, &session).await;
    let id = random_document_id();
    client
        .upload(id, &mut document_with("k", "v"), &mut SyncState::new())
        .await
        .unwrap();
    assert_eq!(partnership_of(&server, id).await, Some(p.id.clone()));
    let history = access.history(&id.to_string()).await.unwrap();
    assert!(!history.is_empty());
    assert!(
        history
            .iter()
            .all(|h| h.user_id.as_ref() == Some(&member.id)
                && h.display_name == "Budi Member"
                && h.organisation == "Sekolah Hijau")
    );

    // A bad cookie is refused.
    assert_eq!(
        upgrade_status_with(
            &server,
            "/sync",
            None,
            Some("mitra_session=mitra_ses_forged")
        )
        .await,
        401
    );

    // Removing the member closes their connection within a second.
    access
        .remove_member(&Actor::User(owner.id.clone()), &p.id, &member.id)
        .await
        .unwrap();
    assert_closed_within(&mut client, Duration::from_secs(1), 1008, "access revoked").await;
}

/// A server behind a trusted reverse proxy: the tests' loopback address
/// plays the proxy, and `X-Forwarded-For` names the client.
async fn behind_proxy() -> TestServer {
    start_required_with(|c| {
        c.trusted_proxies = TrustedProxies::parse_list("127.0.0.1, ::1").unwrap()
    })
    .await
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_client_cannot_lock_out_the_others() {
    let server = behind_proxy().await;
    let p = partnership(&server, "Behind Caddy").await;
    let (_, secret) = token(&server, &p, Role::Editor).await;
    let user = create_user(&server, "sari", "long enough password", "Sari", "Sekolah").await;
    let (_, session) = store(&server).create_session(&user.id).await.unwrap();
    let cookie = access::cookie_header(&session);

    // One anonymous client guesses tokens until it is limited.
    let guesser = [("X-Forwarded-For", "198.51.100.66")];
    for i in 0..10 {
        let status =
            upgrade_status_headers(&server, &format!("/sync?token=mitra_tok_bad{i}"), &guesser)
                .await;
        assert_eq!(status, 401, "attempt {i}");
    }
    assert_eq!(
        upgrade_status_headers(&server, "/sync?token=mitra_tok_bad", &guesser).await,
        429
    );
    // Everyone else, behind the same proxy, still connects: a valid token,
    // a valid session, and even a wrong token is only 401.
    let other = [("X-Forwarded-For", "203.0.113.10")];
    assert_eq!(
        upgrade_status_headers(&server, &token_path(&secret), &other).await,
        101
    );
    let with_cookie = [("X-Forwarded-For", "203.0.113.11"), ("Cookie", &cookie)];
    assert_eq!(
        upgrade_status_headers(&server, "/sync", &with_cookie).await,
        101
    );
    assert_eq!(
        upgrade_status_headers(&server, "/sync?token=mitra_tok_typo", &other).await,
        401
    );
    // A valid credential is never refused for its address's failures:
    // not even from the limited client itself, nor through the API.
    assert_eq!(
        upgrade_status_headers(&server, &token_path(&secret), &guesser).await,
        101
    );
    let mut from_guesser = guesser.to_vec();
    from_guesser.push(("Cookie", &cookie));
    assert_eq!(
        upgrade_status_headers(&server, "/sync", &from_guesser).await,
        101
    );
    let mut script = access::Api::script(&server, secret.expose());
    script.extra_headers = vec![("X-Forwarded-For".into(), "198.51.100.66".into())];
    access::expect(&script.get("/api/me").await, 200);
    script.bearer = Some("mitra_tok_wrong".into());
    access::expect_error(&script.get("/api/me").await, 429, "rate_limited");
    // The client's address is what is logged.
    let logs = logged();
    assert!(
        logs.contains("198.51.100.66 via 127.0.0.1:"),
        "the forwarded client is logged"
    );
}

#[tokio::test]
async fn an_untrusted_peers_forwarded_for_is_ignored() {
    let server = start_required().await;
    // Without trusted proxies, a client cannot escape its limit by
    // claiming another address each time.
    for i in 0..10 {
        let claimed = format!("198.51.100.{i}");
        let status = upgrade_status_headers(
            &server,
            "/sync?token=mitra_tok_bad",
            &[("X-Forwarded-For", &claimed), ("X-Real-IP", &claimed)],
        )
        .await;
        assert_eq!(status, 401, "attempt {i}");
    }
    assert_eq!(
        upgrade_status_headers(
            &server,
            "/sync?token=mitra_tok_bad",
            &[("X-Forwarded-For", "203.0.113.99")]
        )
        .await,
        429
    );
    // Nor can it from a peer that is not the trusted proxy.
    let elsewhere = start_required_with(|c| {
        c.trusted_proxies = TrustedProxies::parse_list("10.9.9.9").unwrap()
    })
    .await;
    for i in 0..10 {
        let claimed = format!("198.51.100.{i}");
        upgrade_status_headers(
            &elsewhere,
            "/sync?token=mitra_tok_bad",
            &[("X-Forwarded-For", &claimed)],
        )
        .await;
    }
    assert_eq!(
        upgrade_status_headers(
            &elsewhere,
            "/sync?token=mitra_tok_bad",
            &[("X-Forwarded-For", "203.0.113.98")]
        )
        .await,
        429
    );
}

#[tokio::test]
async fn upgrades_without_credentials_are_refused_but_not_counted() {
    let server = start_required().await;
    // A signed-out browser retrying: 401 every time, never 429.
    for _ in 0..25 {
        assert_eq!(upgrade_status(&server, "/sync", None).await, 401);
    }
    assert_eq!(
        upgrade_status_with(&server, "/sync", None, Some("theme=dark")).await,
        401
    );
    assert!(server.metric("mitra_errors_total{kind=\"auth_missing\"}") >= 26.0);
    // Its address has no failure: ten wrong tokens still get 401 each.
    for i in 0..10 {
        assert_eq!(
            upgrade_status(&server, &format!("/sync?token=mitra_tok_bad{i}"), None).await,
            401,
            "attempt {i}"
        );
    }
    assert_eq!(
        upgrade_status(&server, "/sync?token=mitra_tok_bad", None).await,
        429
    );
    // A credential-less upgrade from a limited address is still just 401.
    assert_eq!(upgrade_status(&server, "/sync", None).await, 401);
}

#[tokio::test]
async fn a_sessions_socket_closes_when_the_session_expires() {
    let server = start_required_with(|c| {
        c.access_options = AccessOptions {
            session_lifetime: Duration::from_secs(2),
            ..AccessOptions::default()
        };
    })
    .await;
    let access = store(&server);
    let user = create_user(&server, "kurz", "long enough password", "Kurz", "Org").await;
    let p = access.create_partnership(&user.id, "Short").await.unwrap();
    let (_, token_secret) = token(&server, &p.id, Role::Editor).await;
    let started = Instant::now();
    let (_, session) = access.create_session(&user.id).await.unwrap();
    let mut client = join_with_cookie(&server, &session).await;
    // A token's connection does not expire.
    let mut script = join_with_token(&server, &token_secret).await;
    assert_closed_within(&mut client, Duration::from_secs(4), 1008, "session expired").await;
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "closed before the session ended: {:?}",
        started.elapsed()
    );
    script
        .expect_silence(Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(
        upgrade_status_with(
            &server,
            "/sync",
            None,
            Some(&format!("mitra_session={}", session.expose()))
        )
        .await,
        401
    );
}

#[tokio::test]
async fn a_session_expiring_by_the_stores_clock_closes_its_socket() {
    let clock = ManualClock::starting_now();
    let server = start_required_with(|c| c.access_options = clocked(&clock)).await;
    let access = store(&server);
    let user = create_user(&server, "lama", "long enough password", "Lama", "Org").await;
    access
        .create_partnership(&user.id, "Clocked")
        .await
        .unwrap();
    let (_, session) = access.create_session(&user.id).await.unwrap();
    let mut client = join_with_cookie(&server, &session).await;
    client
        .expect_silence(Duration::from_millis(600))
        .await
        .unwrap();
    // The store's clock passes the session's end (30 days).
    clock.advance(Duration::from_secs(31 * 24 * 3600));
    assert_closed_within(
        &mut client,
        Duration::from_millis(1500),
        1008,
        "session expired",
    )
    .await;
}

#[tokio::test]
async fn a_recheck_closes_sockets_whose_session_ended_unseen() {
    let server = start_required().await;
    let access = store(&server);
    let user = create_user(&server, "gone", "long enough password", "Gone", "Org").await;
    access
        .create_partnership(&user.id, "Rechecked")
        .await
        .unwrap();
    let (_, ended) = access.create_session(&user.id).await.unwrap();
    let (_, kept) = access.create_session(&user.id).await.unwrap();
    let mut ended_socket = join_with_cookie(&server, &ended).await;
    let mut kept_socket = join_with_cookie(&server, &kept).await;
    // Another process signs the session out: no change event reaches this
    // server (sign-outs are not in the audit log it polls).
    let cli = AccessStore::open(server.dir.path()).await.unwrap();
    assert!(cli.end_session(&ended).await.unwrap());
    cli.close().await;
    ended_socket
        .expect_silence(Duration::from_millis(700))
        .await
        .unwrap();
    // What the watcher does when its change channel lagged.
    mitra_server::auth::recheck_all(&server.shared, access).await;
    assert_closed_within(
        &mut ended_socket,
        Duration::from_secs(1),
        1008,
        "access revoked",
    )
    .await;
    kept_socket
        .expect_silence(Duration::from_millis(300))
        .await
        .unwrap();
}

#[tokio::test]
async fn nobody_kicks_another_accounts_connection_by_joining_with_its_peer_id() {
    let server = start_required().await;
    let a = partnership(&server, "Kick A").await;
    let b = partnership(&server, "Kick B").await;
    let (_, alice_token) = token(&server, &a, Role::Editor).await;
    let (_, mallory_token) = token(&server, &b, Role::Editor).await;
    let peer = unique_peer("alice-browser");

    let mut alice = access::connect_with(&server, &token_path(&alice_token), &[]).await;
    alice.join(&peer).await.unwrap();
    // Another token joins with Alice's peer id: refused, with a reason.
    let mut mallory = access::connect_with(&server, &token_path(&mallory_token), &[]).await;
    mallory
        .send(&Message::Join {
            sender_id: mitra_protocol::PeerId::new(peer.clone()),
            peer_metadata: mitra_protocol::PeerMetadata {
                storage_id: None,
                is_ephemeral: true,
            },
            supported_protocol_versions: Some(vec!["1".into()]),
        })
        .await
        .unwrap();
    let closed = mallory.expect_closed(TIMEOUT).await.unwrap();
    assert_eq!(closed.code, Some(1008), "{closed:?}");
    assert!(closed.reason.contains("peer id is in use"), "{closed:?}");
    assert!(
        closed.messages.iter().any(
            |m| matches!(m, Message::Error { message, .. } if message.contains("peer id is in use"))
        ),
        "{closed:?}"
    );
    assert!(
        !closed
            .messages
            .iter()
            .any(|m| matches!(m, Message::Peer { .. })),
        "{closed:?}"
    );
    // Alice is still connected and served.
    alice
        .expect_silence(Duration::from_millis(300))
        .await
        .unwrap();
    let id = random_document_id();
    alice
        .upload(id, &mut document_with("k", "v"), &mut SyncState::new())
        .await
        .unwrap();
    // Alice herself reconnecting (same token) replaces her old connection.
    let mut again = access::connect_with(&server, &token_path(&alice_token), &[]).await;
    again.join(&peer).await.unwrap();
    assert_closed_within(
        &mut alice,
        Duration::from_secs(1),
        1008,
        "replaced by a newer connection of the same peer",
    )
    .await;
    assert!(matches!(
        again.fetch(id).await.unwrap(),
        Fetched::Document(_)
    ));
}

#[tokio::test]
async fn a_refused_sync_never_loads_another_partnerships_document() {
    const LOADS: &str = "mitra_storage_latency_seconds_count{operation=\"load\"}";
    let server =
        start_required_with(|c| c.document_idle_timeout = Duration::from_millis(200)).await;
    let a = partnership(&server, "Stored A").await;
    let b = partnership(&server, "Stranger B").await;
    let (_, token_a) = token(&server, &a, Role::Editor).await;
    let (_, token_b) = token(&server, &b, Role::Editor).await;
    let id = random_document_id();
    let mut alice = join_with_token(&server, &token_a).await;
    alice
        .upload(
            id,
            &mut document_with("title", "A's"),
            &mut SyncState::new(),
        )
        .await
        .unwrap();
    alice.close().await;
    server
        .wait_for("the document is evicted", TIMEOUT, |s| {
            !s.shared.documents.is_loaded(&id)
        })
        .await;
    let loads = server.metric(LOADS);
    // A stranger syncs content for it, as if creating it.
    let mut bob = join_with_token(&server, &token_b).await;
    let forged = document_with("title", "B's");
    bob.offer(id, &forged).await.unwrap();
    bob.expect_unavailable(id).await;
    assert_eq!(
        server.metric(LOADS),
        loads,
        "storage was read for a stranger"
    );
    assert!(!server.shared.documents.is_loaded(&id));
    // A document of no partnership is still looked for (and counted): one
    // stored before access control cannot be claimed by syncing.
    let fresh = random_document_id();
    let doc = document_with("k", "v");
    bob.offer(fresh, &doc).await.unwrap();
    server
        .wait_for("a new document is looked for", TIMEOUT, |s| {
            s.metric(LOADS) > loads
        })
        .await;
}

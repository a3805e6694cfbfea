//! Accounts under attack: password checks outside the pool and counted against the limit in
//! one step, one answer for every address, consent before naming, changing a password,
//! disabling accounts, the security log, and administrators who cannot all be removed.

mod common;

use std::sync::{Arc, Barrier};

use common::world::{ask, decide, join_and_approve, world, PW};
use common::{account_from_console, Client, TestApp};
use solex::models::{membership, role, security_event, user};
use solex::services::{accounts, roles};

/// A counter from /metrics.
fn counter(app: &TestApp, name: &str) -> u64 {
    let body = app.client().get("/metrics").body;
    body.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("{name} missing from /metrics"))
        .trim()
        .parse()
        .unwrap()
}

fn checks(app: &TestApp) -> u64 {
    counter(app, "solex_password_checks_total")
}

fn hashes(app: &TestApp) -> u64 {
    counter(app, "solex_password_hashes_total")
}

/// The soft limit on open files of this process (sockets count).
fn open_file_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1024)
}

/// A visitor from its own network address (the portal trusts X-Forwarded-For in these tests).
fn sign_in_from(c: &Client, address: &str, email: &str, password: &str) -> Result<common::Resp, String> {
    let token = c.csrf();
    let fields = [("csrf", token.as_str()), ("email", email), ("password", password)];
    let r = c.agent.post(&format!("{}/login", c.base)).set("X-Forwarded-For", address).send_form(&fields);
    match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => Ok(common::Resp { status: r.status(), body: String::new(), location: None, headers: vec![] }),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn a_storm_of_sign_ins_leaves_the_portal_answering() {
    let app = TestApp::start_with(|c| {
        c.trust_proxy = true;
        c.smtp_workers = 1;
    });
    // Other work keeps all but one connection of the small pool busy: a password check that
    // held a connection would leave everyone else waiting behind a queue of checks.
    let size = app.config.pool_size + app.config.smtp_workers as u32 + 1;
    let busy: Vec<_> = (1..size).map_while(|_| app.pool.get_timeout(std::time::Duration::from_secs(5)).ok()).collect();
    // Enough checks that, one after another on the one free connection, they would outlast the
    // pool's 10 s wait; each costs two sockets in this process, so the open-file limit caps it.
    let storm = open_file_limit().saturating_sub(400).min(2000) / 2;
    assert!(storm >= 300, "raise the open-file limit (ulimit -n) to run this test");
    // Each visitor's CSRF token is fetched first; the sign-ins open their connections when the
    // storm starts (a connection opened during this set-up could reach the server's keep-alive
    // timeout before it is used on a loaded machine, and a closed idle connection is no answer).
    let tokens: Vec<String> = (0..storm)
        .map(|_| {
            let c = app.client();
            assert_eq!(c.get("/login").status, 200);
            c.csrf()
        })
        .collect();
    let start = Arc::new(Barrier::new(storm + 1));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let health = {
        let (base, start, done) = (app.base.clone(), start.clone(), done.clone());
        std::thread::spawn(move || {
            let c = Client::new(&base);
            start.wait();
            let mut statuses = Vec::new();
            // At least one probe, then probes until every sign-in has its answer.
            loop {
                statuses.push(c.try_get("/healthz").map(|r| r.status).unwrap_or(0));
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return statuses;
                }
            }
        })
    };
    let attempts: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            let (start, base) = (start.clone(), app.base.clone());
            std::thread::spawn(move || {
                let address = format!("10.1.{}.{}", i / 250, i % 250 + 1);
                start.wait();
                let fields = [("csrf", token.as_str()), ("email", &format!("nobody{i}@example.org")), ("password", "a wrong password here")];
                let r = ureq::AgentBuilder::new()
                    .timeout(std::time::Duration::from_secs(60))
                    .build()
                    .post(&format!("{base}/login"))
                    .set("X-Forwarded-For", &address)
                    .set("Cookie", &format!("solex_csrf={token}"))
                    .send_form(&fields);
                match r {
                    Ok(r) | Err(ureq::Error::Status(_, r)) => Ok(r.status()),
                    Err(e) => Err(e.to_string()),
                }
            })
        })
        .collect();
    let answers: Vec<Result<u16, String>> = attempts.into_iter().map(|t| t.join().unwrap()).collect();
    let failures: Vec<&String> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
    let statuses: Vec<u16> = answers.iter().filter_map(|a| a.as_ref().ok().copied()).collect();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let health = health.join().unwrap();
    drop(busy);
    let count = |s: u16| statuses.iter().filter(|x| **x == s).count();
    assert!(failures.is_empty(), "{} sign-ins got no answer, first: {:?}", failures.len(), failures.first());
    assert_eq!(count(400) + count(429), storm, "every sign-in answered 400 or 429: {statuses:?}");
    assert!(count(400) > 0, "some were checked");
    assert!(health.iter().all(|s| *s == 200), "/healthz answered {health:?}");
}

#[test]
fn many_people_signing_in_from_one_address_are_not_limited_by_each_other() {
    // One attempt per account and four per address: the fifth person in a training room would
    // be turned away if right passwords counted against the shared address.
    let app = TestApp::start_with(|c| {
        c.trust_proxy = true;
        c.login_attempts = 1;
    });
    let mut conn = app.conn();
    for i in 0..6 {
        let email = format!("trainee{i}@example.org");
        account_from_console(&mut conn, &app.base, &email, "Trainee", PW, false);
        let r = sign_in_from(&app.client(), "10.9.9.9", &email, PW).unwrap();
        assert_eq!(r.status, 303, "trainee {i} signs in from the shared address");
    }
    // Wrong passwords from that address still count: four, then the address waits.
    let statuses: Vec<u16> = (0..5).map(|i| sign_in_from(&app.client(), "10.9.9.9", &format!("trainee{i}@example.org"), "not the password at all").unwrap().status).collect();
    assert_eq!(statuses, [400, 400, 400, 400, 429]);
}

#[test]
fn concurrent_guesses_get_no_more_checks_than_the_limit() {
    let app = TestApp::start();
    app.member("target@example.org", PW, "Target");
    let before = checks(&app);
    const GUESSES: usize = 45;
    let start = Arc::new(Barrier::new(GUESSES));
    let threads: Vec<_> = (0..GUESSES)
        .map(|i| {
            let c = app.client();
            c.csrf();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let token = c.csrf();
                let guess = format!("guess number {i} for you");
                c.post_raw("/login", &[("csrf", &token), ("email", "target@example.org"), ("password", &guess)]).status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let limit = app.config.login_attempts;
    assert!(statuses.iter().all(|s| *s == 400 || *s == 429), "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), limit, "{statuses:?}");
    assert!(checks(&app) - before <= limit as u64, "{} passwords checked for a limit of {limit}", checks(&app) - before);
}

#[test]
fn unknown_passwordless_and_normal_accounts_each_cost_one_check() {
    let app = TestApp::start();
    app.member("normal@example.org", PW, "Normal");
    {
        let mut conn = app.db();
        // Made by the console: no password until its owner follows the setup link.
        accounts::add_user_from_console(&mut conn, &app.env(), "console@example.org", Some("Console"), false).unwrap();
    }
    for email in ["nobody@example.org", "console@example.org", "normal@example.org"] {
        let before = checks(&app);
        let r = app.client().sign_in(email, "not the password at all");
        assert_eq!(r.status, 400, "{email}");
        assert!(r.body.contains("email address or password is not right"), "{email}: one answer for all");
        assert_eq!(checks(&app) - before, 1, "{email}: one password check");
    }
    // Signing up costs one hash, whether the address is taken or not.
    for email in ["normal@example.org", "fresh@example.org"] {
        let before = hashes(&app);
        let r = app.client().submit("/register", "/register", &[("email", email), ("password", PW), ("name", "Someone"), ("data_consent", "yes")]);
        assert_eq!(r.status, 200, "{email}");
        assert_eq!(hashes(&app) - before, 1, "{email}: one hash");
    }
}

#[test]
fn signing_up_with_a_taken_address_answers_as_for_a_new_one_and_mails_the_owner() {
    let app = TestApp::start();
    app.member("owner@example.org", PW, "Owner");
    let taken = app.client().submit("/register", "/register", &[("email", "Owner@Example.org"), ("password", PW), ("name", "Intruder"), ("data_consent", "yes")]);
    let fresh = app.client().submit("/register", "/register", &[("email", "new@example.org"), ("password", PW), ("name", "Newcomer"), ("data_consent", "yes")]);
    assert_eq!(taken.status, 200);
    assert_eq!(fresh.status, 200);
    let main = |body: &str| body.split("<main").nth(1).unwrap_or("").split("</main>").next().unwrap_or("").to_string();
    assert_eq!(main(&taken.body), main(&fresh.body), "the same page for a taken and a new address");
    assert!(!taken.body.contains("already exists"));
    let mail = app.mail_for("owner@example.org", 2);
    assert!(mail.subject.contains("someone tried to register"), "{}", mail.subject);
    assert!(mail.text.contains("/password/forgot"), "{}", mail.text);
    assert!(app.mail_for("new@example.org", 1).text.contains("/verify?token="));
    // The intruder's details changed nothing.
    let mut conn = app.db();
    assert_eq!(user::find_by_email(&mut conn, "owner@example.org").unwrap().unwrap().name, "Owner");
}

/// The contributors box of the page builder.
fn contributors(page: &str) -> String {
    let start = page.find("name=\"contributors\"").expect("contributors field");
    let rest = &page[start..];
    let open = rest.find('>').unwrap() + 1;
    rest[open..rest.find("</textarea>").unwrap()].to_string()
}

#[test]
fn sign_up_asks_and_nobody_is_named_without_consent() {
    let w = world();
    let form = w.app.client().get("/register").body;
    let checkbox = form.split("name=\"credit_consent\"").nth(1).unwrap().split('>').next().unwrap();
    assert!(!checkbox.contains("checked"), "unticked by default: {checkbox}");
    assert!(form.contains("a community member"), "the form says what happens unticked");

    // Alice signed up without ticking the box: her thread does not name her.
    let id = ask(&w, &w.alice, "Ash from the cupola", "Where does cupola ash go?");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let builder = w.moderator.get(&format!("/kb/new?thread={id}"));
    assert_eq!(builder.status, 200);
    let names = contributors(&builder.body);
    assert!(!names.contains("Alice") && names.contains("A community member"), "{names}");

    // Ticking the box at sign-up is remembered as a choice.
    let c = w.app.client();
    let r = c.submit("/register", "/register", &[("email", "yes@example.org"), ("password", PW), ("name", "Yasmin"), ("credit_consent", "on"), ("data_consent", "yes")]);
    assert_eq!(r.status, 200);
    let mut conn = w.app.db();
    let yes = user::find_by_email(&mut conn, "yes@example.org").unwrap().unwrap();
    assert!(yes.credit_consent && yes.credit_consent_at.is_some());
    let alice = user::find_by_email(&mut conn, "alice@example.org").unwrap().unwrap();
    assert!(!alice.credit_consent && alice.credit_consent_at.is_some(), "unticked is an answer too");
}

#[test]
fn a_member_who_never_chose_is_asked_before_the_first_post() {
    let w = world();
    // Made by the console, as older accounts were: never asked.
    let carol = {
        let mut conn = w.app.db();
        account_from_console(&mut conn, &w.app.base, "carol@example.org", "Carol Console", PW, false)
    };
    join_and_approve(&w.app, &w.slug, &carol, "carol@example.org", &w.moderator);
    let form = format!("/c/{}/new", w.slug);
    let r = carol.get(&form);
    assert_eq!(r.status, 303);
    let ask_at = r.location.unwrap();
    assert!(ask_at.starts_with("/credit-consent?next="), "{ask_at}");
    let question = carol.get(&ask_at);
    assert_eq!(question.status, 200);
    assert!(question.body.contains("May we name you as a contributor?"));
    let r = carol.submit(&ask_at, "/credit-consent", &[("next", &form), ("consent", "yes")]);
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some(form.as_str()), "the form follows the answer");
    assert_eq!(carol.get(&form).status, 200, "asked once");
    let id = ask(&w, &carol, "Carol asks", "About slag");
    decide(&w, &w.moderator, id, &[("action", "approve")]);
    let names = contributors(&w.moderator.get(&format!("/kb/new?thread={id}")).body);
    assert!(names.contains("Carol Console"), "named once she agreed: {names}");
    // An unanswered account is not named.
    let mut conn = w.app.db();
    let admin = user::find_by_email(&mut conn, "admin@example.org").unwrap().unwrap();
    assert!(!admin.credit_consent && admin.credit_consent_at.is_none());
}

/// The security events of one kind for one account.
fn events(app: &TestApp, kind: security_event::Kind, user_id: Option<i64>) -> Vec<security_event::SecurityEvent> {
    let mut conn = app.db();
    let filter = security_event::Filter { user_id, kind: kind.to_string(), address: String::new() };
    security_event::page(&mut conn, &filter, 0, 1000).unwrap().into_iter().map(|(e, _)| e).collect()
}

#[test]
fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::start();
    let c = app.member("pat@example.org", PW, "Pat");
    let other = app.client();
    assert_eq!(other.sign_in("pat@example.org", PW).status, 303);
    let uid = app.user_id("pat@example.org");
    let new_pw = "a new and longer passphrase";

    let form = c.get("/profile").body;
    assert!(form.contains("href=\"/password/change\""));
    let r = c.submit("/password/change", "/password/change", &[("current_password", "not my password"), ("password", new_pw)]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("current password is not right"), "{}", r.body);
    assert_eq!(events(&app, security_event::Kind::PasswordChangeFailed, Some(uid)).len(), 1);
    assert_eq!(other.get("/dashboard").status, 200, "nothing changed");

    let r = c.submit("/password/change", "/password/change", &[("current_password", PW), ("password", new_pw)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(c.get("/dashboard").status, 200, "this session goes on");
    let r = other.get("/dashboard");
    assert!(r.status == 303 && r.location.unwrap().starts_with("/login"), "the other session ended");
    let mail = app.mail_for("pat@example.org", 2);
    assert!(mail.subject.contains("password was changed"), "{}", mail.subject);
    assert_eq!(app.client().sign_in("pat@example.org", PW).status, 400);
    assert_eq!(app.client().sign_in("pat@example.org", new_pw).status, 303);
    assert_eq!(events(&app, security_event::Kind::PasswordChanged, Some(uid)).len(), 1);

    // Guessing the current password is limited like signing in.
    let limit = app.config.login_attempts;
    let statuses: Vec<u16> = (0..limit + 1)
        .map(|i| c.post("/password/change", &[("current_password", &format!("guess {i} here")), ("password", "another long passphrase")]).status)
        .collect();
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(app.client().sign_in("pat@example.org", new_pw).status, 303, "the password stayed");
}

#[test]
fn administrators_disable_and_enable_accounts() {
    let w = world();
    let alice_id = w.app.user_id("alice@example.org");
    let admin_id = w.app.user_id("admin@example.org");
    let page = format!("/admin/users/{alice_id}");
    assert!(w.admin.get(&page).body.contains(&format!("action=\"/admin/users/{alice_id}/disable\"")));
    assert_eq!(w.admin.post_raw(&format!("/admin/users/{alice_id}/disable"), &[]).status, 403, "CSRF checked");
    assert_eq!(w.bob.post(&format!("/admin/users/{alice_id}/disable"), &[]).status, 403, "administrators only");
    assert_eq!(w.alice.get("/dashboard").status, 200);

    let r = w.admin.submit(&page, &format!("/admin/users/{alice_id}/disable"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = w.alice.get("/dashboard");
    assert!(r.status == 303 && r.location.unwrap().starts_with("/login"), "her session ended at once");
    let r = w.app.client().sign_in("alice@example.org", PW);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("disabled"), "{}", r.body);
    {
        let mut conn = w.app.db();
        let community = solex::models::community::find_by_slug(&mut conn, &w.slug).unwrap();
        let recipients: Vec<i64> = membership::Delivery::all()
            .flat_map(|mode| membership::recipients(&mut conn, community.id, mode).unwrap())
            .map(|(id, _)| id)
            .collect();
        assert!(!recipients.contains(&alice_id), "no list mail");
    }
    assert!(w.admin.get("/admin/audit").body.contains("disable"));
    assert_eq!(events(&w.app, security_event::Kind::AccountDisabled, Some(alice_id)).len(), 1);

    let r = w.admin.submit(&page, &format!("/admin/users/{alice_id}/enable"), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(w.app.client().sign_in("alice@example.org", PW).status, 303, "enabled again");

    // Not oneself, and never the last administrator.
    assert_eq!(w.admin.post(&format!("/admin/users/{admin_id}/disable"), &[]).status, 409);
    let mut conn = w.app.db();
    let moderator_id = w.app.user_id("mod@example.org");
    let grant = roles::GrantRequest { role: "admin".into(), ..Default::default() };
    roles::grant(&mut conn, admin_id, moderator_id, &grant).unwrap();
    accounts::disable(&mut conn, moderator_id, admin_id, "").unwrap();
    let refused = accounts::disable(&mut conn, admin_id, moderator_id, "");
    assert!(matches!(refused, Err(solex::AppError::Conflict(_))), "the last enabled administrator stays");
    let admin_grant = role::for_user(&mut conn, admin_id).unwrap().grants[0].id;
    let mod_grant = role::for_user(&mut conn, moderator_id).unwrap().grants.iter().find(|g| g.role == "admin").unwrap().id;
    assert!(roles::revoke(&mut conn, moderator_id, mod_grant).is_err(), "nor revoked while the other is disabled");
    roles::revoke(&mut conn, moderator_id, admin_grant).unwrap();
}

#[test]
fn sign_ins_and_failures_are_in_the_security_log() {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", PW);
    let member = app.member("sam@example.org", PW, "Sam Member");
    let secret = "my secret guess 12345";
    assert_eq!(app.client().sign_in("sam@example.org", secret).status, 400);
    assert_eq!(app.client().sign_in("ghost@example.org", secret).status, 400);
    let sam = app.user_id("sam@example.org");

    assert_eq!(member.get("/admin/security").status, 403);
    let all = admin.get("/admin/security");
    assert_eq!(all.status, 200);
    assert!(all.body.contains("sign_in_failed") && all.body.contains("Sam Member") && all.body.contains("127.0.0.1"));
    assert!(!all.body.contains(secret) && !all.body.contains(PW), "no passwords");
    assert!(!all.body.contains("ghost@example.org"), "no typed addresses");
    let newest = all.body.find("unknown account").unwrap();
    let older = all.body.find("wrong password").unwrap();
    assert!(newest < older, "newest first");

    let failures = admin.get("/admin/security?kind=sign_in_failed").body;
    assert!(failures.contains("wrong password") && !failures.contains("<td>sign-in</td>"));
    let mine = admin.get(&format!("/admin/security?user={sam}")).body;
    assert!(mine.contains("wrong password") && !mine.contains("unknown account"));
    // An administrator reading Hindi reads the kinds and the details in Hindi.
    assert_eq!(admin.get("/lang/hi?next=/admin/security").status, 303);
    let hindi = admin.get("/admin/security").body;
    for words in ["<td>असफल साइन इन</td>", "<td>गलत पासवर्ड</td>", "<td>ऐसा कोई खाता नहीं</td>"] {
        assert!(hindi.contains(words), "{words}: {hindi}");
    }
    assert!(!hindi.contains("wrong password") && !hindi.contains("<td>failed sign-in</td>"), "{hindi}");
    // Rows written before details were messages show as they are.
    {
        let mut conn = app.db();
        let e = security_event::NewSecurityEvent { kind: security_event::Kind::SignInFailed, user_id: Some(sam), address: "10.7.7.7", detail: "wrong password", created_at: solex::models::now() };
        security_event::insert(&mut conn, &e).unwrap();
    }
    assert!(admin.get("/admin/security?address=10.7.7.7").body.contains("<td>wrong password</td>"));
    assert_eq!(admin.get("/lang/en?next=/admin/security").status, 303);
    assert!(!admin.get("/admin/security?address=10.9.9.9").body.contains("<td>failed sign-in</td>"));
    assert!(admin.get("/admin/security?address=127.0.0.1").body.contains("<td>failed sign-in</td>"));

    // Paged: fifty a page.
    {
        let mut conn = app.db();
        for _ in 0..60 {
            let e = security_event::NewSecurityEvent { kind: security_event::Kind::SignIn, user_id: Some(sam), address: "10.0.0.1", detail: "", created_at: solex::models::now() };
            security_event::insert(&mut conn, &e).unwrap();
        }
    }
    let first = admin.get("/admin/security?address=10.0.0.1").body;
    assert_eq!(first.matches("<tr>").count() - 1, 50);
    assert!(first.contains("rel=\"next\""));
    let second = admin.get("/admin/security?user=&kind=&address=10.0.0.1&page=2").body;
    assert_eq!(second.matches("<tr>").count() - 1, 10);
    assert_eq!(admin.get("/admin/security?page=99999999999999").status, 200, "a page past the end is empty");
    for odd in ["abc", "-3", "0", "1.5", "%20", "99999999999999999999999"] {
        assert_eq!(admin.get(&format!("/admin/security?page={odd}")).status, 200, "page={odd}");
    }
}

#[test]
fn two_administrators_revoking_each_other_leave_one() {
    let app = TestApp::start();
    let mut survivor = {
        let mut conn = app.db();
        accounts::add_user_from_console(&mut conn, &app.env(), "admin0@example.org", Some("Admin 0"), true).unwrap();
        app.user_id("admin0@example.org")
    };
    for round in 1..=20 {
        let email = format!("admin{round}@example.org");
        let newcomer = {
            let mut conn = app.db();
            accounts::add_user_from_console(&mut conn, &app.env(), &email, Some("Admin"), true).unwrap();
            app.user_id(&email)
        };
        let grant_of = |id: i64| {
            let mut conn = app.db();
            role::for_user(&mut conn, id).unwrap().grants[0].id
        };
        let pairs = [(newcomer, grant_of(survivor)), (survivor, grant_of(newcomer))];
        let start = Arc::new(Barrier::new(2));
        let threads: Vec<_> = pairs
            .into_iter()
            .map(|(actor, grant)| {
                let mut conn = app.conn();
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    roles::revoke(&mut conn, actor, grant).is_ok()
                })
            })
            .collect();
        let done: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let mut conn = app.db();
        let left = role::count_role(&mut conn, role::Role::Admin).unwrap();
        assert_eq!(left, 1, "round {round}: {left} administrators left ({done:?})");
        survivor = [survivor, newcomer].into_iter().find(|id| role::for_user(&mut conn, *id).unwrap().is_admin()).unwrap();
    }
}

/// Applies migrations one by one up to (not including) the one whose name starts with `stop`.
fn migrate_until(conn: &mut solex::db::DbConn, stop: &str) {
    use diesel_migrations::MigrationHarness;
    use solex::db::{DbConn, PG_MIGRATIONS, SQLITE_MIGRATIONS};
    loop {
        let next = match conn {
            DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).unwrap().first().map(|m| m.name().to_string()),
            DbConn::Pg(c) => c.pending_migrations(PG_MIGRATIONS).unwrap().first().map(|m| m.name().to_string()),
        };
        match next {
            Some(name) if !name.starts_with(stop) => {
                match conn {
                    DbConn::Sqlite(c) => c.run_next_migration(SQLITE_MIGRATIONS).map(|_| ()),
                    DbConn::Pg(c) => c.run_next_migration(PG_MIGRATIONS).map(|_| ()),
                }
                .unwrap();
            }
            _ => return,
        }
    }
}

#[test]
fn existing_accounts_are_not_named_until_they_choose() {
    use diesel::connection::SimpleConnection;
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = common::fresh_database(dir.path());
    {
        let mut conn = solex::db::establish(&solex::db::DatabaseUrl::parse(&url).unwrap()).unwrap();
        migrate_until(&mut conn, "2026-12-03-000002_account_security");
        // An account from before: named by the old default.
        conn.batch_execute(
            "INSERT INTO users (email, password_hash, name, created_at, credit_consent) \
             VALUES ('old@example.org', '', 'Old Member', CURRENT_TIMESTAMP, TRUE)",
        )
        .unwrap();
        solex::db::run_migrations(&mut conn).unwrap();
        let old = user::find_by_email(&mut conn, "old@example.org").unwrap().unwrap();
        assert!(!old.credit_consent, "not named until they choose");
        assert!(old.credit_consent_at.is_none(), "and asked before their first post");
        // An account made after, by SQL that names no choice: not named, on both databases.
        conn.batch_execute(
            "INSERT INTO users (email, password_hash, name, created_at) \
             VALUES ('new@example.org', '', 'New Member', CURRENT_TIMESTAMP)",
        )
        .unwrap();
        let new = user::find_by_email(&mut conn, "new@example.org").unwrap().unwrap();
        assert!(!new.credit_consent, "the column's default is not named");
    }
    common::drop_database(&pg);
}

#[test]
fn a_sign_in_refused_by_the_limit_is_logged_once_per_window() {
    let app = TestApp::start_with(|c| c.trust_proxy = true);
    app.member("sam@example.org", PW, "Sam Member");
    let sam = app.user_id("sam@example.org");
    let c = app.client();
    let attempts = app.config.login_attempts;
    for _ in 0..attempts {
        assert_eq!(sign_in_from(&c, "10.1.1.1", "sam@example.org", "wrong guess 12345").unwrap().status, 400);
    }
    for i in 0..3 {
        assert_eq!(sign_in_from(&c, &format!("10.1.2.{i}"), "sam@example.org", "wrong guess 12345").unwrap().status, 429);
    }
    let limited = events(&app, security_event::Kind::SignInLimited, Some(sam));
    assert_eq!(limited.len(), 1, "one event for the account, not one per refused request");
    assert!(limited[0].detail.contains("security-limited-account"), "stored as a message: {}", limited[0].detail);
    assert_eq!(limited[0].address, "10.1.2.0", "where the first refused guess came from");
    // An address over its own limit: one event for the address, with no account.
    let mut refused = 0;
    for i in 0..attempts * 4 + 3 {
        if sign_in_from(&c, "10.3.3.3", &format!("nobody{i}@example.org"), "wrong guess 12345").unwrap().status == 429 {
            refused += 1;
        }
    }
    assert_eq!(refused, 3);
    let by_address: Vec<_> = events(&app, security_event::Kind::SignInLimited, None).into_iter().filter(|e| e.address == "10.3.3.3").collect();
    assert_eq!(by_address.len(), 1);
    assert!(by_address[0].user_id.is_none() && by_address[0].detail.contains("security-limited-address"));
}

/// Keys the rate limiter holds, from /metrics.
fn limiter_keys(app: &TestApp) -> i64 {
    let m = app.client().get("/metrics").body;
    m.lines().find(|l| l.starts_with("solex_ratelimit_keys")).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok()).expect("solex_ratelimit_keys")
}

#[test]
fn an_address_already_refused_makes_no_account_key() {
    let app = TestApp::start_with(|c| {
        c.login_attempts = 2;
        c.trust_proxy = true;
    });
    app.member("sam@example.org", PW, "Sam Member");
    let c = app.client();
    // The attacker's address uses up its limit (4 × 2) on other names.
    for i in 0..8 {
        assert_eq!(sign_in_from(&c, "10.4.4.4", &format!("x{i}@example.org"), "guess 12345").unwrap().status, 400);
    }
    let keys = limiter_keys(&app);
    // Refused by the address: neither a new account key nor a count against Sam.
    for _ in 0..20 {
        assert_eq!(sign_in_from(&c, "10.4.4.4", "sam@example.org", "guess 12345").unwrap().status, 429);
    }
    for i in 0..20 {
        assert_eq!(sign_in_from(&c, "10.4.4.4", &format!("y{i}@example.org"), "guess 12345").unwrap().status, 429);
    }
    assert_eq!(limiter_keys(&app), keys, "no key made for a refused request");
    // Sam, from elsewhere, still has every attempt.
    assert_eq!(app.client().sign_in("sam@example.org", PW).status, 303);
}

#[test]
fn a_password_checked_before_a_reset_does_not_open_a_session_after_it() {
    let app = TestApp::start();
    app.member("sam@example.org", PW, "Sam Member");
    let sam = app.user_id("sam@example.org");
    let attempt = accounts::Attempt { user_agent: "test", address: "10.5.5.5" };
    let mut conn = app.db();
    let sessions = accounts::sessions_of(&mut conn, sam).unwrap().len();
    // Step one read the account; step two (argon2, no connection held) found the old password
    // right; meanwhile the password was reset.
    let stale = accounts::find_for_sign_in(&mut conn, "sam@example.org").unwrap();
    user::set_password_hash(&mut conn, sam, &solex::services::passwords::hash("a brand new password 987").unwrap()).unwrap();
    let r = accounts::finish_sign_in(&mut conn, &app.env(), stale, true, &attempt, 30);
    assert!(matches!(r, Err(solex::error::AppError::Validation(_))), "answered as a wrong password");
    assert_eq!(accounts::sessions_of(&mut conn, sam).unwrap().len(), sessions, "no session opened");
    let failed = events(&app, security_event::Kind::SignInFailed, Some(sam));
    assert!(failed.iter().any(|e| e.detail.contains("security-account-changed")));
    // The account read after the reset, with its new password checked, signs in.
    let current = accounts::find_for_sign_in(&mut conn, "sam@example.org").unwrap();
    assert!(accounts::finish_sign_in(&mut conn, &app.env(), current, true, &attempt, 30).is_ok());
}

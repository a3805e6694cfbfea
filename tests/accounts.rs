//! Joining, confirming, signing in and out, password reset, profile; bad input and CSRF.

mod common;

use common::TestApp;
use diesel::prelude::*;

const PW: &str = "ikat weavers of Barpali";

#[test]
fn join_confirm_sign_in_and_see_dashboard() {
    let app = TestApp::start();
    let c = app.client();
    let r = c.submit("/register", "/register", &[("email", "Meera@Example.org "), ("password", PW), ("name", "Meera Das"), ("state", "Orissa"), ("district", "Bargarh"), ("data_consent", "yes")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Check your email"));

    let mail = app.mail_for("meera@example.org", 1);
    assert!(mail.subject.contains("confirm your email"));
    assert!(mail.html.contains("/verify?token="), "HTML part carries the link too");
    assert!(mail.message_id.contains("@127.0.0.1"), "stable Message-ID on the portal's host: {}", mail.message_id);
    let link = mail.link("/verify?token=");

    // Signing in before confirming is refused and sends a fresh link.
    let r = c.sign_in("meera@example.org", PW);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("confirm your email address first"), "{}", r.body);
    let second = app.mail_for("meera@example.org", 2);
    // The first link was retired when the second was issued.
    let r = c.get(&link);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("already been used"), "{}", r.body);

    let r = c.get(&second.link("/verify?token="));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Email address confirmed"));

    let before = c.cookie("solex_csrf");
    let r = c.sign_in("MEERA@example.org", PW);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/dashboard"));
    let set_cookies = r.headers_named("set-cookie").join("\n");
    assert!(set_cookies.contains("solex_session="), "{set_cookies}");
    let session_cookie = r.headers_named("set-cookie").into_iter().find(|c| c.starts_with("solex_session=")).unwrap().to_string();
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax") && session_cookie.contains("Path=/"), "{session_cookie}");
    assert_ne!(before, c.cookie("solex_csrf"), "CSRF token rotates at sign-in");

    let r = c.get("/dashboard");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Welcome, Meera Das"), "{}", r.body);
    let r = c.get("/profile");
    assert!(r.body.contains("<option value=\"Odisha\" selected>"), "old state name stored under the current one");

    // The used link cannot be replayed.
    let r = c.get(&second.link("/verify?token="));
    assert_eq!(r.status, 400);
}

#[test]
fn registration_errors_keep_what_was_typed() {
    let app = TestApp::start();
    app.member("taken@example.org", PW, "First Person");
    let c = app.client();

    // A taken address gets the same answer as a new one; its owner is told by mail.
    let r = c.submit("/register", "/register", &[("email", "taken@example.org"), ("password", PW), ("name", "Second Person"), ("organisation", "SGMEA"), ("data_consent", "yes")]);
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("already exists"), "{}", r.body);
    assert!(app.mail_for("taken@example.org", 2).subject.contains("tried to register"));

    let r = c.submit("/register", "/register", &[("email", "taken@example.org"), ("password", "tinypw1"), ("name", "Second Person"), ("organisation", "SGMEA")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("value=\"Second Person\"") && r.body.contains("value=\"SGMEA\""), "fields kept");
    assert!(!r.body.contains("tinypw1"), "the password is never echoed back");

    let r = c.submit("/register", "/register", &[("email", "new@example.org"), ("password", "short"), ("name", "N")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("at least 10 characters"));
    assert!(r.body.contains("aria-invalid=\"true\""));

    let r = c.submit("/register", "/register", &[("email", "new@example.org"), ("password", "password123"), ("name", "N")]);
    assert!(r.body.contains("too common"));

    let r = c.submit("/register", "/register", &[("email", "not-an-address"), ("password", PW), ("name", "")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("valid email address"));
    assert!(r.body.contains("Enter your name"));

    let r = c.submit("/register", "/register", &[("email", "x@example.org"), ("password", PW), ("name", "X"), ("state", "Atlantis")]);
    assert!(r.body.contains("Choose a state"));

    assert_eq!(app.mail_count("new@example.org") + app.mail_count("x@example.org"), 0, "no mail for failed sign-ups");
    let mut conn = app.db();
    assert_eq!(solex::models::user::count(&mut conn).unwrap(), 1, "nothing half-written");
}

#[test]
fn forms_without_a_valid_csrf_token_are_refused() {
    let app = TestApp::start();
    app.member("m@example.org", PW, "M");
    let c = app.client();
    c.get("/login");
    let r = c.post_raw("/login", &[("email", "m@example.org"), ("password", PW)]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("did not come from this site"), "{}", r.body);
    let r = c.post_raw("/login", &[("csrf", "0".repeat(64).as_str()), ("email", "m@example.org"), ("password", PW)]);
    assert_eq!(r.status, 403);
    // A page on another site posting with the right token still fails on Origin.
    let token = c.csrf();
    let r = c.post_with_headers("/login", &[("csrf", &token), ("email", "m@example.org"), ("password", PW)], &[("Origin", "http://evil.example")]);
    assert_eq!(r.status, 403);
    // A client with no cookie at all cannot borrow someone else's token.
    let other = app.client();
    let r = other.post_raw("/register", &[("csrf", &token), ("email", "z@example.org"), ("password", PW), ("name", "Z")]);
    assert_eq!(r.status, 403);
    // And the real form goes through.
    assert_eq!(c.sign_in("m@example.org", PW).status, 303);
    let r = c.post_raw("/logout", &[]);
    assert_eq!(r.status, 403, "sign-out needs the token too");
    let r = c.post_with_headers("/profile", &[("name", "Hijacked")], &[("Accept", "application/json")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("\"error\":\"forbidden\""), "JSON error for JSON clients: {}", r.body);
}

#[test]
fn sign_in_is_rate_limited_with_a_clear_message() {
    let app = TestApp::start_with(|c| c.login_attempts = 3);
    app.member("r@example.org", PW, "R");
    let c = app.client();
    for _ in 0..3 {
        let r = c.sign_in("r@example.org", "wrong password here");
        assert_eq!(r.status, 400);
        assert!(r.body.contains("email address or password is not right"));
    }
    let r = c.sign_in("r@example.org", PW);
    assert_eq!(r.status, 429, "even the right password waits: {}", r.body);
    assert!(r.body.contains("Too many sign-in attempts"));
    assert!(r.header("retry-after").is_some());
    // Unknown accounts get the same answer as wrong passwords.
    let r = c.sign_in("nobody@example.org", PW);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("email address or password is not right"));
}

#[test]
fn password_reset_by_email() {
    let app = TestApp::start();
    let old = app.member("p@example.org", PW, "P");
    let c = app.client();
    let r = c.submit("/password/forgot", "/password/forgot", &[("email", "p@example.org")]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("a link is on its way"));
    // The same answer for an unknown address, and no mail.
    let r = c.submit("/password/forgot", "/password/forgot", &[("email", "ghost@example.org")]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("a link is on its way"));

    let mail = app.mail_for("p@example.org", 2);
    assert!(mail.subject.contains("new password"));
    let link = mail.link("/password/reset?token=");
    let token = link.split("token=").nth(1).unwrap().to_string();

    let r = c.submit(&link, "/password/reset", &[("token", &token), ("password", "tiny")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("at least 10 characters"));
    let new_pw = "brass from Moradabad 2026";
    let r = c.submit(&link, "/password/reset", &[("token", &token), ("password", new_pw)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Your password is set"));

    // Every old session is gone, the old password no longer works, the new one does.
    let r = old.get("/dashboard");
    assert_eq!(r.status, 303);
    assert!(r.location.unwrap().starts_with("/login"));
    assert_eq!(c.sign_in("p@example.org", PW).status, 400);
    assert_eq!(c.sign_in("p@example.org", new_pw).status, 303);

    // The link works once.
    let r = c.get(&link);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("already been used"));
    let r = c.post("/password/reset", &[("token", &token), ("password", "another good passphrase")]);
    assert_eq!(r.status, 400);
    assert_eq!(app.mail_count("ghost@example.org"), 0);
}

#[test]
fn expired_and_unknown_links_say_so() {
    let app = TestApp::start();
    let c = app.client();
    c.submit("/register", "/register", &[("email", "e@example.org"), ("password", PW), ("name", "E"), ("data_consent", "yes")]);
    let link = app.mail_for("e@example.org", 1).link("/verify?token=");
    {
        use solex::db::schema::account_tokens::dsl::*;
        let mut conn = app.db();
        let past = solex::models::now() - chrono::Duration::hours(1);
        diesel::update(account_tokens).set(expires_at.eq(past)).execute(&mut *conn).unwrap();
    }
    let r = c.get(&link);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("has expired"), "{}", r.body);
    let r = c.get("/verify?token=deadbeef");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("not valid"));
    let r = c.get("/password/reset?token=");
    assert_eq!(r.status, 400);
}

#[test]
fn sign_out_and_sign_out_everywhere() {
    let app = TestApp::start();
    let phone = app.member("s@example.org", PW, "S");
    let laptop = app.client();
    assert_eq!(laptop.sign_in("s@example.org", PW).status, 303);
    let r = laptop.get("/profile");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Where you are signed in"));

    let r = laptop.post("/logout", &[]);
    assert_eq!(r.status, 303);
    assert_eq!(laptop.get("/dashboard").status, 303, "signed out");
    assert_eq!(phone.get("/dashboard").status, 200, "other session untouched");

    assert_eq!(laptop.sign_in("s@example.org", PW).status, 303);
    let r = laptop.post("/logout-everywhere", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(phone.get("/dashboard").status, 303, "revoked on the server");
    assert_eq!(laptop.get("/dashboard").status, 303);
}

#[test]
fn a_planted_session_cookie_is_ignored_and_cleared() {
    let app = TestApp::start();
    let c = app.client();
    let r = c.get_with("/dashboard", &[("Cookie", "solex_session=attacker-chosen-value")]);
    assert_eq!(r.status, 303);
    let cleared = r.headers_named("set-cookie").into_iter().any(|c| c.starts_with("solex_session=;") || c.starts_with("solex_session=\"\""));
    assert!(cleared, "stale cookie removed: {:?}", r.headers_named("set-cookie"));
}

#[test]
fn profile_edits_validate_and_switch_language() {
    let app = TestApp::start();
    let c = app.member("h@example.org", PW, "Hari");
    let r = c.submit("/profile", "/profile", &[("name", ""), ("state", "Nowhere"), ("language", "en")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Enter your name") && r.body.contains("Choose a state"));
    let r = c.submit("/profile", "/profile", &[("name", "Hari Prasad"), ("organisation", "KRMC"), ("state", "Kerala"), ("district", "Ernakulam"), ("role_title", "Cluster development executive"), ("language", "hi")]);
    assert_eq!(r.status, 303);
    let r = c.get("/profile?saved=1");
    assert!(r.body.contains("lang=\"hi\""), "interface now in Hindi");
    assert!(r.body.contains("आपकी प्रोफ़ाइल सहेज ली गई"));
    assert!(r.body.contains("value=\"Ernakulam\""));
    let mut conn = app.db();
    let u = solex::models::user::find_by_email(&mut conn, "h@example.org").unwrap().unwrap();
    assert_eq!((u.state.as_str(), u.language.as_str(), u.organisation.as_str()), ("Kerala", "hi", "KRMC"));
}

#[test]
fn next_parameter_only_redirects_within_the_site() {
    let app = TestApp::start();
    app.member("n@example.org", PW, "N");
    let c = app.client();
    let r = c.submit("/login?next=/profile", "/login", &[("email", "n@example.org"), ("password", PW), ("next", "/profile")]);
    assert_eq!(r.location.as_deref(), Some("/profile"));
    let c2 = app.client();
    let r = c2.submit("/login", "/login", &[("email", "n@example.org"), ("password", PW), ("next", "//evil.example/x")]);
    assert_eq!(r.location.as_deref(), Some("/dashboard"));
}

#[test]
fn a_hindi_visitor_reads_form_errors_and_refusals_in_hindi() {
    let app = TestApp::start();
    let c = app.client();
    // The language switch in the header, as a visitor uses it.
    assert_eq!(c.get("/lang/hi?next=/register").status, 303);
    let r = c.submit("/register", "/register", &[("email", "not-an-address"), ("password", "short"), ("name", "")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("lang=\"hi\""));
    for hindi in ["मान्य ईमेल पता लिखें, जैसे name@example.org।", "कम से कम 10 अक्षर लिखें।", "अपना नाम लिखें।", "कृपया नीचे चिह्नित फ़ील्ड ठीक करें।"] {
        assert!(r.body.contains(hindi), "{hindi}: {}", r.body);
    }
    for english in ["valid email address", "at least 10 characters", "Enter your name"] {
        assert!(!r.body.contains(english), "{english} is left in English: {}", r.body);
    }
    // A wrong password on the sign-in form, in Hindi too.
    app.member("hari@example.org", PW, "Hari Prasad");
    let r = c.submit("/login", "/login", &[("email", "hari@example.org"), ("password", "not the password")]);
    assert!(r.body.contains("ईमेल पता या पासवर्ड सही नहीं है।"), "{}", r.body);

    // A browser that asks for Hindi gets a refused link explained in Hindi, without the switch;
    // the same link in English for a browser that asks for English.
    let other = app.client();
    let r = other.get_with("/verify?token=not-a-real-token", &[("Accept-Language", "hi-IN,hi;q=0.9,en;q=0.5")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("यह लिंक मान्य नहीं है।"), "{}", r.body);
    let r = app.client().get_with("/verify?token=not-a-real-token", &[("Accept-Language", "en")]);
    assert!(r.body.contains("This link is not valid."), "{}", r.body);
}

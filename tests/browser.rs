//! In headless Chromium: join, confirm through the outbox mail, sign in, see the dashboard,
//! switch to Hindi.

mod common;

use common::webdriver::Browser;
use common::TestApp;

#[test]
fn a_newcomer_joins_confirms_and_reaches_the_dashboard() {
    let app = TestApp::start();
    let b = Browser::start();
    b.goto(&format!("{}/", app.base));
    b.click("a.button[href='/register']");
    b.wait_url(|u| u.ends_with("/register"));

    // A mistake first: the form comes back with the message and keeps the typing.
    b.fill("#email", "kavita@example.org");
    b.fill("#password", "short");
    b.fill("#name", "Kavita Rao");
    b.fill("#organisation", "Okhla Garment and Textile Cluster");
    b.click("form[action='/register'] button[type=submit]");
    b.wait_text(".error-summary", |t| t.contains("at least 10 characters"));
    assert!(b.source().contains("value=\"Okhla Garment and Textile Cluster\""), "typing kept");

    b.fill("#password", "stitching skills for Okhla");
    b.click("form[action='/register'] button[type=submit]");
    b.wait_text("h1", |t| t == "Check your email");

    let mail = app.wait_for_mail("kavita@example.org", 1);
    b.goto(&format!("{}{}", app.base, mail.link("/verify?token=")));
    b.wait_text("h1", |t| t == "Email address confirmed");
    b.click("main a[href='/login']");

    b.fill("#email", "kavita@example.org");
    b.fill("#password", "stitching skills for Okhla");
    b.click("form[action='/login'] button[type=submit]");
    b.wait_url(|u| u.ends_with("/dashboard"));
    b.wait_text("h1", |t| t == "Welcome, Kavita Rao");

    b.click("a.lang");
    b.wait_text("h1", |t| t == "स्वागत है, Kavita Rao");
    assert!(b.url().ends_with("/dashboard"));
    if let Ok(path) = std::env::var("SOLEX_SCREENSHOT") {
        b.screenshot(std::path::Path::new(&path));
    }

    b.click("form[action='/logout'] button");
    b.find("nav a[href='/login']");
    b.goto(&format!("{}/dashboard", app.base));
    b.wait_url(|u| u.contains("/login?next=%2Fdashboard"));
}

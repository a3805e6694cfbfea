//! Roles: what each kind of account may reach, granting and revoking, the audit log.

mod common;

use common::{Client, TestApp};

const PW: &str = "foundry coke savings";

fn community(app: &TestApp, slug: &str, name: &str) -> i64 {
    let mut conn = app.db();
    solex::models::community::insert(
        &mut conn,
        &solex::models::community::NewCommunity { slug, name, description: "", theme: "energy", created_at: solex::models::now() },
    )
    .unwrap()
}

fn grant(admin: &Client, user_id: i64, fields: &[(&str, &str)]) -> common::Resp {
    admin.submit(&format!("/admin/users/{user_id}"), &format!("/admin/users/{user_id}/grants"), fields)
}

#[test]
fn every_role_reaches_only_its_routes() {
    let app = TestApp::start();
    let energy = community(&app, "energy-foundries", "Energy efficiency in foundries");
    let admin = app.admin("admin@example.org", PW);
    let member = app.member("member@example.org", PW, "Member");
    let moderator = app.member("mod@example.org", PW, "Moderator");
    let focal = app.member("sfp@example.org", PW, "State Focal Point");
    let anonymous = app.client();
    let mod_id = app.user_id("mod@example.org");
    let sfp_id = app.user_id("sfp@example.org");
    assert_eq!(grant(&admin, mod_id, &[("role", "moderator"), ("community_id", &energy.to_string())]).status, 303);
    assert_eq!(grant(&admin, sfp_id, &[("role", "focal_point"), ("state", "Haryana")]).status, 303);

    let member_id = app.user_id("member@example.org");
    let pages = [
        "/admin".to_string(),
        "/admin/users".to_string(),
        format!("/admin/users/{member_id}"),
        "/admin/audit".to_string(),
        "/admin/vocabularies".to_string(),
        "/admin/vocabularies/see_issue".to_string(),
        "/admin/content".to_string(),
    ];
    for path in &pages {
        let r = anonymous.get(path);
        assert_eq!(r.status, 303, "anonymous {path}");
        assert!(r.location.as_deref().unwrap().starts_with("/login?next="), "anonymous {path}");
        for (who, c) in [("member", &member), ("moderator", &moderator), ("focal point", &focal)] {
            assert_eq!(c.get(path).status, 403, "{who} {path}");
        }
        assert!(admin.get(path).status < 400, "admin {path}");
    }
    for path in ["/dashboard", "/profile"] {
        assert_eq!(anonymous.get(path).status, 303, "anonymous {path}");
        for c in [&member, &moderator, &focal, &admin] {
            assert_eq!(c.get(path).status, 200, "{path}");
        }
    }
    for path in ["/", "/login", "/register", "/password/forgot", "/healthz"] {
        for c in [&anonymous, &member, &admin] {
            assert!(c.get(path).status < 400, "{path}");
        }
    }
    // Writes are checked on the server too, not just hidden from the menu.
    for (who, c) in [("member", &member), ("moderator", &moderator), ("focal point", &focal)] {
        let r = c.post(&format!("/admin/users/{member_id}/grants"), &[("role", "admin")]);
        assert_eq!(r.status, 403, "{who} granting");
        let r = c.post("/admin/grants/1/revoke", &[]);
        assert_eq!(r.status, 403, "{who} revoking");
        for action in ["/admin/content/1/take", "/admin/content/1/keep"] {
            assert_eq!(c.post(action, &[]).status, 403, "{who} {action}");
        }
    }
    let r = anonymous.post(&format!("/admin/users/{member_id}/grants"), &[("role", "admin")]);
    assert_eq!(r.status, 303);
    let r = app.client().post_with_headers("/admin/audit", &[], &[]);
    assert_eq!(r.status, 404, "unknown method/route");

    let mut conn = app.db();
    let roles = solex::models::role::for_user(&mut conn, member_id).unwrap();
    assert!(roles.grants.is_empty(), "nothing was granted by the refused requests");

    // The dashboard tells each person their roles.
    let dash = moderator.get("/dashboard").body;
    assert!(dash.contains("Moderator of Energy efficiency in foundries"), "{dash}");
    assert!(focal.get("/dashboard").body.contains("Focal point for Haryana"));
    assert!(!member.get("/").body.contains("/admin/users"), "no admin link for members");
    assert!(admin.get("/").body.contains("/admin/users"));
}

#[test]
fn grants_and_revocations_are_audited() {
    let app = TestApp::start();
    let silk = community(&app, "silk-child-labour", "Child labour and working conditions");
    let admin = app.admin("admin@example.org", PW);
    app.member("nfp@example.org", PW, "Nandini");
    let id = app.user_id("nfp@example.org");

    let r = grant(&admin, id, &[("role", "focal_point"), ("state", "national")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = grant(&admin, id, &[("role", "focal_point"), ("state", "national")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("already holds that role"));
    let r = grant(&admin, id, &[("role", "moderator"), ("community_id", "")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose the community"));
    let r = grant(&admin, id, &[("role", "moderator"), ("community_id", "99999")]);
    assert!(r.body.contains("does not exist"));
    let r = grant(&admin, id, &[("role", "focal_point"), ("state", "Narnia")]);
    assert!(r.body.contains("Choose a state"));
    let r = grant(&admin, id, &[("role", "emperor")]);
    assert!(r.body.contains("Choose a role"));
    assert_eq!(grant(&admin, id, &[("role", "moderator"), ("community_id", &silk.to_string())]).status, 303);

    let page = admin.get(&format!("/admin/users/{id}")).body;
    assert!(page.contains("National focal point"));
    assert!(page.contains("Moderator of Child labour and working conditions"));

    let mut conn = app.db();
    let roles = solex::models::role::for_user(&mut conn, id).unwrap();
    assert!(roles.is_national_focal_point() && roles.moderates(silk) && !roles.is_admin());
    let grant_id = roles.grants.iter().find(|g| g.role == "moderator").unwrap().id;
    drop(conn);
    let r = admin.post(&format!("/admin/grants/{grant_id}/revoke"), &[]);
    assert_eq!(r.status, 303);

    let audit = admin.get("/admin/audit").body;
    assert!(audit.contains("national focal point"), "{audit}");
    assert!(audit.contains("revoke"));
    assert!(audit.contains("moderator of Child labour and working conditions"));
    // The details are stored as messages, so an administrator reading Hindi reads them in Hindi.
    assert_eq!(admin.get("/lang/hi?next=/admin/audit").status, 303);
    let audit = admin.get("/admin/audit").body;
    assert!(audit.contains("राष्ट्रीय फ़ोकल पॉइंट") && audit.contains("Child labour and working conditions के मॉडरेटर"), "{audit}");
    assert!(!audit.contains("national focal point") && !audit.contains("moderator of"), "{audit}");
    assert!(audit.contains("Asha Admin"), "the actor is named");
    assert!(audit.contains("console"), "the first grant came from the command line");
    let mut conn = app.db();
    let entries = solex::models::audit::for_subject(&mut conn, id).unwrap();
    assert_eq!(entries.len(), 3, "two grants, one revocation");
    assert!(entries.iter().all(|e| e.actor_id == Some(app.user_id("admin@example.org"))));
}

#[test]
fn the_last_administrator_cannot_be_removed_but_others_can() {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", PW);
    let admin_id = app.user_id("admin@example.org");
    let own = {
        let mut conn = app.db();
        solex::models::role::for_user(&mut conn, admin_id).unwrap().grants[0].id
    };
    let r = admin.post(&format!("/admin/grants/{own}/revoke"), &[]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("last administrator"), "{}", r.body);

    app.member("second@example.org", PW, "Second");
    let second = app.user_id("second@example.org");
    assert_eq!(grant(&admin, second, &[("role", "admin")]).status, 303);
    let second_client = app.client();
    assert_eq!(second_client.sign_in("second@example.org", PW).status, 303);
    assert_eq!(second_client.get("/admin/users").status, 200, "new role applies at once");
    assert_eq!(admin.post(&format!("/admin/grants/{own}/revoke"), &[]).status, 303);
    assert_eq!(admin.get("/admin/users").status, 403, "revocation applies at once");
}

#[test]
fn the_user_list_pages_through_everyone() {
    let app = TestApp::start();
    let admin = app.admin("admin@example.org", PW);
    {
        let mut conn = app.db();
        for i in 0..60 {
            let email = format!("bulk{i:02}@example.org");
            solex::models::user::insert(
                &mut conn,
                &solex::models::user::NewUser {
                    email: &email, password_hash: "", name: &format!("Bulk {i:02}"), organisation: "", state: "", district: "",
                    role_title: "", language: "en", email_verified_at: None, created_at: solex::models::now(), mail_token: None,
                },
            )
            .unwrap();
        }
    }
    let first = admin.get("/admin/users").body;
    assert!(first.contains("rel=\"next\"") && first.contains("Bulk 00") && !first.contains("Bulk 59"));
    let second = admin.get("/admin/users?page=2").body;
    assert!(second.contains("Bulk 59") && second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
}

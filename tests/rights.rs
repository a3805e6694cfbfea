//! Rights and privacy: who may edit which knowledge page (and the page's record of who did
//! what), which threads a page may name, what references resolve to, who reads rejection
//! reasons, and page numbers that cannot break a list.

mod common;

use common::world::{ask, decide, world, World};
use common::{hidden_value, Client, Resp};

/// The table row (of the page's events) that names both the actor and the action.
fn has_row(body: &str, actor: &str, action: &str) -> bool {
    body.split("<tr>").any(|row| row.contains(&format!("<td>{actor}</td>")) && row.contains(&format!("<td>{action}</td>")))
}

fn grant_knowledge_editor(w: &World, email: &str) {
    let id = w.app.user_id(email);
    let r = w.admin.submit(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/grants"), &[("role", "knowledge_editor")]);
    assert_eq!(r.status, 303, "grant: {}", r.body);
    assert!(w.admin.get(&format!("/admin/users/{id}")).body.contains("Knowledge editor"));
}

/// The member answers "may we name you as a contributor?" with yes.
fn consent_to_credit(c: &Client) {
    let r = c.submit("/credit-consent", "/credit-consent", &[("next", "/dashboard"), ("consent", "yes")]);
    assert_eq!(r.status, 303, "{}", r.body);
}

/// An approved question in foundry-energy (members only), as a page's source.
fn approved_thread(w: &World, title: &str) -> i64 {
    let id = ask(w, &w.alice, title, "Where can we use it?");
    assert_eq!(decide(w, &w.moderator, id, &[("action", "approve")]).status, 303);
    id
}

fn page_fields<'a>(rev: &'a str, title: &'a str, solution: &'a str, threads: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("revision", rev), ("title", title), ("problem", "Slag piles up."), ("solution", solution),
        ("themes", "energy-efficiency"), ("language", "en"), ("source_threads", threads),
    ]
}

fn revision_of(c: &Client, slug: &str) -> String {
    let edit = c.get(&format!("/kb/{slug}/edit"));
    assert_eq!(edit.status, 200, "{}", edit.body);
    hidden_value(&edit.body, "revision").unwrap()
}

fn status_of(w: &World, slug: &str) -> String {
    let mut conn = w.app.db();
    solex::models::page::find_by_slug(&mut conn, slug).unwrap().map(|p| p.status.to_string()).unwrap_or_default()
}

#[test]
fn knowledge_pages_are_edited_by_their_themes_moderators_and_knowledge_editors_and_every_change_is_logged() {
    let w = world();
    let thread = approved_thread(&w, "Slag from cupolas");
    let t = thread.to_string();
    let path = format!("/kb/new?thread={thread}");
    // mod@ moderates foundry-energy (theme energy-efficiency): their draft.
    let r = w.moderator.submit(&path, &path, &[("slug", "slag-reuse"), ("title", "Reusing slag"), ("problem", "Slag piles up."), ("solution", "Sell it."), ("themes", "energy-efficiency"), ("language", "en"), ("source_threads", &t)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let rev = revision_of(&w.moderator, "slag-reuse");

    // othermod@ moderates child-labour: not a page of their theme. Every action is refused.
    let other = &w.other_moderator;
    for (who, c) in [("moderator of an unrelated community", other), ("member", &w.outsider)] {
        for get in ["/kb/slag-reuse/edit", "/kb/slag-reuse/revisions", "/kb/slag-reuse/revisions/1", "/kb/cutting-coke-use-in-cupola-furnaces/edit", "/admin/looks", &path] {
            assert_eq!(c.get(get).status, 403, "{who}: GET {get}");
        }
        assert_eq!(c.get("/kb/slag-reuse").status, 404, "{who}: the draft is not shown");
        let mut publish = page_fields(&rev, "Hijacked", "Hijacked.", &t);
        publish.push(("action", "publish"));
        for (action, fields) in [
            ("/kb/slag-reuse/edit", page_fields(&rev, "Hijacked", "Hijacked.", "")),
            ("/kb/slag-reuse/edit", publish),
            ("/kb/slag-reuse/rename", vec![("new_slug", "hijacked")]),
            ("/kb/slag-reuse/withdraw", vec![("note", "Hijacked.")]),
            ("/kb/slag-reuse/revisions/1/restore", vec![]),
            ("/kb/cutting-coke-use-in-cupola-furnaces/withdraw", vec![("note", "Hijacked.")]),
            ("/admin/looks", vec![("theme", "energy-efficiency"), ("layout", "card"), ("accent", "#000000")]),
        ] {
            assert_eq!(c.post(action, &fields).status, 403, "{who}: POST {action}");
        }
        // A new draft of a theme they do not edit is refused too.
        let r = c.post("/kb/new", &[("slug", "hijack-new"), ("title", "Hijack"), ("problem", "p"), ("solution", "s"), ("themes", "energy-efficiency"), ("language", "en")]);
        assert_eq!(r.status, 403, "{who}: POST /kb/new");
    }
    assert_eq!(status_of(&w, "slag-reuse"), "draft", "not published");
    assert_eq!(status_of(&w, "hijack-new"), "", "not created");
    assert_eq!(w.app.client().get("/kb/cutting-coke-use-in-cupola-furnaces").status, 200, "not withdrawn");
    // ... while a page of their own theme is theirs.
    let silk = revision_of(other, "child-labour-free-silk-reeling");
    let r = other.post("/kb/child-labour-free-silk-reeling/edit", &[("revision", &silk), ("title", "Silk reeling without children"), ("problem", "Children reel silk."), ("solution", "Train the reelers."), ("themes", "child-labour"), ("language", "en")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let list = other.get("/kb/pages").body;
    assert!(list.contains("Silk reeling without children") && !list.contains("Reusing slag"), "the editors' list shows their pages only");

    // The page's own moderator publishes it.
    let mut publish = page_fields(&rev, "Reusing slag", "Sell it to brick makers.", &t);
    publish.push(("action", "publish"));
    assert_eq!(w.moderator.post("/kb/slag-reuse/edit", &publish).status, 200);
    assert_eq!(status_of(&w, "slag-reuse"), "published");

    // A knowledge editor, granted by an administrator, edits any page: save, rename, roll back, withdraw.
    assert_eq!(w.outsider.get("/kb/slag-reuse/edit").status, 403, "not before the grant");
    grant_knowledge_editor(&w, "out@example.org");
    let ke = &w.outsider;
    let rev = revision_of(ke, "slag-reuse");
    assert_eq!(ke.post("/kb/slag-reuse/edit", &page_fields(&rev, "Reusing slag", "Sell it to brick makers and road builders.", &t)).status, 200);
    // The public page names nobody who has not agreed to be named: it gives their role.
    let public = w.app.client().get("/kb/slag-reuse").body;
    assert!(public.contains("Published by: a moderator") && public.contains("Last changed by: an editor"), "{public}");
    assert!(!public.contains("Meena Moderator") && !public.contains("Olga Outsider"), "{public}");
    consent_to_credit(&w.moderator);
    let public = w.app.client().get("/kb/slag-reuse").body;
    assert!(public.contains("Published by: Meena Moderator") && public.contains("Last changed by: an editor"), "{public}");
    let r = ke.post("/kb/slag-reuse/rename", &[("new_slug", "reusing-slag")]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(ke.post("/kb/reusing-slag/revisions/2/restore", &[]).status, 303);
    assert_eq!(ke.get("/kb/cutting-coke-use-in-cupola-furnaces/edit").status, 200, "every theme");
    assert_eq!(ke.post("/kb/reusing-slag/withdraw", &[("note", "Merged into the slag overview.")]).status, 303);
    assert_eq!(w.app.client().get("/kb/reusing-slag").status, 410);

    // The history names who did each thing.
    let history = w.moderator.get("/kb/reusing-slag/revisions");
    assert_eq!(history.status, 200);
    let h = &history.body;
    for (actor, action) in [
        ("Meena Moderator", "created"),
        ("Meena Moderator", "saved"),
        ("Meena Moderator", "published"),
        ("Olga Outsider", "saved"),
        ("Olga Outsider", "renamed"),
        ("Olga Outsider", "rolled back"),
        ("Olga Outsider", "withdrawn"),
    ] {
        assert!(has_row(h, actor, action), "{actor} {action} in the history: {h}");
    }
    assert!(!h.contains("Omar Other") && !h.contains("Hijacked"), "nothing refused was done or logged");
    assert!(h.contains("slag-reuse → reusing-slag") && h.contains("Merged into the slag overview."));
}

#[test]
fn a_page_names_as_sources_only_threads_its_editor_may_distil() {
    let w = world();
    // A question in foundry-energy, a members-only community othermod@ does not moderate.
    let thread = approved_thread(&w, "Slag from cupolas");
    let t = thread.to_string();
    let other = &w.other_moderator;
    assert_eq!(other.get(&format!("/kb/new?thread={thread}")).status, 403, "the builder refuses it");
    // The builder quotes a picked post into the page credited as its author agreed: Alice
    // has not been asked, so she is a community member.
    let quote = |w: &World| {
        let b = w.moderator.get(&format!("/kb/new?thread={thread}&pick={thread}"));
        assert_eq!(b.status, 200, "{}", b.body);
        b.body.split("name=\"solution\"").nth(1).unwrap().split("</textarea>").next().unwrap().to_string()
    };
    let solution = quote(&w);
    assert!(solution.contains("— A community member") && !solution.contains("Alice"), "{solution}");
    consent_to_credit(&w.alice);
    assert!(quote(&w).contains("— Alice Ahuja"));
    let fields = |slug: &'static str, threads: &str| -> Vec<(String, String)> {
        [("slug", slug), ("title", "Child-safe slag handling"), ("problem", "Children carry slag."), ("solution", "Stop it."), ("themes", "child-labour"), ("language", "en"), ("source_threads", threads)]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let post = |c: &Client, path: &str, f: &[(String, String)]| -> Resp {
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.post(path, &refs)
    };
    // ... and so does saving: a new page naming it, or a thread that does not exist.
    for threads in [t.as_str(), "99999999"] {
        let r = post(other, "/kb/new", &fields("child-safe-slag", threads));
        assert_eq!(r.status, 400, "{threads}: {}", r.body);
        assert!(r.body.contains("cannot be named here"), "{}", r.body);
    }
    assert_eq!(status_of(&w, "child-safe-slag"), "", "nothing created");
    // ... an existing page of their theme gaining it as a source.
    let rev = revision_of(other, "child-labour-free-silk-reeling");
    let mut f = fields("", &t);
    f.push(("revision".into(), rev));
    let r = post(other, "/kb/child-labour-free-silk-reeling/edit", &f);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("cannot be named here"));
    {
        let mut conn = w.app.db();
        let p = solex::models::page::find_by_slug(&mut conn, "child-labour-free-silk-reeling").unwrap().unwrap();
        assert!(!p.thread_ids().contains(&thread), "the source was not added");
    }
    // A knowledge editor is no member of the closed community: refused as well.
    grant_knowledge_editor(&w, "out@example.org");
    let r = post(&w.outsider, "/kb/new", &fields("ke-slag", &t));
    assert_eq!(r.status, 400, "{}", r.body);

    // The thread's own moderator may name it; an editor who keeps it as a source may save.
    let r = post(&w.moderator, "/kb/new", &[fields("slag-sources", &t), vec![("themes".into(), "energy-efficiency".into())]].concat());
    assert_eq!(r.status, 303, "{}", r.body);
    let rev = revision_of(&w.outsider, "slag-sources");
    let mut f = fields("", &t);
    f.push(("revision".into(), rev));
    assert_eq!(post(&w.outsider, "/kb/slag-sources/edit", &f).status, 200, "sources already named stay");
}

#[test]
fn rejection_reasons_in_the_moderation_log_are_for_the_author_and_the_moderators() {
    let w = world();
    let reason = "Names a child worker at the Samalkha unit";
    let id = ask(&w, &w.alice, "Workers at our unit", "Here is who works for us.");
    assert_eq!(decide(&w, &w.moderator, id, &[("action", "reject"), ("canned", ""), ("message", reason)]).status, 303);
    let log = format!("/c/{}/log", w.slug);
    for (who, c) in [("the author", &w.alice), ("the moderator", &w.moderator)] {
        let r = c.get(&log);
        assert_eq!(r.status, 200);
        assert!(r.body.contains(reason), "{who} reads the reason");
    }
    for (who, c) in [("another member", &w.bob), ("an administrator", &w.admin)] {
        let r = c.get(&log);
        assert_eq!(r.status, 200, "{who}");
        assert!(r.body.contains("rejected"), "{who} sees that a post was rejected: {}", r.body);
        assert!(!r.body.contains(reason) && !r.body.contains("Samalkha unit"), "{who} does not read why");
    }
}

#[test]
fn any_page_number_gives_a_page_never_an_error() {
    let w = world();
    w.app.grant_focal_point(&w.admin, "out@example.org", "Haryana");
    let anonymous = w.app.client();
    let lists: Vec<(String, &Client)> = vec![
        (format!("/c/{}", w.slug), &w.alice),
        (format!("/c/{}", w.slug), &anonymous),
        ("/admin/users".to_string(), &w.admin),
        ("/registry/initiatives".to_string(), &anonymous),
        ("/registry/clusters".to_string(), &w.outsider),
        ("/registry/agencies".to_string(), &anonymous),
        ("/registry/practices".to_string(), &anonymous),
    ];
    for (list, c) in &lists {
        for page in ["9223372036854775807", "-9223372036854775808", "-1", "0", "abc", "99999999999999999999999", "1e9", ""] {
            let path = format!("{list}?page={page}");
            let r = c.get(&path);
            assert_eq!(r.status, 200, "{path}: {}", r.body);
        }
    }
    // A page beyond the end is an empty page that links back, not an error.
    let r = w.alice.get(&format!("/c/{}?page=9223372036854775807", w.slug));
    assert!(r.body.contains("rel=\"prev\""), "{}", r.body);
}

/// Focal points for two states: pb@ (Punjab, returned) and out@ (Haryana).
fn punjab_and_haryana(w: &World) -> Client {
    let punjab = w.app.member("pb@example.org", common::world::PW, "Preet Punjab");
    w.app.grant_focal_point(&w.admin, "pb@example.org", "Punjab");
    w.app.grant_focal_point(&w.admin, "out@example.org", "Haryana");
    punjab
}

#[test]
fn references_resolve_only_to_what_the_public_can_see() {
    let w = world();
    let punjab = punjab_and_haryana(&w);
    let haryana = &w.outsider;
    // Another state's draft, a draft page and a closed community's thread.
    let r = punjab.submit("/registry/clusters/new", "/registry/clusters/new", &[("slug", "ludhiana-secret-cluster"), ("name", "Ludhiana secret cluster"), ("sector", "Metal and foundry"), ("state", "Punjab"), ("action", "draft")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = w.other_moderator.post("/kb/new", &[("slug", "secret-draft-page"), ("title", "Secret draft page"), ("problem", "p"), ("solution", "s"), ("themes", "child-labour"), ("language", "en")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let thread = approved_thread(&w, "Private question in a closed community");
    let t = thread.to_string();

    // A registry record may name none of them, and is told in the words used for what does not exist.
    let base = [("slug", "karnal-audits"), ("title", "Audits in Karnal"), ("state", "Haryana"), ("action", "draft")];
    for (field, value, message) in [
        ("cluster", "ludhiana-secret-cluster", "No cluster named"),
        ("pages", "secret-draft-page", "No knowledge page is called"),
        ("threads", t.as_str(), "No thread"),
    ] {
        let mut fields = base.to_vec();
        fields.push((field, value));
        let r = haryana.submit("/registry/initiatives/new", "/registry/initiatives/new", &fields);
        assert_eq!(r.status, 400, "{field}: {}", r.body);
        assert!(r.body.contains(message), "{field}: {}", r.body);
    }
    // What is public may be named, and shows on the record.
    let mut fields = base.to_vec();
    fields.extend([("cluster", "samalkha-foundry"), ("pages", "cutting-coke-use-in-cupola-furnaces")]);
    let r = haryana.submit("/registry/initiatives/new", "/registry/initiatives/new", &fields);
    assert_eq!(r.status, 303, "{}", r.body);

    // A page linking them: the report calls them broken, as for a reader, and the page
    // shows nothing of them.
    let rev = revision_of(&w.moderator, "cutting-coke-use-in-cupola-furnaces");
    let solution = "See [a](/registry/clusters/ludhiana-secret-cluster), [b](/kb/secret-draft-page) and [c](/kb/samalkha-cupola-coke-bachat).";
    let r = w.moderator.post("/kb/cutting-coke-use-in-cupola-furnaces/edit", &[
        ("revision", &rev), ("title", "Cutting coke use in cupola furnaces"), ("problem", "Coke is costly."), ("solution", solution),
        ("themes", "energy-efficiency"), ("language", "en"),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
    let report = r.body.split("These links point to no page").nth(1).expect("broken links reported").split("</div>").next().unwrap();
    assert!(report.contains("registry/clusters/ludhiana-secret-cluster") && report.contains("secret-draft-page"), "{report}");
    assert!(!report.contains("samalkha-cupola-coke-bachat"), "the public page is found");
    let public = w.app.client().get("/kb/cutting-coke-use-in-cupola-furnaces").body;
    assert!(!public.contains("Ludhiana secret cluster") && !public.contains("Secret draft page"), "no title of a draft is shown");
    let thread_page = w.alice.get(&format!("/c/{}/t/{thread}", w.slug)).body;
    assert!(!thread_page.contains("Audits in Karnal"), "the refused reference tagged nothing");
}

#[test]
fn a_rollback_passes_the_same_checks_as_an_edit() {
    let w = world();
    // othermod@ writes a child-labour page; an administrator moves it to energy-efficiency,
    // which makes it mod@'s page too.
    let r = w.other_moderator.post("/kb/new", &[("slug", "dye-house-children"), ("title", "Children in dye houses"), ("problem", "p"), ("solution", "s"), ("themes", "child-labour"), ("language", "en")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let rev = revision_of(&w.admin, "dye-house-children");
    let r = w.admin.post("/kb/dye-house-children/edit", &[("revision", rev.as_str()), ("title", "Dye house energy"), ("problem", "p"), ("solution", "s"), ("themes", "energy-efficiency"), ("language", "en")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let themes = |w: &World| {
        let mut conn = w.app.db();
        solex::models::page::find_by_slug(&mut conn, "dye-house-children").unwrap().unwrap().themes
    };
    assert_eq!(themes(&w), "energy-efficiency");
    // mod@ may edit it now, but restoring revision 1 would give it only a theme they do not
    // edit: refused, as the same change by the edit form is.
    assert_eq!(w.moderator.get("/kb/dye-house-children/edit").status, 200);
    let r = w.moderator.post("/kb/dye-house-children/revisions/1/restore", &[]);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Keep at least one theme you edit"), "{}", r.body);
    assert_eq!(themes(&w), "energy-efficiency", "not rolled back");
    let history = w.moderator.get("/kb/dye-house-children/revisions").body;
    assert!(!has_row(&history, "Meena Moderator", "rolled back"), "nothing logged");
    // The administrator edits every theme and may restore it.
    assert_eq!(w.admin.post("/kb/dye-house-children/revisions/1/restore", &[]).status, 303);
    assert_eq!(themes(&w), "child-labour");
}

#[test]
fn a_registry_import_answers_for_another_states_draft_as_for_a_web_name_that_does_not_exist() {
    let w = world();
    let punjab = punjab_and_haryana(&w);
    // Punjab keeps one draft and one submitted for review, neither published.
    for (slug, action) in [("ludhiana-draft-cluster", "draft"), ("ludhiana-waiting-cluster", "submit")] {
        let r = punjab.submit("/registry/clusters/new", "/registry/clusters/new", &[("slug", slug), ("name", "Ludhiana cluster"), ("sector", "Metal and foundry"), ("state", "Punjab"), ("action", action)]);
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let check = |slug: &str| {
        let csv = format!("slug,name,sector,state\r\n{slug},Panipat cluster,Metal and foundry,Haryana\r\n");
        let r = w.outsider.post_multipart("/registry/import", &[("kind", "cluster"), ("mode", "check")], &[("file", "clusters.csv", csv.as_bytes())]);
        (r.status, r.body.replace(slug, "SLUG"))
    };
    let absent = check("no-such-cluster-anywhere");
    assert_eq!(absent.0, 200, "{}", absent.1);
    for slug in ["ludhiana-draft-cluster", "ludhiana-waiting-cluster"] {
        let (status, body) = check(slug);
        assert!(!body.contains("Punjab") && !body.contains("waiting for review"), "{slug}: {body}");
        assert_eq!((status, body), absent, "{slug} is answered for as a web name that does not exist");
    }
    // Punjab's own focal point still hears about its record.
    let csv = "slug,name,sector,state\r\nludhiana-waiting-cluster,Ludhiana cluster,Metal and foundry,Punjab\r\n";
    let r = punjab.post_multipart("/registry/import", &[("kind", "cluster"), ("mode", "check")], &[("file", "clusters.csv", csv.as_bytes())]);
    assert!(r.body.contains("waiting for review"), "{}", r.body);
}

//! Interface strings in English and Hindi, as data: src/views/locales/{en,hi}.ftl (Fluent),
//! embedded in the binary at compile time. Each language's argument-free strings are read out
//! once into a `Strings` table, so a page reads a field instead of looking a message up;
//! messages with arguments, and the messages services return, go through `fmt` and `msg`.
//! The tests below check that both files parse and carry the same keys and arguments.

use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{langid, LanguageIdentifier};

use crate::error::{Arg, Message};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./src/views/locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: pages set lang and dir themselves, and
        // the marks would ride along into copied text, mail subjects and CSV.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Hi,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Hi => "hi",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "hi" => Some(Lang::Hi),
            _ => None,
        }
    }

    /// The first supported language in an Accept-Language header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .map(|tag| tag.trim().to_ascii_lowercase())
            .find_map(|tag| Lang::from_code(tag.split('-').next().unwrap_or("")))
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::En => &EN,
            Lang::Hi => &HI,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        static EN_ID: LanguageIdentifier = langid!("en");
        static HI_ID: LanguageIdentifier = langid!("hi");
        match self {
            Lang::En => &EN_ID,
            Lang::Hi => &HI_ID,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Hi,
            Lang::Hi => Lang::En,
        }
    }

    /// The language's own name, for the switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Hi => "हिन्दी",
        }
    }
}

/// Declares `Strings` with one `&'static str` per argument-free message and fills it from the
/// locale files; a field `foo_bar` reads the key `foo-bar`. The list is the one place a new
/// plain string is named.
macro_rules! strings {
    ($($field:ident,)*) => {
        pub struct Strings {
            pub lang: Lang,
            /// Every argument-free message by key, for labels named by data (kinds, fields,
            /// log actions): one hash lookup, no allocation.
            plain: HashMap<&'static str, &'static str>,
            $(pub $field: &'static str,)*
        }

        impl Strings {
            fn load(lang: Lang) -> Strings {
                let plain = plain_messages(lang);
                let field = |name: &str| plain.get(name.replace('_', "-").as_str()).copied().unwrap_or("");
                Strings { lang, $($field: field(stringify!($field)),)* plain }
            }
        }

        /// The fields of `Strings`, for the tests.
        pub const FIELDS: &[&str] = &[$(stringify!($field),)*];
    };
}

strings! {
    site_name, tagline, skip_link, nav_label, nav_home, nav_dashboard, nav_profile, nav_admin,
    nav_sign_in, nav_register, nav_sign_out, switch_language, footer, form_problem, home_title,
    home_intro, home_communities, home_knowledge, home_registry, field_email, field_password,
    field_password_hint, field_new_password, field_name, field_organisation, field_state,
    field_district, field_role_title, field_language, choose_state, optional, register_title,
    register_intro, register_button, register_done_title, register_done_body, sign_in_title,
    sign_in_button, forgot_link, no_account, verified_title, verified_body, link_problem_title,
    forgot_title, forgot_intro, forgot_button, forgot_sent, reset_title, reset_button, reset_done,
    profile_title, save, saved, sessions_title, sessions_intro, session_started, session_last_seen,
    sign_out_everywhere, signed_out_everywhere, dashboard_title, welcome, your_roles, role_member,
    role_admin, role_moderator, role_focal_point, role_national_focal_point, role_knowledge_editor,
    kb_events, kb_published_by, kb_changed_by, kb_by_moderator, kb_by_editor, kb_event_created,
    kb_event_saved, kb_event_published, kb_event_renamed, kb_event_withdrawn, kb_event_rolled_back,
    admin_users_title, admin_audit_title, admin_user_title, grant_role, grant_button, revoke_button,
    col_name, col_email, col_roles, col_verified, col_when, col_who, col_action, col_detail,
    field_role, field_community, field_focal_state, national, yes, no, previous, next,
    error_404_title, error_404_body, error_403_title, error_403_body, error_csrf_body,
    error_410_title, error_410_body, error_429_title, error_500_title, error_500_body,
    error_400_title, back_home, nav_communities, nav_my_posts, communities_title, communities_intro,
    no_communities, members_count, invite_only, member_badge, join_requested, invited_accept,
    join_to_post, join_button, leave_button, public_label, new_query, queue_link, due_link,
    members_link, settings_link, log_link, threads_heading, members_only_notice, no_threads,
    replies, field_title, field_body, field_body_hint, field_themes, field_sector, field_files,
    field_files_hint, files_reattach, submit_post, post_submitted, post_published,
    attachments_heading, edited_by_moderator, flag_button, flag_reason, flag_thanks, make_public,
    make_private, reply_heading, reply_button, my_posts_title, no_posts, moderator_message,
    what_changed, edit_resubmit, your_text, status_pending, status_held, status_changes_requested,
    status_approved, status_rejected, status_removed, queue_title, filter_waiting, filter_held,
    filter_flags, filter_sent, kind_all, kind_queries, kind_replies, queue_empty, select_item,
    claimed_by, held_because, flags_heading, bulk_heading, bulk_approve, bulk_reject, canned_reason,
    message_to_author, review_title, claim_button, decide_heading, action_approve,
    action_edit_approve, action_changes, action_reject, action_hold, decide_button, keep_post,
    remove_post, history, action_done, log_title, due_title, due_by, overdue, requests_heading,
    approve, decline, invite_heading, invite_button, invited_heading, active_heading,
    field_description, field_theme, field_join_policy, policy_request, policy_invite,
    field_public_threads, field_premoderation, premod_all, premod_new, field_trusted_after,
    field_hold_rules, hold_rules_hint, field_canned, field_response_days, create_community,
    field_slug, field_slug_hint, field_moderators, field_auto_digest, mail_reply_hint,
    mail_on_the_web, mail_delivery, mail_unsubscribe, mail_thread, mail_digest_heading,
    mail_summary_heading, mail_notice_line, delivery_each, delivery_daily, delivery_weekly,
    delivery_summary, delivery_web, delivery_choose, mail_stopped, resume_mail, held_heading,
    held_intro, held_send, held_sent, reset_mail_links, reset_mail_links_help,
    admin_reset_mail_links, unsubscribe_button, digests_title, digest_audience, digest_new,
    digest_recipients, digest_preview, digest_editorial, digest_items, digest_position,
    digest_send_at, digest_schedule, digest_send_now, digest_sent_to, saved_short, digests_link,
    field_credit_consent, credit_consent_hint, credit_question_title, credit_question_body,
    credit_yes, credit_no, change_password_title, field_current_password, change_password_button,
    password_changed_notice, admin_disable_account, admin_enable_account, admin_account_disabled,
    admin_security_title, admin_security_intro, admin_filter_account, admin_filter_kind,
    admin_filter_address, admin_filter_button, admin_no_events, nav_knowledge, kb_title, kb_intro,
    kb_themes, kb_recent, kb_near, kb_contributors, kb_contributors_hint, kb_sources, kb_threads,
    kb_backlinks, kb_related, kb_edit, kb_subject, kb_problem, kb_solution, kb_link_hint,
    kb_translation, kb_builder, kb_builder_intro, kb_use_excerpts, kb_new_page, kb_save_draft,
    kb_pages, kb_broken_links, kb_change_note, kb_publish, kb_rename, kb_withdraw, kb_withdraw_note,
    kb_restore, kb_looks, kb_layout, kb_accent, kb_distil, search_title, search_label,
    search_button, search_results, search_try_theme, search_narrow, search_facet_kind,
    search_kind_page, search_kind_thread, nav_registry, registry_title, registry_intro,
    registry_by_state, registry_state, registry_total, registry_recent, registry_none,
    registry_filter, registry_clear, registry_any, registry_year, registry_district,
    registry_export, registry_overdue, registry_unpublished, registry_related, registry_pages,
    registry_threads, registry_history, registry_edit, registry_new, registry_import, registry_work,
    registry_waiting, registry_mine, registry_overdue_list, registry_save_draft, registry_submit,
    registry_review, registry_field, registry_published_value, registry_submitted_value,
    registry_comment, registry_general_comment, registry_approve, registry_return,
    registry_changed_only, registry_reviewer_said, registry_saved, registry_sent,
    registry_published_notice, registry_returned_notice, registry_import_intro, registry_kind,
    registry_file, registry_check, registry_do_import, registry_problems, registry_line,
    registry_column, registry_clean, registry_imported, error_413_body, error_408_body,
    registry_template, vocab_title, vocab_code, vocab_label, vocab_label_hi, vocab_group,
    vocab_retired, vocab_add, vocab_save, registry_withdraw, registry_withdraw_note,
    registry_withdrawn_notice, registry_withdrawn_public, registry_status_draft,
    registry_status_submitted, registry_status_returned, registry_status_published,
    registry_status_superseded, registry_status_withdrawn,
    registry_facet_sector, registry_facet_stage, registry_facet_see_issue, registry_facet_br_activity,
    registry_facet_scheme, pages_nav, registry_indicator, registry_baseline, registry_latest, registry_unit,
    registry_cite, registry_slug_optional, registry_slug_hint,
    tabs_kind, registry_changed_mark, mail_registry_check_again, mail_registry_open,
    mail_refused_help, mail_refused_parts, mail_dropped_help, inbound_log_title, inbound_log_link, inbound_log_intro,
    inbound_log_empty, col_outcome, col_sender, col_recipient, col_reason, inbound_dropped,
    inbound_post, mail_stopped_heading, resume_member_mail, mail_resumed_notice,
    // --- hindi ---
    glossary_title, glossary_intro, glossary_link, glossary_on_page, kb_status_draft,
    kb_status_withdrawn, kb_status_published, search_facet_language,
    // --- home ---
    home_search_heading, home_examples, home_example_1, home_example_1_q, home_example_2,
    home_example_2_q, home_example_3, home_example_3_q, home_example_4, home_example_4_q,
    home_doors, home_door_solutions_hint, home_door_communities_hint, home_door_registry_hint,
    home_themes, home_newest, home_all_solutions, home_ask_heading, home_ask_intro,
    home_membership, home_join, home_sign_in_to_ask, home_ask_in, home_join_community,
    search_filter, search_active_filters, search_remove_filter,
    // --- sitepages ---
    footer_nav_label, site_about, site_contact, site_privacy, site_accessibility, site_terms,
    site_feed, site_sitemap, site_host, site_contact_email, site_grievance_officer, site_updated,
    site_edit, site_pages_title, site_pages_intro, site_page_shipped, site_page_body,
    site_page_body_hint, site_page_save, site_page_saved, site_page_view, error_405_title,
    error_405_body, error_request_id,
    // --- pictures ---
    registry_map_heading, registry_map_show, registry_map_note, registry_map_table_note,
    registry_charts_link, registry_charts_title, registry_charts_intro, registry_charts_none,
    registry_charts_by_state, registry_charts_by_sector, registry_chart_state_label,
    registry_chart_sector_label, registry_stage_unstated, registry_sector_unstated,
    registry_not_given, registry_indicators_chart,
    // --- esr ---
    esr_cards_title, esr_cards_intro, esr_only_approved, esr_card_new, esr_card_form_title,
    esr_card_none, esr_assessed_on, esr_assessed_on_hint, esr_status, esr_approved,
    esr_approved_notice, esr_returned_said, esr_reviewed_by, esr_issue, esr_economic_heading,
    esr_econ_scale, esr_parameter, esr_score, esr_note, esr_save_draft, esr_submit, esr_br_heading,
    esr_total, esr_max, esr_average, esr_econ_average, esr_inverse, esr_engagement_scaled,
    esr_final_heading, esr_factor, esr_max_score, esr_weight, esr_weighted, esr_max_weighted,
    esr_factor_existence, esr_factor_intensity, esr_factor_engagement, esr_factor_economic,
    esr_consolidated, esr_short_lists_title, esr_short_lists_intro, esr_ranking_heading,
    esr_per_state, esr_per_sector, esr_rank, esr_cluster, esr_where, esr_none_ranked, esr_publish,
    esr_publish_note, esr_published_heading, esr_none_published, esr_short_list_published,
    esr_download_csv, esr_download_json, esr_waiting, esr_mine,
    // --- rights ---
    former_member, account_deleted_note, admin_delete_account, admin_delete_account_intro,
    admin_delete_confirm, delete_remove_posts, data_notice_title, data_notice_what, data_notice_who,
    data_notice_how_long, data_notice_rights, data_notice_more, data_consent_label, your_data_title,
    consent_given, consent_none, notice_version, download_title, download_intro, download_json,
    download_html, delete_title, delete_intro, delete_what_happens, delete_posts_stay,
    delete_download_first, delete_confirm, delete_button, deleted_title, deleted_body, export_title,
    export_made, export_joined, export_consent, export_posts, export_notifications, export_registry,
    export_removals, removals_title, removals_intro, removals_none, removal_reason, removal_approve,
    removal_decline, removal_done, removals_link,
    // --- agency ---
    rating_title, rating_stale, rating_none, rating_rate, rating_source, rating_criterion,
    rating_points, rating_total, rating_saved, rating_min, rating_min_hint, rating_sort,
    rating_sort_title, rating_form_intro, rating_date, rating_date_hint, rating_note, rating_save,
    agency_requests_title, agency_requests_intro, agency_requests_to_decide, agency_requests_mine,
    agency_requests_none, agency_request_new, agency_request_update, agency_request_intro,
    agency_request_existing, agency_request_existing_hint, agency_request_send, agency_request_sent,
    agency_request_pending, agency_request_approved, agency_request_declined, agency_request_agency,
    agency_request_reason, agency_request_reason_hint, agency_request_decide,
    agency_request_decide_intro, agency_request_approve, agency_request_decline,
    // --- series ---
    series_heading, series_date, series_value, series_source, series_none, series_enter,
    series_download, series_choose, series_no_indicators, series_entry_intro, series_indicator,
    series_date_hint, series_value_hint, series_source_hint, series_save, series_saved,
    series_import_title, series_import_intro, cluster_rating_history_link, cluster_rating_national_title,
    cluster_rating_intro, cluster_rating_none, cluster_rating_history_caption, cluster_rating_national_caption, cluster_rating_date,
    cluster_rating_total, cluster_rating_by, cluster_rating_by_seed, cluster_rating_add, cluster_rating_scores, cluster_rating_scores_hint,
    cluster_rating_note, cluster_rating_save, cluster_rating_saved, cluster_rating_download, cluster_rating_cluster,
    // --- feedback ---
    registry_feedback_heading, registry_feedback_intro, registry_feedback_kind,
    registry_feedback_kind_pick, registry_feedback_kind_correction, registry_feedback_kind_update,
    registry_feedback_kind_complaint, registry_feedback_text, registry_feedback_text_hint,
    registry_feedback_name, registry_feedback_contact, registry_feedback_contact_hint,
    registry_feedback_honeypot, registry_feedback_send, registry_feedback_sent,
    registry_feedback_queue, registry_feedback_none, registry_feedback_escalated,
    registry_feedback_item, registry_feedback_received, registry_feedback_status,
    registry_feedback_status_open, registry_feedback_status_answered,
    registry_feedback_status_acted, registry_feedback_status_declined, registry_feedback_not_given,
    registry_feedback_action, registry_feedback_action_pick, registry_feedback_action_answer,
    registry_feedback_action_acted, registry_feedback_action_declined, registry_feedback_note,
    registry_feedback_save, registry_feedback_saved,
    // --- mysearch ---
    mysearch_facet, mysearch_mine,
    // --- similar ---
    similar_thanks,
    // --- experts ---
    experts_title, experts_intro, experts_become, experts_any, experts_filter_button, experts_none,
    experts_paused, experts_themes, experts_sectors, experts_states, experts_languages,
    experts_organisation, experts_experience, experts_experience_hint, experts_multi_hint,
    experts_listed, experts_pause, experts_profile_title, experts_profile_intro, experts_save,
    experts_saved, experts_deleted, experts_delete, experts_asked_heading, experts_answered,
    experts_not_answered, experts_ask_heading, experts_ask_intro, experts_ask_waiting,
    experts_ask_button, experts_ask_none, experts_match_sector, experts_match_state,
    experts_asked_page_intro, experts_directory_link,
}

pub static EN: LazyLock<Strings> = LazyLock::new(|| Strings::load(Lang::En));

/// A message in English, for operators: the command line, logs, the MTA.
pub fn english(m: &Message) -> String {
    EN.msg(m)
}
pub static HI: LazyLock<Strings> = LazyLock::new(|| Strings::load(Lang::Hi));

/// Every message of the locale files that formats without arguments, in `lang`, kept for the
/// life of the process (each is read once per language). Keys come from en.ftl; the tests check
/// hi.ftl has the same.
fn plain_messages(lang: Lang) -> HashMap<&'static str, &'static str> {
    include_str!("locales/en.ftl")
        .lines()
        .filter_map(|line| line.split_once(" = ").map(|(id, _)| id))
        .filter(|id| id.starts_with(|c: char| c.is_ascii_alphabetic()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .filter_map(|id| {
            let text = LOCALES
                .lookup_single_language::<&str>(lang.id(), id, None)
                .or_else(|_| LOCALES.lookup_single_language::<&str>(Lang::En.id(), id, None))
                .ok()?;
            Some((id, &*Box::leak(text.into_boxed_str())))
        })
        .collect()
}

/// A message in `lang`, else in English, else its key: a missing string shows, it does not break
/// the page (the tests below make sure none is missing).
fn lookup(lang: Lang, key: &str, args: Option<&HashMap<&str, FluentValue>>) -> String {
    LOCALES
        .lookup_single_language(lang.id(), key, args)
        .or_else(|_| LOCALES.lookup_single_language(Lang::En.id(), key, args))
        .unwrap_or_else(|_| key.to_string())
}

impl Strings {
    /// An argument-free message named by data, e.g. a record kind's label; its key if missing.
    pub fn get(&self, key: &'static str) -> &'static str {
        self.find(key).unwrap_or(key)
    }

    /// An argument-free message, if the locale files have it (keys built from stored codes).
    pub fn find(&self, key: &str) -> Option<&'static str> {
        self.plain.get(key).copied()
    }

    /// A message with named arguments, e.g. `t.fmt("registry-withdrawn-on", &[("date", day.into())])`.
    pub fn fmt(&self, key: &str, args: &[(&str, Arg)]) -> String {
        lookup(self.lang, key, Some(&self.fluent_args(args.iter().map(|(n, v)| (*n, v)))))
    }

    /// What a service said, in this language.
    pub fn msg(&self, m: &Message) -> String {
        let mut text = match m.args.is_empty() {
            true => self.find(m.key).map(str::to_string).unwrap_or_else(|| lookup(self.lang, m.key, None)),
            false => lookup(self.lang, m.key, Some(&self.fluent_args(m.args.iter().map(|(n, v)| (*n, v))))),
        };
        for next in &m.more {
            text.push(' ');
            text.push_str(&self.msg(next));
        }
        text
    }

    /// Text the portal stored for later (`Message::to_stored`), in this language; any other
    /// text (older rows, what a person wrote) as it is.
    pub fn stored<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        use serde_json::Value;
        let Some(Value::Object(m)) = (text.starts_with('{') && text.ends_with('}')).then(|| serde_json::from_str::<Value>(text).ok()).flatten() else {
            return text.into();
        };
        self.stored_object(&m).map(Into::into).unwrap_or_else(|| text.into())
    }

    fn stored_object(&self, m: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
        use serde_json::Value;
        let key = m.get("key").and_then(Value::as_str)?;
        let mut args: HashMap<&str, FluentValue> = HashMap::new();
        for (name, v) in m.get("args").and_then(Value::as_object).into_iter().flatten() {
            let value = match v {
                Value::String(t) => FluentValue::from(t.as_str()),
                Value::Number(n) => FluentValue::from(n.as_i64().unwrap_or_default()),
                Value::Object(o) => FluentValue::from(o.get("key").and_then(Value::as_str).and_then(|k| self.find(k)).unwrap_or("")),
                _ => continue,
            };
            args.insert(name.as_str(), value);
        }
        let mut text = lookup(self.lang, key, Some(&args));
        for next in m.get("more").and_then(Value::as_array).into_iter().flatten() {
            if let Some(more) = next.as_object().and_then(|o| self.stored_object(o)) {
                text.push(' ');
                text.push_str(&more);
            }
        }
        Some(text)
    }

    fn fluent_args<'a>(&self, args: impl Iterator<Item = (&'a str, &'a Arg)>) -> HashMap<&'a str, FluentValue<'a>> {
        args.map(|(name, value)| {
            let v = match value {
                Arg::Text(s) => FluentValue::from(s.as_str()),
                Arg::Number(n) => FluentValue::from(*n),
                Arg::Key(k) => FluentValue::from(self.get(k)),
            };
            (name, v)
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    //! The locale files as data: both parse, carry the same keys with the same arguments, are
    //! translated, and cover every field and every key the code names.

    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    const EN_FTL: &str = include_str!("locales/en.ftl");
    const HI_FTL: &str = include_str!("locales/hi.ftl");

    /// Values that are the same in both languages on purpose: names and codes.
    const SAME_IN_HINDI: &[&str] = &["site-name", "audit-registry-withdrawn"];

    /// Each message's argument names and its text with arguments written as `{$name}`.
    fn messages(name: &str, source: &'static str) -> BTreeMap<&'static str, (BTreeSet<&'static str>, String)> {
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| panic!("{name} does not parse: {errors:?}"));
        let mut out = BTreeMap::new();
        for entry in resource.body {
            match entry {
                ast::Entry::Message(m) => {
                    let value = m.value.unwrap_or_else(|| panic!("{name}: {} has no value", m.id.name));
                    let (mut vars, mut text) = (BTreeSet::new(), String::new());
                    pattern(&value, &mut vars, &mut text);
                    assert!(m.attributes.is_empty(), "{name}: {} has attributes; keep messages flat", m.id.name);
                    assert!(out.insert(m.id.name, (vars, text)).is_none(), "{name}: {} twice", m.id.name);
                }
                ast::Entry::Junk { content } => panic!("{name}: junk {content:?}"),
                ast::Entry::Term(t) => panic!("{name}: term -{} (not used here)", t.id.name),
                _ => {}
            }
        }
        out
    }

    fn pattern(p: &ast::Pattern<&'static str>, vars: &mut BTreeSet<&'static str>, text: &mut String) {
        for element in &p.elements {
            match element {
                ast::PatternElement::TextElement { value } => text.push_str(value),
                ast::PatternElement::Placeable { expression } => expression_of(expression, vars, text),
            }
        }
    }

    fn expression_of(e: &ast::Expression<&'static str>, vars: &mut BTreeSet<&'static str>, text: &mut String) {
        match e {
            ast::Expression::Inline(i) => inline(i, vars, text),
            ast::Expression::Select { selector, variants } => {
                inline(selector, vars, text);
                for v in variants {
                    pattern(&v.value, vars, text);
                }
            }
        }
    }

    fn inline(i: &ast::InlineExpression<&'static str>, vars: &mut BTreeSet<&'static str>, text: &mut String) {
        match i {
            ast::InlineExpression::VariableReference { id } => {
                vars.insert(id.name);
                text.push_str(&format!("{{${}}}", id.name));
            }
            ast::InlineExpression::Placeable { expression } => expression_of(expression, vars, text),
            ast::InlineExpression::StringLiteral { value } | ast::InlineExpression::NumberLiteral { value } => text.push_str(value),
            other => panic!("only variables and literals are used in the locale files: {other:?}"),
        }
    }

    #[test]
    fn both_locales_have_the_same_keys_and_arguments() {
        let en = messages("en.ftl", EN_FTL);
        let hi = messages("hi.ftl", HI_FTL);
        let only_en: Vec<_> = en.keys().filter(|k| !hi.contains_key(*k)).collect();
        let only_hi: Vec<_> = hi.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(only_en.is_empty() && only_hi.is_empty(), "only in en.ftl: {only_en:?}; only in hi.ftl: {only_hi:?}");
        for (key, (vars, _)) in &en {
            assert_eq!(vars, &hi[key].0, "{key}: arguments differ between en.ftl and hi.ftl");
        }
        assert_eq!(en.keys().collect::<Vec<_>>(), hi.keys().collect::<Vec<_>>());
    }

    #[test]
    fn every_hindi_message_is_translated() {
        let en = messages("en.ftl", EN_FTL);
        let hi = messages("hi.ftl", HI_FTL);
        let same: Vec<_> = en.iter().filter(|(k, (_, text))| hi[*k].1 == *text && !SAME_IN_HINDI.contains(k)).map(|(k, _)| *k).collect();
        assert!(same.is_empty(), "hi.ftl repeats the English of {same:?}; translate them or list them in SAME_IN_HINDI");
        for k in SAME_IN_HINDI {
            assert!(en.contains_key(k), "SAME_IN_HINDI names {k}, which en.ftl does not have");
        }
    }

    #[test]
    fn every_field_reads_an_argument_free_message() {
        let en = messages("en.ftl", EN_FTL);
        for field in FIELDS {
            let key = field.replace('_', "-");
            let (vars, _) = en.get(key.as_str()).unwrap_or_else(|| panic!("field {field}: no message {key} in en.ftl"));
            assert!(vars.is_empty(), "field {field}: {key} takes arguments {vars:?}; read it with fmt instead");
        }
        // The tables load, and each language reads its own file.
        assert_eq!(EN.nav_home, "Home");
        assert_eq!(HI.nav_home, "मुखपृष्ठ");
        assert_eq!(HI.lang, Lang::Hi);
    }

    #[test]
    fn arguments_and_plurals_follow_each_language() {
        let n = |count: i64| [("count", Arg::Number(count))];
        assert!(EN.fmt("registry-more-problems", &n(1)).contains(": 1 more problem is not shown."));
        assert!(EN.fmt("registry-more-problems", &n(0)).contains(": 0 more problems are not shown."));
        assert!(EN.fmt("registry-more-problems", &n(99800)).contains("99800 more problems are not shown."));
        // Hindi's "one" covers 0 and 1 (CLDR), unlike English.
        assert!(HI.fmt("registry-more-problems", &n(0)).contains("0 और समस्या नहीं दिखाई गई।"));
        assert!(HI.fmt("registry-more-problems", &n(7)).contains("7 और समस्याएँ नहीं दिखाई गईं।"));
        let verified = [("name", Arg::from("Nalini National")), ("date", Arg::from("2026-03-01"))];
        assert_eq!(EN.fmt("registry-verified", &verified), "Verified by Nalini National on 2026-03-01");
        assert_eq!(HI.fmt("registry-verified", &verified), "Nalini National द्वारा 2026-03-01 को सत्यापित");
        // A message from a service renders the same way; an unknown key shows as itself.
        assert_eq!(HI.msg(&Message::new("registry-verified-seed").arg("date", "2026-03-01")), "पुस्तक के केस अध्ययनों से, 2026-03-01 को प्रकाशित");
        assert_eq!(EN.msg(&Message { key: "no-such-key", args: vec![], more: vec![] }), "no-such-key");
    }

    #[test]
    fn a_stored_message_with_more_reads_back_whole_in_each_language() {
        let both = Message::all(vec![Message::new("post-title-missing"), Message::new("file-empty").arg("name", "a.pdf")]).unwrap();
        let stored = both.to_stored();
        assert_eq!(EN.stored(&stored), "Give your question a title. a.pdf: the file is empty.");
        assert_eq!(HI.stored(&stored), format!("{} {}", HI.msg(&Message::new("post-title-missing")), HI.msg(&Message::new("file-empty").arg("name", "a.pdf"))));
        // One message alone is stored as before: no "more".
        assert!(!Message::new("post-title-missing").to_stored().contains("more"));
    }

    /// Keys the code names as literals (in `t.fmt(KEY, ..)`, `Message::new(KEY)`), the message of field
    /// errors, refusals and CSV problems. Each must be in the locale files.
    #[test]
    fn every_key_the_code_names_exists() {
        let en = messages("en.ftl", EN_FTL);
        // Literals in these places are keys; an English sentence left there fails here too.
        let patterns = [
            r#"\.fmt\(\s*"([^"]+)""#,
            r#"Message::new\(\s*"([^"]+)""#,
            r#"AppError::field\(\s*"[a-z_]+",\s*"([^"]+)""#,
            r#"\.insert\(\s*[a-z_."]+,\s*"([^"]+)"\.into\(\)"#,
            r#"(?:BadRequest|Conflict)\(\s*"([^"]+)"\.into\(\)"#,
            r#"Err\(\s*"([^"]+)"\.into\(\)\)"#,
            r#"problem\([^()]*,\s*"([^"]+)"\)"#,
            // Labels of registry choices, stored codes and logged actions named by data.
            r#""((?:choice|held|canned|audit|log|security)-[a-z0-9-]+)""#,
        ]
        .map(|p| regex::Regex::new(p).unwrap());
        let mut named = 0;
        let mut missing = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("main.rs") && !path.ends_with("content/mod.rs") {
                    // (the command line and the content importer talk to an operator in English)
                    let source = std::fs::read_to_string(&path).unwrap();
                    for re in &patterns {
                        for c in re.captures_iter(&source) {
                            named += 1;
                            if !en.contains_key(&c[1]) {
                                missing.push(format!("{}: {}", path.display(), &c[1]));
                            }
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys not in en.ftl: {missing:#?}");
        assert!(named > 5, "the scan found only {named} keys; are the patterns stale?");
    }
}

// The one schema for both backends. Only portable column types: BigInt ids,
// Text (enums as text), Bool, Integer, Timestamp (UTC, without zone).

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        name -> Text,
        organisation -> Text,
        state -> Text,
        district -> Text,
        role_title -> Text,
        language -> Text,
        email_verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        mail_token -> Nullable<Text>,
        bounce_count -> Integer,
        mail_stopped_at -> Nullable<Timestamp>,
        credit_consent -> Bool,
        credit_consent_at -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        last_bounce_at -> Nullable<Timestamp>,
        data_consent_at -> Nullable<Timestamp>,
        data_notice_version -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        user_agent -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    communities (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        theme -> Text,
        created_at -> Timestamp,
        join_policy -> Text,
        public_threads -> Bool,
        premoderation -> Text,
        trusted_after -> Integer,
        hold_rules -> Text,
        canned_reasons -> Text,
        response_days -> Integer,
        auto_digest -> Bool,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        community_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        delivery -> Text,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        community_id -> BigInt,
        thread_id -> Nullable<BigInt>,
        author_id -> BigInt,
        title -> Text,
        body_md -> Text,
        body_html -> Text,
        themes -> Text,
        state -> Text,
        district -> Text,
        sector -> Text,
        status -> Text,
        held_reason -> Text,
        moderator_note -> Text,
        original_title -> Nullable<Text>,
        original_body_md -> Nullable<Text>,
        claimed_by -> Nullable<BigInt>,
        claimed_until -> Nullable<Timestamp>,
        version -> Integer,
        is_public -> Bool,
        response_due_at -> Nullable<Timestamp>,
        consolidated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<BigInt>,
        answer_kind -> Text,
        answered_page_id -> Nullable<BigInt>,
        answered_by -> Nullable<BigInt>,
        on_behalf_of -> Nullable<BigInt>,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        post_id -> BigInt,
        original_name -> Text,
        stored_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> BigInt,
        community_id -> BigInt,
        post_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    flags (id) {
        id -> BigInt,
        post_id -> BigInt,
        user_id -> BigInt,
        reason -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        outcome -> Text,
    }
}

diesel::table! {
    role_grants (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        community_id -> Nullable<BigInt>,
        state -> Text,
        granted_by -> Nullable<BigInt>,
        granted_at -> Timestamp,
        sector -> Text,
        cluster_id -> Nullable<BigInt>,
        office_title -> Text,
        ends_on -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        subject_user_id -> Nullable<BigInt>,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        message_id -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        kind -> Text,
        ref_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        lock_token -> Nullable<Text>,
        payload -> Nullable<Text>,
    }
}

diesel::table! {
    digests (id) {
        id -> BigInt,
        community_id -> BigInt,
        audience -> Text,
        status -> Text,
        editorial -> Text,
        period_key -> Nullable<Text>,
        scheduled_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        recipients -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    digest_items (id) {
        id -> BigInt,
        digest_id -> BigInt,
        post_id -> BigInt,
        position -> Integer,
        included -> Bool,
    }
}

diesel::table! {
    inbound_mail (id) {
        id -> BigInt,
        received_at -> Timestamp,
        sender -> Text,
        recipient -> Text,
        message_id -> Text,
        outcome -> Text,
        reason -> Text,
        post_id -> Nullable<BigInt>,
        dedupe_key -> Nullable<Text>,
        community_id -> Nullable<BigInt>,
        dropped -> Text,
    }
}

diesel::table! {
    held_mail (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_id -> BigInt,
        community_id -> BigInt,
        thread_id -> Nullable<BigInt>,
        title -> Text,
        body -> Text,
        sender -> Text,
        created_at -> Timestamp,
        post_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    pages (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        problem_md -> Text,
        solution_md -> Text,
        body_html -> Text,
        themes -> Text,
        sector -> Text,
        state -> Text,
        district -> Text,
        language -> Text,
        translation_slug -> Text,
        contributors -> Text,
        sources -> Text,
        source_threads -> Text,
        status -> Text,
        withdrawn_note -> Text,
        revision -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    page_revisions (id) {
        id -> BigInt,
        page_id -> BigInt,
        revision -> Integer,
        snapshot -> Text,
        edited_by -> Nullable<BigInt>,
        edited_at -> Timestamp,
        note -> Text,
    }
}

diesel::table! {
    page_events (id) {
        id -> BigInt,
        page_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    page_links (id) {
        id -> BigInt,
        from_page -> BigInt,
        to_slug -> Text,
    }
}

diesel::table! {
    page_redirects (id) {
        id -> BigInt,
        old_slug -> Text,
        page_id -> BigInt,
    }
}

diesel::table! {
    theme_looks (id) {
        id -> BigInt,
        theme -> Text,
        layout -> Text,
        accent -> Text,
    }
}

diesel::table! {
    search_outbox (id) {
        id -> BigInt,
        kind -> Text,
        ref_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vocab_terms (id) {
        id -> BigInt,
        vocab -> Text,
        code -> Text,
        label -> Text,
        label_hi -> Text,
        grp -> Text,
        position -> Integer,
        retired -> Bool,
    }
}

diesel::table! {
    registry_records (id) {
        id -> BigInt,
        kind -> Text,
        slug -> Text,
        title -> Text,
        state -> Text,
        district -> Text,
        sector -> Text,
        stage -> Text,
        start_year -> Nullable<Integer>,
        end_year -> Nullable<Integer>,
        published_version -> Nullable<Integer>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        verified_by -> Nullable<BigInt>,
        verified_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_note -> Text,
    }
}

diesel::table! {
    registry_versions (id) {
        id -> BigInt,
        record_id -> BigInt,
        number -> Integer,
        fields -> Text,
        state -> Text,
        status -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        comments -> Text,
        lock_version -> Integer,
    }
}

diesel::table! {
    registry_tags (id) {
        id -> BigInt,
        record_id -> BigInt,
        kind -> Text,
        vocab -> Text,
        code -> Text,
    }
}

diesel::table! {
    security_events (id) {
        id -> BigInt,
        kind -> Text,
        user_id -> Nullable<BigInt>,
        address -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rate_buckets (key_hash) {
        key_hash -> Binary,
        window_start -> BigInt,
        hits -> Integer,
        refusals -> Integer,
    }
}

diesel::table! {
    change_stamp (id) {
        id -> Integer,
        changes -> BigInt,
        writes -> BigInt,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    notification_settings (user_id, topic) {
        user_id -> BigInt,
        topic -> Text,
        mode -> Text,
    }
}

diesel::table! {
    pending_notices (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        ref_id -> Nullable<BigInt>,
        payload -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    digest_answers (digest_id, query_id) {
        digest_id -> BigInt,
        page_id -> BigInt,
        query_id -> BigInt,
    }
}

diesel::table! {
    content_imports (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        target_id -> BigInt,
        file -> Text,
        file_hash -> Text,
        revision -> Integer,
        status -> Text,
        conflict_hash -> Text,
        conflict_text -> Text,
        conflict_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(page_revisions -> pages (page_id));
diesel::joinable!(page_links -> pages (from_page));
diesel::joinable!(page_events -> pages (page_id));
diesel::joinable!(page_redirects -> pages (page_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(role_grants -> communities (community_id));
diesel::joinable!(memberships -> communities (community_id));
diesel::joinable!(posts -> communities (community_id));
diesel::joinable!(attachments -> posts (post_id));
diesel::joinable!(flags -> posts (post_id));
diesel::joinable!(digests -> communities (community_id));
diesel::joinable!(digest_items -> digests (digest_id));
diesel::joinable!(digest_items -> posts (post_id));
diesel::joinable!(digest_answers -> pages (page_id));
diesel::joinable!(registry_versions -> registry_records (record_id));
diesel::joinable!(registry_tags -> registry_records (record_id));

diesel::table! {
    site_pages (id) {
        id -> BigInt,
        slug -> Text,
        lang -> Text,
        body_md -> Text,
        body_html -> Text,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    removal_requests (id) {
        id -> BigInt,
        user_id -> BigInt,
        post_id -> BigInt,
        community_id -> BigInt,
        status -> Text,
        reason -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    indicator_values (id) {
        id -> BigInt,
        record_id -> BigInt,
        indicator -> Text,
        observed_on -> Text,
        value -> Double,
        source -> Text,
        entered_by -> Nullable<BigInt>,
        entered_at -> Timestamp,
    }
}

diesel::table! {
    rating_components (code) {
        code -> Text,
        label -> Text,
        label_hi -> Text,
        max_score -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    cluster_ratings (id) {
        id -> BigInt,
        record_id -> BigInt,
        rated_on -> Text,
        total -> Integer,
        note -> Text,
        rated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cluster_rating_scores (id) {
        id -> BigInt,
        rating_id -> BigInt,
        component -> Text,
        score -> Integer,
    }
}

diesel::joinable!(cluster_rating_scores -> cluster_ratings (rating_id));

diesel::table! {
    registry_feedback (id) {
        id -> BigInt,
        record_id -> BigInt,
        state -> Text,
        kind -> Text,
        body -> Text,
        name -> Text,
        contact -> Text,
        lang -> Text,
        status -> Text,
        note -> Text,
        created_at -> Timestamp,
        escalated_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    users, sessions, account_tokens, communities, role_grants, audit_log, security_events,
    mail_outbox, memberships, posts, attachments, moderation_log, flags, digests, digest_items,
    inbound_mail, held_mail, pages, page_revisions, page_events, page_links, page_redirects,
    theme_looks, search_outbox, vocab_terms, registry_records, registry_versions, registry_tags,
    rate_buckets, change_stamp, job_leases, content_imports,
    notification_settings, pending_notices, digest_answers, site_pages,
    removal_requests,
    indicator_values, rating_components, cluster_ratings, cluster_rating_scores,
);

diesel::table! {
    score_cards (id) {
        id -> BigInt,
        cluster_id -> BigInt,
        state -> Text,
        assessed_on -> Text,
        scores -> Text,
        note -> Text,
        status -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        comment -> Text,
        lock_version -> Integer,
    }
}

diesel::table! {
    short_lists (id) {
        id -> BigInt,
        published_at -> Timestamp,
        published_by -> Nullable<BigInt>,
        note -> Text,
        entries -> Text,
    }
}

// --- agency ---
diesel::table! {
    agency_ratings (id) {
        id -> BigInt,
        record_id -> BigInt,
        rated_by -> Nullable<BigInt>,
        rated_on -> Timestamp,
        scores -> Text,
        total -> Integer,
        note -> Text,
        latest -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    agency_requests (id) {
        id -> BigInt,
        requested_by -> BigInt,
        record_id -> Nullable<BigInt>,
        state -> Text,
        name -> Text,
        fields -> Text,
        status -> Text,
        reason -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(agency_ratings -> registry_records (record_id));
diesel::allow_tables_to_appear_in_same_query!(agency_ratings, agency_requests);
diesel::allow_tables_to_appear_in_same_query!(agency_ratings, registry_records);
diesel::allow_tables_to_appear_in_same_query!(agency_ratings, users);
diesel::allow_tables_to_appear_in_same_query!(agency_requests, registry_records);
diesel::allow_tables_to_appear_in_same_query!(agency_requests, users);

// --- similar ---
diesel::table! {
    glossary_terms (id) {
        id -> BigInt,
        term_en -> Text,
        term_hi -> Text,
        retired -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    similar_answers (id) {
        id -> BigInt,
        community_id -> BigInt,
        user_id -> BigInt,
        target_kind -> Text,
        target_id -> BigInt,
        source -> Text,
        post_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    expert_profiles (user_id) {
        user_id -> BigInt,
        themes -> Text,
        sectors -> Text,
        states -> Text,
        organisation -> Text,
        experience -> Text,
        languages -> Text,
        listed -> Bool,
        paused -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    expert_requests (id) {
        id -> BigInt,
        post_id -> BigInt,
        expert_id -> BigInt,
        asked_by -> Nullable<BigInt>,
        asked_at -> Timestamp,
        mailed_at -> Nullable<Timestamp>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(expert_profiles, users);
diesel::allow_tables_to_appear_in_same_query!(expert_requests, users);
diesel::allow_tables_to_appear_in_same_query!(expert_requests, posts);

// --- outcomes ---
diesel::table! {
    outcomes (id) {
        id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        user_id -> BigInt,
        verdict -> Text,
        note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        folded_at -> Nullable<Timestamp>,
        folded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    outcome_asks (query_id) {
        query_id -> BigInt,
        page_id -> BigInt,
        user_id -> BigInt,
        sent_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(outcomes, users);
diesel::allow_tables_to_appear_in_same_query!(outcome_asks, posts);

// --- schemes ---
diesel::table! {
    page_schemes (id) {
        id -> BigInt,
        page_id -> BigInt,
        code -> Text,
    }
}

diesel::table! {
    post_schemes (id) {
        id -> BigInt,
        post_id -> BigInt,
        code -> Text,
    }
}

diesel::table! {
    digest_records (id) {
        id -> BigInt,
        digest_id -> BigInt,
        record_id -> BigInt,
        position -> Integer,
        included -> Bool,
    }
}

diesel::joinable!(page_schemes -> pages (page_id));
diesel::joinable!(post_schemes -> posts (post_id));
diesel::joinable!(digest_records -> digests (digest_id));
diesel::joinable!(digest_records -> registry_records (record_id));
diesel::allow_tables_to_appear_in_same_query!(page_schemes, pages);
diesel::allow_tables_to_appear_in_same_query!(post_schemes, posts);
diesel::allow_tables_to_appear_in_same_query!(post_schemes, communities);
diesel::allow_tables_to_appear_in_same_query!(digest_records, registry_records);
diesel::allow_tables_to_appear_in_same_query!(digest_records, digests);

diesel::table! {
    funding_posts (id) {
        id -> BigInt,
        kind -> Text,
        title -> Text,
        scheme -> Text,
        funder -> Text,
        partners -> Text,
        cluster_id -> Nullable<BigInt>,
        amount_min -> BigInt,
        amount_max -> BigInt,
        budget -> BigInt,
        sectors -> Text,
        states -> Text,
        deadline -> Text,
        body -> Text,
        contact -> Text,
        status -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        comment -> Text,
        lock_version -> Integer,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    funding_match_mails (id) {
        id -> BigInt,
        user_id -> BigInt,
        offer_id -> BigInt,
        proposal_id -> BigInt,
        sent_at -> Timestamp,
    }
}

// --- levels ---
diesel::table! {
    registry_review_notes (id) {
        id -> BigInt,
        version_id -> BigInt,
        author_id -> Nullable<BigInt>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(registry_review_notes -> registry_versions (version_id));
diesel::allow_tables_to_appear_in_same_query!(registry_review_notes, registry_versions);
diesel::allow_tables_to_appear_in_same_query!(registry_review_notes, users);

// --- awards ---
diesel::table! {
    award_cycles (id) {
        id -> BigInt,
        year -> Integer,
        title -> Text,
        description -> Text,
        categories -> Text,
        nominations_open -> Text,
        nominations_close -> Text,
        jury_close -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        scoring_mailed_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        published_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    award_criteria (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        position -> Integer,
        name -> Text,
        description -> Text,
        max_points -> Integer,
    }
}

diesel::table! {
    award_jurors (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    award_nominations (id) {
        id -> BigInt,
        cycle_id -> BigInt,
        category -> Text,
        nominee_id -> BigInt,
        practice_id -> Nullable<BigInt>,
        statement -> Text,
        state -> Text,
        nominated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        rank -> Nullable<Integer>,
        place -> Text,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    award_conflicts (id) {
        id -> BigInt,
        nomination_id -> BigInt,
        user_id -> BigInt,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    award_scores (id) {
        id -> BigInt,
        nomination_id -> BigInt,
        juror_id -> BigInt,
        criterion_id -> BigInt,
        points -> Integer,
        remark -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(award_jurors -> award_cycles (cycle_id));
diesel::joinable!(award_jurors -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(award_jurors, users);
diesel::allow_tables_to_appear_in_same_query!(award_jurors, award_cycles);
diesel::allow_tables_to_appear_in_same_query!(award_scores, award_nominations);
diesel::allow_tables_to_appear_in_same_query!(award_conflicts, award_nominations);
// --- tidya ---
diesel::allow_tables_to_appear_in_same_query!(similar_answers, posts);
diesel::allow_tables_to_appear_in_same_query!(similar_answers, outcome_asks);

// --- facilitator ---
diesel::table! {
    represented_owners (id) {
        id -> BigInt,
        facilitator_id -> BigInt,
        name -> Text,
        place -> Text,
        state -> Text,
        phone -> Text,
        postal_address -> Text,
        consent_statement -> Text,
        consented_at -> Timestamp,
        claim_token_hash -> Nullable<Text>,
        claim_expires_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<BigInt>,
        claimed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(represented_owners, users);
diesel::allow_tables_to_appear_in_same_query!(represented_owners, posts);

-- The moderation log stored each action as an English phrase, which readers of other languages
-- saw as it was. It now stores a code (models::moderation::Action) that views show by its label
-- in the reader's language. One-word phrases (submitted, approved, held, ...) are already their
-- code; the others are rewritten here, so the program reads one form only.
UPDATE moderation_log SET action = 'edited_and_approved' WHERE action = 'edited and approved';
UPDATE moderation_log SET action = 'changes_requested' WHERE action = 'changes requested';
UPDATE moderation_log SET action = 'removed_after_flags' WHERE action = 'removed after flags';
UPDATE moderation_log SET action = 'flags_dismissed' WHERE action = 'flags dismissed';
UPDATE moderation_log SET action = 'thread_made_public' WHERE action = 'thread made public';
UPDATE moderation_log SET action = 'thread_made_members_only' WHERE action = 'thread made members-only';
UPDATE moderation_log SET action = 'approved_automatically' WHERE action = 'approved automatically (trusted member)';
UPDATE moderation_log SET action = 'digest_scheduled' WHERE action = 'digest scheduled';
UPDATE moderation_log SET action = 'digest_saved' WHERE action = 'digest saved';
UPDATE moderation_log SET action = 'digest_sent' WHERE action = 'digest sent';
UPDATE moderation_log SET action = 'community_created' WHERE action = 'community created';
UPDATE moderation_log SET action = 'settings_changed' WHERE action = 'settings changed';
UPDATE moderation_log SET action = 'invitation_accepted' WHERE action = 'invitation accepted';
UPDATE moderation_log SET action = 'membership_requested' WHERE action = 'membership requested';
UPDATE moderation_log SET action = 'left_the_community' WHERE action = 'left the community';
UPDATE moderation_log SET action = 'membership_approved' WHERE action = 'membership approved';
UPDATE moderation_log SET action = 'membership_declined' WHERE action = 'membership declined';
UPDATE moderation_log SET action = 'member_invited' WHERE action = 'member invited';
UPDATE moderation_log SET action = 'unsubscribed_from_mail' WHERE action = 'unsubscribed from mail';
UPDATE moderation_log SET action = 'changed_mail_delivery' WHERE action = 'changed mail delivery';

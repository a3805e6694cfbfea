//! The registry's vocabularies: loading them for labels and checks, seeding them from the
//! book's lists, and the administrator's edits.

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors, Message};
use crate::models::{self, audit, vocabulary};
use crate::services::accounts::Principal;
use crate::vocab;

/// Every registry vocabulary, loaded once per request that needs labels or checks.
#[derive(Debug, Clone, Default)]
pub struct Vocabs {
    pub terms: Vec<vocabulary::Term>,
}

impl Vocabs {
    pub fn load(conn: &mut DbConn) -> Result<Vocabs, AppError> {
        Ok(Vocabs { terms: vocabulary::all(conn)? })
    }

    pub fn of<'a>(&'a self, vocab: &'a str) -> impl Iterator<Item = &'a vocabulary::Term> + 'a {
        self.terms.iter().filter(move |t| t.vocab == vocab)
    }

    pub fn label(&self, vocab: &str, code: &str, hindi: bool) -> String {
        self.of(vocab).find(|t| t.code == code).map(|t| t.label_in(hindi).to_string()).unwrap_or_else(|| code.to_string())
    }

    /// A term's label in the reader's language, borrowed from the snapshot; a code the list
    /// does not know shows as stored.
    pub fn name<'a>(&'a self, vocab: &str, code: &'a str, hindi: bool) -> &'a str {
        self.terms.iter().find(|t| t.vocab == vocab && t.code == code).map_or(code, |t| t.label_in(hindi))
    }

    /// What a form offers for `vocab` as (code, label): the active terms, and a retired one
    /// only where the record already carries it.
    pub fn options(&self, vocab: &str, selected: &[&str], hindi: bool) -> Vec<(String, String)> {
        self.of(vocab)
            .filter(|t| !t.retired || selected.contains(&t.code.as_str()))
            .map(|t| (t.code.clone(), t.label_in(hindi).to_string()))
            .collect()
    }

    /// The codes of the active terms of `vocab`, in display order.
    pub fn active<'a>(&'a self, vocab: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.of(vocab).filter(|t| !t.retired).map(|t| t.code.as_str())
    }

    /// The code for a choice made on a form: an active term, or a retired one the record
    /// already carries (it stays valid there, so an old page can be saved again).
    pub fn chosen(&self, vocab: &str, input: &str, kept: &[&str]) -> Option<String> {
        self.resolve(vocab, input).filter(|t| !t.retired || kept.contains(&t.code.as_str())).map(|t| t.code.clone())
    }

    /// The code for what someone typed: a code, a label, or (for states) an old spelling.
    pub(super) fn resolve(&self, vocab: &str, input: &str) -> Option<&vocabulary::Term> {
        let input = input.trim();
        let canonical = if vocab == "state" { vocab::canonical_state(input).unwrap_or(input) } else { input };
        let terms = || self.terms.iter().filter(|t| t.vocab == vocab);
        terms()
            .find(|t| t.code == canonical)
            .or_else(|| terms().find(|t| t.code.eq_ignore_ascii_case(canonical) || t.label.eq_ignore_ascii_case(canonical)))
    }
}

/// Themes (a stored list, models::list) and a sector chosen on a form, checked against the
/// database's lists: a new choice must be an active term, one the record already carries
/// (`kept`: its stored themes and sector) stays valid though retired. Returns the themes as a
/// stored list of codes and the sector as its code (a label or another case is accepted);
/// empty stays empty.
pub fn checked_topics(conn: &mut DbConn, themes: &str, sector: &str, kept: Option<(&str, &str)>) -> Result<(String, String), AppError> {
    let mut errors = FieldErrors::new();
    let topics = clean_topics(conn, themes, sector, kept, &mut errors)?;
    if errors.is_empty() { Ok(topics) } else { Err(AppError::Validation(errors)) }
}

/// `checked_topics` adding its mistakes to a form's others (the error is the database's).
pub fn clean_topics(conn: &mut DbConn, themes: &str, sector: &str, kept: Option<(&str, &str)>, errors: &mut FieldErrors) -> Result<(String, String), AppError> {
    let themes: Vec<String> = crate::models::list::decode(themes).map(str::to_string).collect();
    let (kept_themes, kept_sector) = kept.unwrap_or(("", ""));
    let kept_themes: Vec<String> = crate::models::list::decode(kept_themes).map(str::to_string).collect();
    let (codes, sector) = Vocabs::load(conn)?.clean_topics(&themes, sector, &kept_themes, kept_sector, errors);
    Ok((crate::models::list::encode(&codes), sector))
}

impl Vocabs {
    /// `clean_topics` against this snapshot, for a form refused before it reached the
    /// database, so its theme and sector mistakes show with the others at once.
    pub fn clean_topics(&self, themes: &[String], sector: &str, kept_themes: &[String], kept_sector: &str, errors: &mut FieldErrors) -> (Vec<String>, String) {
        let kept: Vec<&str> = kept_themes.iter().map(String::as_str).collect();
        let mut codes: Vec<String> = Vec::new();
        for t in themes {
            match self.chosen("theme", t, &kept) {
                Some(code) if !codes.contains(&code) => codes.push(code),
                Some(_) => {}
                None => {
                    errors.insert("themes", "themes-choose".into());
                }
            }
        }
        let sector = if sector.trim().is_empty() {
            String::new()
        } else {
            self.chosen("sector", sector, &[kept_sector]).unwrap_or_else(|| {
                errors.insert("sector", "sector-choose".into());
                String::new()
            })
        };
        (codes, sector)
    }
}

/// Fills each empty vocabulary with the book's list, so an administrator's edits survive
/// restarts and a new vocabulary starts with its terms.
pub fn seed_vocabularies(conn: &mut DbConn) -> Result<usize, AppError> {
    let mut n = 0;
    for (name, _) in vocab::REGISTRY_VOCABS {
        if vocabulary::count(conn, name)? > 0 {
            continue;
        }
        write_tx(conn, |tx| {
            for (i, (code, label, grp)) in vocab::registry_seed(name).iter().enumerate() {
                let label_hi = vocab::registry_hindi(name, code);
                vocabulary::insert(tx, &vocabulary::NewTerm { vocab: name, code, label, label_hi, grp, position: i as i32 + 1, retired: false })?;
                n += 1;
            }
            Ok::<_, AppError>(())
        })?;
    }
    Ok(n)
}

pub fn vocabulary_names() -> &'static [(&'static str, &'static str)] {
    vocab::REGISTRY_VOCABS
}

fn require_admin(who: &Principal) -> Result<(), AppError> {
    if who.roles.is_admin() { Ok(()) } else { Err(AppError::Forbidden) }
}

#[derive(Debug, Clone, Default)]
pub struct TermForm {
    pub code: String,
    pub label: String,
    pub label_hi: String,
    pub grp: String,
    pub retired: bool,
}

pub fn vocabulary(conn: &mut DbConn, who: &Principal, vocab: &str) -> Result<Vec<vocabulary::Term>, AppError> {
    require_admin(who)?;
    if !vocab::REGISTRY_VOCABS.iter().any(|(n, _)| *n == vocab) {
        return Err(AppError::NotFound);
    }
    Ok(vocabulary::of(conn, vocab)?)
}

fn clean_term(form: &TermForm, errors: &mut FieldErrors) -> (String, String, String) {
    let label = form.label.trim().to_string();
    if label.is_empty() || label.chars().count() > 200 {
        errors.insert("label", "vocab-label-invalid".into());
    }
    let label_hi = form.label_hi.trim().chars().take(200).collect();
    let grp = form.grp.trim().chars().take(100).collect();
    (label, label_hi, grp)
}

/// Adds a term. Codes are permanent (records store them), so they are checked carefully.
pub fn add_term(conn: &mut DbConn, who: &Principal, vocab: &str, form: &TermForm) -> Result<(), AppError> {
    require_admin(who)?;
    if !vocab::REGISTRY_VOCABS.iter().any(|(n, _)| *n == vocab) {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::new();
    let code = form.code.trim().to_string();
    // States and sectors keep their names as codes, as pages and roles store them.
    let free_code = matches!(vocab, "state" | "sector");
    let valid = !code.is_empty()
        && code.len() <= 80
        && !code.contains(';')
        && (free_code || code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    if !valid {
        errors.insert("code", if free_code { "vocab-name-invalid" } else { "vocab-code-invalid" }.into());
    } else if vocabulary::find(conn, vocab, &code)?.is_some() {
        errors.insert("code", Message::new("vocab-code-taken").arg("code", &code));
    }
    let (label, label_hi, grp) = clean_term(form, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_tx(conn, |tx| {
        let position = vocabulary::next_position(tx, vocab)?;
        vocabulary::insert(tx, &vocabulary::NewTerm { vocab, code: &code, label: &label, label_hi: &label_hi, grp: &grp, position, retired: false })?;
        audit_entry(tx, who.user.id, "vocabulary", &Message::new("audit-term-added").arg("code", &code).arg("vocab", vocab).to_stored())?;
        Ok(())
    })
}

/// Relabels or retires a term. A retired term stays on records that carry it but is no
/// longer offered.
pub fn update_term(conn: &mut DbConn, who: &Principal, vocab: &str, code: &str, form: &TermForm) -> Result<(), AppError> {
    require_admin(who)?;
    let term = vocabulary::find(conn, vocab, code)?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let (label, label_hi, grp) = clean_term(form, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_tx(conn, |tx| {
        vocabulary::update(tx, term.id, &label, &label_hi, &grp, form.retired)?;
        let key = if form.retired { "audit-term-retired" } else { "audit-term-updated" };
        audit_entry(tx, who.user.id, "vocabulary", &Message::new(key).arg("code", code).arg("vocab", vocab).to_stored())?;
        Ok(())
    })
}

pub(super) fn audit_entry(conn: &mut DbConn, actor: i64, action: &str, detail: &str) -> diesel::QueryResult<usize> {
    audit::insert(conn, &audit::NewAuditEntry { actor_id: Some(actor), action, subject_user_id: None, detail, created_at: models::now() })
}

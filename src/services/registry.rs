//! The national registry of cluster-development initiatives and best practices (Table 2.1,
//! §2.4.1 and §2.4.3 of the book): state focal points draft and submit records for their
//! states, the national focal point reviews each version field by field and publishes it,
//! and everyone browses, filters and exports what is published.
//!
//! Each kind of record is described once, as a list of field specifications; forms, checks,
//! the review diff, CSV and JSON all follow that list.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};

use crate::db::{write_tx, DbConn};
use crate::error::{AppError, FieldErrors};
use crate::models::{self, audit, page, post, registry, role, search_outbox, user, vocabulary};
use crate::services::accounts::Principal;
use crate::vocab;

/// Field name to canonical text value. Multi-valued fields join their values with "; ",
/// indicators put one per line.
pub type Values = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Cluster,
    Initiative,
    Practice,
    Agency,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Cluster, Kind::Initiative, Kind::Practice, Kind::Agency];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Cluster => "cluster",
            Kind::Initiative => "initiative",
            Kind::Practice => "practice",
            Kind::Agency => "agency",
        }
    }

    /// The path segment of the kind's list: /registry/{plural}.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Cluster => "clusters",
            Kind::Initiative => "initiatives",
            Kind::Practice => "practices",
            Kind::Agency => "agencies",
        }
    }

    pub fn from_code(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == s)
    }

    pub fn label(self, hindi: bool) -> &'static str {
        match (self, hindi) {
            (Kind::Cluster, false) => "Clusters",
            (Kind::Initiative, false) => "Cluster-development initiatives",
            (Kind::Practice, false) => "Best practices",
            (Kind::Agency, false) => "Implementing agencies",
            (Kind::Cluster, true) => "क्लस्टर",
            (Kind::Initiative, true) => "क्लस्टर विकास पहल",
            (Kind::Practice, true) => "सर्वोत्तम प्रथाएँ",
            (Kind::Agency, true) => "कार्यान्वयन एजेंसियाँ",
        }
    }

    pub fn singular(self, hindi: bool) -> &'static str {
        match (self, hindi) {
            (Kind::Cluster, false) => "Cluster",
            (Kind::Initiative, false) => "Initiative",
            (Kind::Practice, false) => "Best practice",
            (Kind::Agency, false) => "Implementing agency",
            (Kind::Cluster, true) => "क्लस्टर",
            (Kind::Initiative, true) => "पहल",
            (Kind::Practice, true) => "सर्वोत्तम प्रथा",
            (Kind::Agency, true) => "एजेंसी",
        }
    }

    pub fn fields(self) -> &'static [Spec] {
        match self {
            Kind::Cluster => CLUSTER,
            Kind::Initiative => INITIATIVE,
            Kind::Practice => PRACTICE,
            Kind::Agency => AGENCY,
        }
    }

    pub fn spec(self, name: &str) -> Option<&'static Spec> {
        self.fields().iter().find(|s| s.name == name)
    }

    /// The facets the public list of this kind offers, as (filter name, vocabulary).
    pub fn facets(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Cluster => &[("state", "state"), ("sector", "sector"), ("see_issue", "see_issue")],
            Kind::Initiative => &[("state", "state"), ("sector", "sector"), ("stage", "stage"), ("see_issue", "see_issue"), ("br_activity", "br_activity"), ("scheme", "scheme")],
            Kind::Practice => &[("state", "state"), ("sector", "sector"), ("see_issue", "see_issue"), ("br_activity", "br_activity")],
            Kind::Agency => &[("state", "state")],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    /// One line of at most this many characters.
    Text(usize),
    /// Paragraphs.
    Long,
    /// A whole number, zero or more.
    Count,
    /// A decimal number, zero or more, with at most this value.
    Number(f64),
    Year,
    /// One of a fixed list.
    Choice(&'static [&'static str]),
    /// One term of a registry vocabulary.
    Term(&'static str),
    /// Several terms of a registry vocabulary.
    Terms(&'static str),
    /// Another registry record of this kind, by its web name.
    Ref(Kind),
    /// One indicator a line: "name | baseline | latest | unit".
    Indicators,
    /// Knowledge pages, by web name or /kb/ address.
    Pages,
    /// Community threads, by number or address.
    Threads,
    Url,
}

#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    pub label: &'static str,
    pub label_hi: &'static str,
    pub input: Input,
    pub required: bool,
    pub hint: &'static str,
}

impl Spec {
    pub fn label_in(&self, hindi: bool) -> &'static str {
        if hindi && !self.label_hi.is_empty() { self.label_hi } else { self.label }
    }
}

const fn f(name: &'static str, label: &'static str, label_hi: &'static str, input: Input) -> Spec {
    Spec { name, label, label_hi, input, required: false, hint: "" }
}

const fn req(name: &'static str, label: &'static str, label_hi: &'static str, input: Input) -> Spec {
    Spec { name, label, label_hi, input, required: true, hint: "" }
}

const fn hinted(mut s: Spec, hint: &'static str) -> Spec {
    s.hint = hint;
    s
}

pub const LEVELS: &[&str] = &["Low", "Moderate", "High"];
/// Levels of engagement with an SEE issue (Table 1.4): blind, aware, engaged low/moderate/high.
pub const ENGAGEMENT: &[&str] = &["B", "A", "EL", "EM", "EH"];
pub const LOCATION_TYPES: &[&str] = &["Urban", "Semi-urban", "Rural"];
pub const AGENCY_TYPES: &[&str] = &[
    "MSME association",
    "Field office or institution of a ministry",
    "State government body",
    "National or international institution",
    "Non-governmental organisation",
    "Programme management unit",
];

const LINKS_HINT: &str = "Web names of knowledge pages, separated by semicolons.";
const THREADS_HINT: &str = "Thread numbers or addresses, separated by semicolons.";

static CLUSTER: &[Spec] = &[
    hinted(req("name", "Name", "नाम", Input::Text(160)), "Place and product, for example Samalkha foundry."),
    f("product", "Principal products", "मुख्य उत्पाद", Input::Text(200)),
    req("sector", "Sector", "क्षेत्र", Input::Term("sector")),
    req("state", "State or union territory", "राज्य", Input::Term("state")),
    f("district", "District and towns", "ज़िला", Input::Text(160)),
    f("location_type", "Location type", "स्थान का प्रकार", Input::Choice(LOCATION_TYPES)),
    f("units_micro", "Micro units", "सूक्ष्म इकाइयाँ", Input::Count),
    f("units_small", "Small units", "लघु इकाइयाँ", Input::Count),
    f("units_medium", "Medium units", "मध्यम इकाइयाँ", Input::Count),
    f("units_large", "Large units", "बड़ी इकाइयाँ", Input::Count),
    f("units_total", "Units in all", "कुल इकाइयाँ", Input::Count),
    f("employment", "Employment (workers)", "रोज़गार", Input::Count),
    hinted(f("turnover_crore", "Annual turnover (Rs crore)", "वार्षिक कारोबार (करोड़ रु.)", Input::Number(10_000_000.0)), "As reported; a range gives its middle."),
    f("export_share", "Export share of turnover (%)", "निर्यात हिस्सा (%)", Input::Number(100.0)),
    f("energy_intensity", "Energy intensity", "ऊर्जा तीव्रता", Input::Choice(LEVELS)),
    f("air", "Air pollution", "वायु प्रदूषण", Input::Choice(LEVELS)),
    f("water", "Water pollution", "जल प्रदूषण", Input::Choice(LEVELS)),
    f("solid_waste", "Solid waste", "ठोस अपशिष्ट", Input::Choice(LEVELS)),
    f("see_issues", "Main SEE issues", "मुख्य SEE मुद्दे", Input::Terms("see_issue")),
    hinted(f("br_labour", "BR engagement: labour", "BR सहभागिता: श्रम", Input::Choice(ENGAGEMENT)), "B blind, A aware, EL/EM/EH engaged low, moderate, high (Table 1.4)."),
    f("br_environment", "BR engagement: environment and energy", "BR सहभागिता: पर्यावरण और ऊर्जा", Input::Choice(ENGAGEMENT)),
    f("br_health", "BR engagement: community health", "BR सहभागिता: सामुदायिक स्वास्थ्य", Input::Choice(ENGAGEMENT)),
    f("br_social", "BR engagement: generic social issues", "BR सहभागिता: सामाजिक मुद्दे", Input::Choice(ENGAGEMENT)),
    f("description", "Description", "विवरण", Input::Long),
    f("sources", "Sources", "स्रोत", Input::Long),
    hinted(f("pages", "Knowledge pages", "ज्ञान पृष्ठ", Input::Pages), LINKS_HINT),
    hinted(f("threads", "Community threads", "चर्चाएँ", Input::Threads), THREADS_HINT),
];

static INITIATIVE: &[Spec] = &[
    req("title", "Title", "शीर्षक", Input::Text(200)),
    hinted(f("cluster", "Cluster", "क्लस्टर", Input::Ref(Kind::Cluster)), "The cluster's web name in the registry."),
    req("state", "State or union territory", "राज्य", Input::Term("state")),
    f("district", "District", "ज़िला", Input::Text(160)),
    f("sector", "Sector", "क्षेत्र", Input::Term("sector")),
    hinted(f("agency", "Implementing agency", "कार्यान्वयन एजेंसी", Input::Ref(Kind::Agency)), "The agency's web name in the registry."),
    f("cda", "Cluster development agent", "क्लस्टर विकास एजेंट", Input::Text(200)),
    f("partners", "Partners", "साझेदार", Input::Long),
    f("funder", "Funder", "वित्तपोषक", Input::Text(200)),
    f("funding_scheme", "Funding scheme", "वित्त योजना", Input::Text(200)),
    f("schemes", "Social-sector schemes dovetailed", "जोड़ी गई सामाजिक योजनाएँ", Input::Terms("scheme")),
    f("start_year", "Start year", "आरंभ वर्ष", Input::Year),
    f("end_year", "End year", "समाप्ति वर्ष", Input::Year),
    f("stage", "Stage", "चरण", Input::Term("stage")),
    f("see_issues", "SEE issues addressed", "SEE मुद्दे", Input::Terms("see_issue")),
    f("br_activities", "BR activities", "BR गतिविधियाँ", Input::Terms("br_activity")),
    f("nvg_principles", "NVG principles advanced", "NVG सिद्धांत", Input::Terms("nvg")),
    f("units_covered", "Units covered", "शामिल इकाइयाँ", Input::Count),
    f("workers_covered", "Workers covered", "शामिल कामगार", Input::Count),
    hinted(f("indicators", "Indicators", "संकेतक", Input::Indicators), "One a line: name | baseline | latest value | unit."),
    f("outcomes", "Outcomes", "परिणाम", Input::Long),
    f("sources", "Sources", "स्रोत", Input::Long),
    hinted(f("pages", "Knowledge pages", "ज्ञान पृष्ठ", Input::Pages), LINKS_HINT),
    hinted(f("threads", "Community threads", "चर्चाएँ", Input::Threads), THREADS_HINT),
];

static PRACTICE: &[Spec] = &[
    req("title", "Title", "शीर्षक", Input::Text(200)),
    f("initiative", "Initiative", "पहल", Input::Ref(Kind::Initiative)),
    f("cluster", "Cluster", "क्लस्टर", Input::Ref(Kind::Cluster)),
    req("state", "State or union territory", "राज्य", Input::Term("state")),
    f("district", "District", "ज़िला", Input::Text(160)),
    f("sector", "Sector", "क्षेत्र", Input::Term("sector")),
    f("see_issues", "SEE issues tackled", "SEE मुद्दे", Input::Terms("see_issue")),
    req("problem", "Problem", "समस्या", Input::Long),
    req("intervention", "Intervention", "हस्तक्षेप", Input::Long),
    f("actors", "Actors and their roles", "भागीदार और भूमिकाएँ", Input::Long),
    f("cost", "Cost and who paid", "लागत", Input::Text(300)),
    f("start_year", "Start year", "आरंभ वर्ष", Input::Year),
    f("end_year", "End year", "समाप्ति वर्ष", Input::Year),
    hinted(req("economic_benefit", "Economic benefit", "आर्थिक लाभ", Input::Long), "The book counts a practice as best when tackling an SEE issue also paid off for the enterprises."),
    f("see_benefit", "Social, environmental or energy benefit", "सामाजिक, पर्यावरणीय या ऊर्जा लाभ", Input::Long),
    f("br_activities", "BR activities", "BR गतिविधियाँ", Input::Terms("br_activity")),
    f("nvg_principles", "NVG principles", "NVG सिद्धांत", Input::Terms("nvg")),
    f("replication", "Replication and scale-up", "दोहराव और विस्तार", Input::Long),
    f("awards", "Awards and recognition", "पुरस्कार", Input::Long),
    f("sources", "Sources", "स्रोत", Input::Long),
    hinted(f("pages", "Knowledge pages", "ज्ञान पृष्ठ", Input::Pages), LINKS_HINT),
    hinted(f("threads", "Community threads", "चर्चाएँ", Input::Threads), THREADS_HINT),
];

static AGENCY: &[Spec] = &[
    req("name", "Name", "नाम", Input::Text(200)),
    req("agency_type", "Type", "प्रकार", Input::Choice(AGENCY_TYPES)),
    hinted(req("state", "State of head office", "मुख्यालय का राज्य", Input::Term("state")), "The focal point of this state keeps the entry."),
    f("district", "Offices in districts", "ज़िला कार्यालय", Input::Text(300)),
    f("website", "Website", "वेबसाइट", Input::Url),
    f("professionals", "Professional staff", "पेशेवर कर्मचारी", Input::Count),
    f("cd_trained", "Professionals trained in cluster development", "CD में प्रशिक्षित", Input::Count),
    f("years_experience", "Years working with MSMEs", "MSME अनुभव (वर्ष)", Input::Count),
    f("mandate", "Mandate", "अधिदेश", Input::Long),
    f("projects", "Cluster projects handled", "संभाले गए क्लस्टर प्रोजेक्ट", Input::Long),
    f("see_experience", "Experience with SEE issues", "SEE मुद्दों का अनुभव", Input::Long),
    f("sources", "Sources", "स्रोत", Input::Long),
    hinted(f("pages", "Knowledge pages", "ज्ञान पृष्ठ", Input::Pages), LINKS_HINT),
];

/// Columns an export adds that an import skips.
pub const READ_ONLY_COLUMNS: &[&str] = &["url", "verified_at"];

// ---------------------------------------------------------------------------------------------
// Vocabularies

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

    /// The code for what someone typed: a code, a label, or (for states) an old spelling.
    fn resolve(&self, vocab: &str, input: &str) -> Option<&vocabulary::Term> {
        let input = input.trim();
        let canonical = if vocab == "state" { vocab::canonical_state(input).unwrap_or(input) } else { input };
        let terms = || self.terms.iter().filter(|t| t.vocab == vocab);
        terms()
            .find(|t| t.code == canonical)
            .or_else(|| terms().find(|t| t.code.eq_ignore_ascii_case(canonical) || t.label.eq_ignore_ascii_case(canonical)))
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
        errors.insert("label", "Give the label in at most 200 characters.".into());
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
        errors.insert("code", if free_code { "Give the name, without semicolons." } else { "Give a code of lowercase letters, digits and hyphens." }.into());
    } else if vocabulary::find(conn, vocab, &code)?.is_some() {
        errors.insert("code", format!("The code {code} is already in this vocabulary."));
    }
    let (label, label_hi, grp) = clean_term(form, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    write_tx(conn, |tx| {
        let position = vocabulary::next_position(tx, vocab)?;
        vocabulary::insert(tx, &vocabulary::NewTerm { vocab, code: &code, label: &label, label_hi: &label_hi, grp: &grp, position, retired: false })?;
        audit_entry(tx, who.user.id, "vocabulary", &format!("added {code} to {vocab}"))?;
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
        audit_entry(tx, who.user.id, "vocabulary", &format!("updated {code} in {vocab}{}", if form.retired { " (retired)" } else { "" }))?;
        Ok(())
    })
}

fn audit_entry(conn: &mut DbConn, actor: i64, action: &str, detail: &str) -> diesel::QueryResult<usize> {
    audit::insert(conn, &audit::NewAuditEntry { actor_id: Some(actor), action, subject_user_id: None, detail, created_at: models::now() })
}

// ---------------------------------------------------------------------------------------------
// Checking values

pub(crate) fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '\n']).map(str::trim).filter(|v| !v.is_empty())
}

fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s.trim().chars().filter(|c| *c != ',' && *c != ' ').collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn format_number(v: f64) -> String {
    let s = format!("{v}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Checks one value and returns its canonical text, or a message for the field.
/// `previous` is the value the record already had: a retired term it carries may stay.
fn clean_value(conn: &mut DbConn, vocabs: &Vocabs, spec: &Spec, raw: &str, previous: Option<&str>) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return if spec.required { Err(format!("{} is required.", spec.label)) } else { Ok(String::new()) };
    }
    let kept = |code: &str| previous.is_some_and(|p| split_list(p).any(|c| c == code));
    match spec.input {
        Input::Text(max) => {
            let one_line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            if one_line.chars().count() > max { Err(format!("Use at most {max} characters.")) } else { Ok(one_line) }
        }
        Input::Long => {
            let text = raw.replace("\r\n", "\n");
            if text.chars().count() > 20_000 { Err("Use at most 20,000 characters.".into()) } else { Ok(text) }
        }
        Input::Count => {
            let cleaned: String = raw.chars().filter(|c| *c != ',' && *c != ' ').collect();
            match cleaned.parse::<u64>() {
                Ok(n) if n <= 1_000_000_000 => Ok(n.to_string()),
                _ => Err(format!("Give a whole number, such as 1567 (not {raw:?}).")),
            }
        }
        Input::Number(max) => match parse_number(raw) {
            Some(v) if (0.0..=max).contains(&v) => Ok(format_number(v)),
            Some(_) => Err(format!("Give a number from 0 to {}.", format_number(max))),
            None => Err(format!("Give a number, such as 92.5 (not {raw:?}).")),
        },
        Input::Year => match raw.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(y.to_string()),
            _ => Err(format!("Give a year such as 2012 (not {raw:?}).")),
        },
        Input::Choice(options) => options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(raw))
            .map(|o| o.to_string())
            .ok_or_else(|| format!("Choose one of: {}.", options.join(", "))),
        Input::Term(name) => match vocabs.resolve(name, raw) {
            Some(t) if !t.retired || kept(&t.code) => Ok(t.code.clone()),
            Some(t) => Err(format!("{} is no longer in use; choose another term.", t.label)),
            None => Err(format!("{raw:?} is not in the list of {}.", vocab_title(name))),
        },
        Input::Terms(name) => {
            let mut codes: Vec<String> = Vec::new();
            for item in split_list(raw) {
                match vocabs.resolve(name, item) {
                    Some(t) if !t.retired || kept(&t.code) => {
                        if !codes.contains(&t.code) {
                            codes.push(t.code.clone());
                        }
                    }
                    Some(t) => return Err(format!("{} is no longer in use; choose another term.", t.label)),
                    None => return Err(format!("{item:?} is not in the list of {}.", vocab_title(name))),
                }
            }
            Ok(codes.join("; "))
        }
        // References name only what the public can see (or what the record already named):
        // another state's draft, a draft page or a closed community's thread is "not there"
        // to every writer, in the same words as what does not exist.
        Input::Ref(kind) => {
            let slug = raw.rsplit('/').next().unwrap_or(raw).trim();
            let public = registry::find_by_slug(conn, kind.code(), slug).map_err(|e| e.to_string())?.is_some_and(|r| r.is_published());
            if public || kept(slug) {
                Ok(slug.to_string())
            } else {
                Err(format!("No {} named {slug:?} is in the registry.", kind.singular(false).to_lowercase()))
            }
        }
        Input::Indicators => {
            let mut lines = Vec::new();
            for (i, line) in raw.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
                let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                if parts.len() > 4 || parts[0].is_empty() {
                    return Err(format!("Indicator {}: write name | baseline | latest value | unit.", i + 1));
                }
                let mut out = vec![parts[0].to_string()];
                for (j, what) in [(1, "baseline"), (2, "latest value")] {
                    let v = parts.get(j).copied().unwrap_or("");
                    if v.is_empty() {
                        out.push(String::new());
                    } else {
                        match parse_number(v) {
                            Some(n) => out.push(format_number(n)),
                            None => return Err(format!("Indicator {}: the {what} must be a number.", i + 1)),
                        }
                    }
                }
                if out[1].is_empty() && out[2].is_empty() {
                    return Err(format!("Indicator {}: give a baseline or a latest value.", i + 1));
                }
                out.push(parts.get(3).copied().unwrap_or("").to_string());
                lines.push(out.join(" | "));
            }
            Ok(lines.join("\n"))
        }
        Input::Pages => {
            let mut slugs: Vec<String> = Vec::new();
            for item in split_list(raw) {
                let slug = item.trim_end_matches('/').rsplit('/').next().unwrap_or(item).to_string();
                let public = page::find_by_slug(conn, &slug).map_err(|e| e.to_string())?.is_some_and(|p| p.status == page::PUBLISHED);
                if !public && !kept(&slug) {
                    return Err(format!("No knowledge page is called {slug:?}."));
                }
                if !slugs.contains(&slug) {
                    slugs.push(slug);
                }
            }
            Ok(slugs.join("; "))
        }
        Input::Threads => {
            let mut ids: Vec<String> = Vec::new();
            for item in split_list(raw) {
                let id = item.trim_end_matches('/').rsplit('/').next().unwrap_or(item);
                let found = id.parse::<i64>().ok().filter(|n| kept(&n.to_string()) || public_thread(conn, *n).is_some());
                match found {
                    Some(n) => {
                        if !ids.contains(&n.to_string()) {
                            ids.push(n.to_string());
                        }
                    }
                    None => return Err(format!("No thread {item:?} exists.")),
                }
            }
            Ok(ids.join("; "))
        }
        Input::Url => match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u.to_string()),
            _ => Err("Give a web address starting with https://.".into()),
        },
    }
}

fn vocab_title(name: &str) -> &'static str {
    vocab::REGISTRY_VOCABS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).unwrap_or("terms")
}

/// Checks every field of a record; errors are keyed by field name.
pub fn clean(conn: &mut DbConn, vocabs: &Vocabs, kind: Kind, input: &Values, previous: Option<&Values>) -> Result<(Values, FieldErrors), AppError> {
    let mut out = Values::new();
    let mut errors = FieldErrors::new();
    for spec in kind.fields() {
        let raw = input.get(spec.name).map(String::as_str).unwrap_or("");
        let prev = previous.and_then(|p| p.get(spec.name)).map(String::as_str);
        match clean_value(conn, vocabs, spec, raw, prev) {
            Ok(v) => {
                if !v.is_empty() {
                    out.insert(spec.name.to_string(), v);
                }
            }
            Err(msg) => {
                errors.insert(spec.name, msg);
            }
        }
    }
    if let (Some(a), Some(b)) = (out.get("start_year"), out.get("end_year")) {
        if a.parse::<i32>().unwrap_or(0) > b.parse::<i32>().unwrap_or(0) {
            errors.insert("end_year", "The end year comes before the start year.".into());
        }
    }
    Ok((out, errors))
}

pub fn title_of(v: &Values) -> String {
    v.get("title").or_else(|| v.get("name")).cloned().unwrap_or_default()
}

pub(crate) fn columns(v: &Values) -> registry::Columns {
    let get = |k: &str| v.get(k).cloned().unwrap_or_default();
    registry::Columns {
        title: title_of(v),
        state: get("state"),
        district: get("district"),
        sector: get("sector"),
        stage: get("stage"),
        start_year: v.get("start_year").and_then(|y| y.parse().ok()),
        end_year: v.get("end_year").and_then(|y| y.parse().ok()),
    }
}

/// The multi-valued facts the public filters and links by: vocabulary terms, and the
/// records, pages and threads a record names.
fn tags(kind: Kind, v: &Values) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for spec in kind.fields() {
        let Some(value) = v.get(spec.name) else { continue };
        let vocab = match spec.input {
            Input::Terms(name) => name.to_string(),
            Input::Ref(k) => k.code().to_string(),
            Input::Pages => "page".into(),
            Input::Threads => "thread".into(),
            _ => continue,
        };
        for code in split_list(value) {
            out.push((vocab.clone(), code.to_string()));
        }
    }
    out
}

pub fn parse_values(json: &str) -> Values {
    serde_json::from_str(json).unwrap_or_default()
}

pub(crate) fn to_json(v: &Values) -> String {
    serde_json::to_string(v).expect("values serialise")
}

// ---------------------------------------------------------------------------------------------
// Who may do what

pub fn is_reviewer(p: &Principal) -> bool {
    p.roles.is_national_focal_point()
}

/// States whose records this person may draft: all for the national focal point.
pub fn drafting_states(p: &Principal) -> Option<Vec<String>> {
    if is_reviewer(p) {
        None
    } else {
        Some(p.roles.focal_point_states().into_iter().map(str::to_string).collect())
    }
}

pub fn may_draft(p: &Principal) -> bool {
    p.roles.is_focal_point()
}

pub(crate) fn may_draft_in(p: &Principal, state: &str) -> bool {
    match drafting_states(p) {
        None => true,
        Some(states) => states.iter().any(|s| s == state),
    }
}

/// May this person work on this record? Both its published state and the state of any open
/// version must be theirs, so a record cannot be moved out of another focal point's hands.
pub(crate) fn may_edit_record(p: &Principal, rec: &registry::Record, open: Option<&registry::Version>) -> bool {
    may_draft_in(p, &rec.state) && open.is_none_or(|v| may_draft_in(p, &v.state))
}

// ---------------------------------------------------------------------------------------------
// The workflow

const RESERVED_SLUGS: &[&str] = &["new", "import", "review", "export"];

pub(crate) fn valid_slug(s: &str) -> bool {
    !RESERVED_SLUGS.contains(&s) && !s.is_empty() && s.len() <= 80 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') && !s.starts_with('-')
}

pub(crate) fn unique_slug(conn: &mut DbConn, kind: Kind, wanted: &str, title: &str) -> Result<String, AppError> {
    if !wanted.trim().is_empty() {
        let s = wanted.trim();
        if !valid_slug(s) {
            return Err(AppError::field("slug", "Give a web name of lowercase letters, digits and hyphens."));
        }
        if registry::find_by_slug(conn, kind.code(), s)?.is_some() {
            return Err(AppError::field("slug", format!("The web name {s} is already used.")));
        }
        return Ok(s.to_string());
    }
    let base = match super::slugify(title, 70) {
        s if s.is_empty() || RESERVED_SLUGS.contains(&s.as_str()) => format!("{}-{}", kind.code(), models::now().format("%Y%m%d%H%M%S")),
        s => s,
    };
    let mut slug = base.clone();
    let mut n = 2;
    while registry::find_by_slug(conn, kind.code(), &slug)?.is_some() {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

/// A record's state must be one the person keeps the registry for.
fn check_state_is_theirs(who: &Principal, values: &Values, errors: &mut FieldErrors) {
    if values.get("state").is_some_and(|state| !may_draft_in(who, state)) {
        errors.insert("state", "You keep the registry for other states; choose one of yours.".into());
    }
}

pub struct Saved {
    pub slug: String,
    pub submitted: bool,
}

/// Creates a record with its first version, as a draft or submitted for review.
pub fn create(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, input: &Values, submit: bool) -> Result<Saved, AppError> {
    if !may_draft(who) {
        return Err(AppError::Forbidden);
    }
    let vocabs = Vocabs::load(conn)?;
    let (values, mut errors) = clean(conn, &vocabs, kind, input, None)?;
    check_state_is_theirs(who, &values, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let slug = unique_slug(conn, kind, slug, &title_of(&values))?;
    let status = if submit { registry::SUBMITTED } else { registry::DRAFT };
    write_tx(conn, |tx| {
        let now = models::now();
        let cols = columns(&values);
        let id = registry::insert_record(tx, kind.code(), &slug, &cols, Some(who.user.id), now)?;
        registry::insert_version(tx, id, 1, &to_json(&values), &cols.state, status, Some(who.user.id), now)?;
        Ok::<_, AppError>(())
    })?;
    Ok(Saved { slug, submitted: submit })
}

/// What an edit form saw of the version open for work: its number and lock (0 and 0 when
/// none was open), so that a change made meanwhile is refused rather than overwritten.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen {
    pub version: i32,
    pub lock: i32,
}

/// Saves changes to a record: into its open version, or as a new version copied from the
/// published one.
pub fn save(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, input: &Values, seen: Seen, submit: bool) -> Result<Saved, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    if !may_edit_record(who, &rec, open.as_ref()) {
        return Err(AppError::Forbidden);
    }
    // Retired terms the record already carries may stay.
    let previous = Some(latest_values(conn, &rec)?);
    let vocabs = Vocabs::load(conn)?;
    let (values, mut errors) = clean(conn, &vocabs, kind, input, previous.as_ref())?;
    check_state_is_theirs(who, &values, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let status = if submit { registry::SUBMITTED } else { registry::DRAFT };
    let state = values.get("state").cloned().unwrap_or_default();
    write_tx(conn, |tx| {
        let now = models::now();
        match registry::open_version(tx, rec.id)? {
            Some(v) => {
                if v.number != seen.version || v.lock_version != seen.lock || !registry::update_fields(tx, v.id, seen.lock, &to_json(&values), &state, status, now)? {
                    return Err(AppError::Conflict("Someone changed this record while you were editing it. Reload it and apply your changes again.".into()));
                }
            }
            None if seen.version != 0 => {
                return Err(AppError::Conflict("The version you were editing was decided on meanwhile. Reload the record and apply your changes again.".into()));
            }
            None => {
                let n = registry::last_number(tx, rec.id)? + 1;
                registry::insert_version(tx, rec.id, n, &to_json(&values), &state, status, Some(who.user.id), now)?;
            }
        }
        if !rec.is_published() {
            // Until something is published, the record row follows the draft, so the focal
            // point's lists show the current title.
            registry::set_columns(tx, rec.id, &columns(&values), now)?;
        }
        Ok(())
    })?;
    Ok(Saved { slug: rec.slug, submitted: submit })
}

pub(crate) fn published_values(conn: &mut DbConn, rec: &registry::Record) -> Result<Option<Values>, AppError> {
    match rec.published_version {
        Some(n) => Ok(Some(parse_values(&registry::version(conn, rec.id, n)?.fields))),
        None => Ok(None),
    }
}

/// The newest version's values: the published one, or for a withdrawn record the one that
/// was withdrawn.
fn latest_values(conn: &mut DbConn, rec: &registry::Record) -> Result<Values, AppError> {
    Ok(registry::versions(conn, rec.id)?.first().map(|v| parse_values(&v.fields)).unwrap_or_default())
}

/// Takes a published record out of the registry with a reason the public will read. Its focal
/// point may submit it again; approval publishes it again.
pub fn withdraw(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, note: &str) -> Result<(), AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let note: String = note.trim().chars().take(500).collect();
    if note.is_empty() {
        return Err(AppError::field("note", "Say why the record is withdrawn; visitors will read it."));
    }
    write_tx(conn, |tx| {
        let rec = registry::find_by_slug(tx, kind.code(), slug)?.ok_or(AppError::NotFound)?;
        let Some(n) = rec.published_version else {
            return Err(AppError::Conflict("This record is not published.".into()));
        };
        let v = registry::version(tx, rec.id, n)?;
        let now = models::now();
        registry::set_version_status(tx, v.id, registry::WITHDRAWN)?;
        registry::mark_withdrawn(tx, rec.id, &note, now)?;
        registry::set_tags(tx, rec.id, kind.code(), &[])?;
        search_outbox::push(tx, search_outbox::RECORD, rec.id)?;
        audit_entry(tx, who.user.id, "registry withdraw", &format!("{} {}: {note}", kind.code(), rec.slug))?;
        Ok(())
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    Approve,
    Return,
}

/// The national focal point's decision on a submitted version. Comments are keyed by field
/// name; "" holds the general comment. A return needs at least one comment.
pub fn review(
    conn: &mut DbConn,
    who: &Principal,
    base_url: &str,
    kind: Kind,
    slug: &str,
    number: i32,
    lock: i32,
    decision: Decision,
    comments: &BTreeMap<String, String>,
) -> Result<(), AppError> {
    if !is_reviewer(who) {
        return Err(AppError::Forbidden);
    }
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let comments: BTreeMap<String, String> = comments
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().chars().take(2000).collect::<String>()))
        .filter(|(k, v)| !v.is_empty() && (k.is_empty() || kind.spec(k).is_some()))
        .collect();
    if decision == Decision::Return && comments.is_empty() {
        return Err(AppError::field("comment", "Say what needs to change, in general or beside a field."));
    }
    let comments_json = serde_json::to_string(&comments).expect("comments serialise");
    write_tx(conn, |tx| {
        let v = registry::version(tx, rec.id, number)?;
        let now = models::now();
        let to = if decision == Decision::Approve { registry::PUBLISHED } else { registry::RETURNED };
        if v.status != registry::SUBMITTED || !registry::review(tx, v.id, lock, registry::SUBMITTED, to, who.user.id, &comments_json, now)? {
            return Err(AppError::Conflict("This version is no longer waiting for review: someone else decided on it, or its focal point took it back.".into()));
        }
        let values = parse_values(&v.fields);
        if decision == Decision::Approve {
            publish_in(tx, kind, &rec, number, &values, Some(who.user.id), now)?;
        }
        let action = if decision == Decision::Approve { "registry publish" } else { "registry return" };
        audit_entry(tx, who.user.id, action, &format!("{} {} version {number}", kind.code(), rec.slug))?;
        if let Some(author) = v.author_id.filter(|a| *a != who.user.id) {
            if let Ok(u) = user::find(tx, author) {
                let status = if decision == Decision::Approve { "published" } else { "returned with comments" };
                let url = format!("{base_url}/registry/{}/{}", kind.plural(), rec.slug);
                let m = crate::views::mail::registry_notice(&u.language, &u.name, &title_of(&values), status, comments.get("").map(String::as_str).unwrap_or(""), &url);
                crate::mail::enqueue(tx, base_url, &u.email, &m.subject, &m.text, &m.html)?;
            }
        }
        Ok(())
    })
}

/// Makes version `number` the published one, in the caller's transaction: the record's
/// columns and tags follow it and the search index is told.
pub(crate) fn publish_in(tx: &mut DbConn, kind: Kind, rec: &registry::Record, number: i32, values: &Values, by: Option<i64>, now: NaiveDateTime) -> diesel::QueryResult<()> {
    if let Some(old) = rec.published_version.filter(|o| *o != number) {
        let old_v = registry::version(tx, rec.id, old)?;
        registry::set_version_status(tx, old_v.id, registry::SUPERSEDED)?;
    }
    registry::set_columns(tx, rec.id, &columns(values), now)?;
    registry::set_tags(tx, rec.id, kind.code(), &tags(kind, values))?;
    registry::mark_published(tx, rec.id, number, by, now)?;
    search_outbox::push(tx, search_outbox::RECORD, rec.id)?;
    Ok(())
}

/// One field of the review: the published value against the submitted one.
#[derive(Debug, Clone)]
pub struct FieldDiff {
    pub spec: &'static Spec,
    pub old: String,
    pub new: String,
    pub changed: bool,
}

pub fn diff(kind: Kind, old: Option<&Values>, new: &Values) -> Vec<FieldDiff> {
    kind.fields()
        .iter()
        .map(|spec| {
            let o = old.and_then(|v| v.get(spec.name)).cloned().unwrap_or_default();
            let n = new.get(spec.name).cloned().unwrap_or_default();
            FieldDiff { spec, changed: o != n, old: o, new: n }
        })
        .collect()
}

/// A record as its page shows it.
pub struct RecordView {
    pub kind: Kind,
    pub record: registry::Record,
    /// The published values (None when nothing is published yet).
    pub values: Option<Values>,
    /// The version open for work, shown to those who may see it.
    pub open: Option<registry::Version>,
    pub open_values: Option<Values>,
    pub verified_by: Option<String>,
    pub overdue: bool,
    /// Records naming this one (initiatives of a cluster, practices of an initiative).
    pub related: Vec<registry::Record>,
    /// Published records this one names, by (kind code, slug).
    pub refs: Vec<registry::Record>,
    /// Knowledge pages: named by the record or linking to it (slug, title, language).
    pub pages: Vec<(String, String, String)>,
    /// Public threads named by the record: (url, title).
    pub threads: Vec<(String, String)>,
    pub may_edit: bool,
    pub may_review: bool,
    pub history: Vec<(registry::Version, Option<String>)>,
    pub vocabs: Vocabs,
}

pub const VERIFY_EVERY_DAYS: i64 = 365;

pub fn is_overdue(rec: &registry::Record, now: NaiveDateTime) -> bool {
    rec.verified_at.is_some_and(|at| at < now - Duration::days(VERIFY_EVERY_DAYS))
}

fn user_name(conn: &mut DbConn, id: Option<i64>) -> Option<String> {
    id.and_then(|i| user::find(conn, i).ok()).map(|u| u.name)
}

/// A record for a visitor: the public see only its published version; its focal points and
/// the reviewer also see the version under work.
pub enum Lookup {
    Found(Box<RecordView>),
    /// Withdrawn by the national focal point: the public get 410 with the reason.
    Gone { title: String, note: String },
}

pub fn view(conn: &mut DbConn, who: Option<&Principal>, kind: Kind, slug: &str) -> Result<Lookup, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    let may_edit = who.is_some_and(|p| may_draft(p) && may_edit_record(p, &rec, open.as_ref()));
    let may_review = who.is_some_and(is_reviewer);
    let insider = may_edit || may_review;
    if !rec.is_published() && !insider {
        return match rec.withdrawn_at {
            Some(_) => Ok(Lookup::Gone { title: rec.title, note: rec.withdrawn_note }),
            None => Err(AppError::NotFound),
        };
    }
    let values = published_values(conn, &rec)?;
    let shown = match (&values, &open) {
        (Some(v), _) => v.clone(),
        (None, Some(o)) => parse_values(&o.fields),
        (None, None) => latest_values(conn, &rec)?,
    };
    let mut refs = Vec::new();
    let mut pages = Vec::new();
    let mut threads = Vec::new();
    for spec in kind.fields() {
        let Some(v) = shown.get(spec.name) else { continue };
        match spec.input {
            Input::Ref(k) => {
                for s in split_list(v) {
                    if let Some(r) = registry::find_by_slug(conn, k.code(), s)?.filter(|r| r.is_published()) {
                        refs.push(r);
                    }
                }
            }
            Input::Pages => {
                for s in split_list(v) {
                    if let Some(p) = page::find_by_slug(conn, s)?.filter(|p| p.status == page::PUBLISHED) {
                        pages.push((p.slug, p.title, p.language));
                    }
                }
            }
            Input::Threads => {
                for s in split_list(v) {
                    if let Some((url, title)) = s.parse().ok().and_then(|id| public_thread(conn, id)) {
                        threads.push((url, title));
                    }
                }
            }
            _ => {}
        }
    }
    for p in registry::linking_pages(conn, &format!("registry/{}/{}", kind.plural(), rec.slug))? {
        if !pages.iter().any(|(s, _, _)| *s == p.0) {
            pages.push(p);
        }
    }
    let related = registry::tagged(conn, kind.code(), &rec.slug)?;
    let history = if insider {
        registry::versions(conn, rec.id)?.into_iter().map(|v| {
            let name = user_name(conn, v.author_id);
            (v, name)
        }).collect()
    } else {
        Vec::new()
    };
    Ok(Lookup::Found(Box::new(RecordView {
        kind,
        overdue: is_overdue(&rec, models::now()),
        verified_by: user_name(conn, rec.verified_by),
        open_values: if insider { open.as_ref().map(|v| parse_values(&v.fields)) } else { None },
        open: if insider { open } else { None },
        record: rec,
        values,
        related,
        refs,
        pages,
        threads,
        may_edit,
        may_review,
        history,
        vocabs: Vocabs::load(conn)?,
    })))
}

/// (address, title) of a thread anyone may read.
fn public_thread(conn: &mut DbConn, id: i64) -> Option<(String, String)> {
    let root = post::find(conn, id).ok()?;
    let c = models::community::find(conn, root.community_id).ok()?;
    (root.is_query() && root.status == post::APPROVED && (root.is_public || c.public_threads)).then(|| (format!("/c/{}/t/{}", c.slug, root.id), root.title))
}

/// What the edit form starts from: the open version, or the published one.
pub struct EditView {
    pub record: Option<registry::Record>,
    pub values: Values,
    pub seen: Seen,
    pub comments: BTreeMap<String, String>,
    /// (number, status) of the open version, if one is open.
    pub status: Option<(i32, String)>,
    pub vocabs: Vocabs,
    pub states: Option<Vec<String>>,
}

pub fn edit_view(conn: &mut DbConn, who: &Principal, kind: Kind, slug: Option<&str>) -> Result<EditView, AppError> {
    if !may_draft(who) {
        return Err(AppError::Forbidden);
    }
    let vocabs = Vocabs::load(conn)?;
    let Some(slug) = slug else {
        return Ok(EditView { record: None, values: Values::new(), seen: Seen::default(), comments: BTreeMap::new(), status: None, vocabs, states: drafting_states(who) });
    };
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let open = registry::open_version(conn, rec.id)?;
    if !may_edit_record(who, &rec, open.as_ref()) {
        return Err(AppError::Forbidden);
    }
    let (values, seen, comments, status) = match &open {
        Some(v) => (parse_values(&v.fields), Seen { version: v.number, lock: v.lock_version }, serde_json::from_str(&v.comments).unwrap_or_default(), Some((v.number, v.status.clone()))),
        None => (latest_values(conn, &rec)?, Seen::default(), BTreeMap::new(), None),
    };
    Ok(EditView { record: Some(rec), values, seen, comments, status, vocabs, states: drafting_states(who) })
}

pub struct ReviewView {
    pub kind: Kind,
    pub record: registry::Record,
    pub version: registry::Version,
    pub author: Option<String>,
    pub diff: Vec<FieldDiff>,
    pub vocabs: Vocabs,
    /// The viewer may approve or return this version (it is submitted and they review).
    pub may_decide: bool,
}

pub fn review_view(conn: &mut DbConn, who: &Principal, kind: Kind, slug: &str, number: i32) -> Result<ReviewView, AppError> {
    let rec = registry::find_by_slug(conn, kind.code(), slug)?.ok_or(AppError::NotFound)?;
    let version = registry::version(conn, rec.id, number)?;
    let open = registry::open_version(conn, rec.id)?;
    if !(is_reviewer(who) || may_edit_record(who, &rec, open.as_ref())) {
        return Err(AppError::Forbidden);
    }
    let old = match rec.published_version {
        Some(n) if n != number => Some(parse_values(&registry::version(conn, rec.id, n)?.fields)),
        _ => None,
    };
    let new = parse_values(&version.fields);
    Ok(ReviewView {
        kind,
        may_decide: is_reviewer(who) && version.status == registry::SUBMITTED,
        diff: diff(kind, old.as_ref(), &new),
        author: user_name(conn, version.author_id),
        record: rec,
        version,
        vocabs: Vocabs::load(conn)?,
    })
}

/// The reviewer's queue and a focal point's work list.
pub struct WorkList {
    pub waiting: Vec<(registry::Version, registry::Record)>,
    pub mine: Vec<(registry::Version, registry::Record)>,
    pub overdue: Vec<registry::Record>,
    pub is_reviewer: bool,
}

pub fn work(conn: &mut DbConn, who: &Principal) -> Result<WorkList, AppError> {
    if !may_draft(who) {
        return Err(AppError::Forbidden);
    }
    let states = drafting_states(who);
    let waiting = if is_reviewer(who) { registry::submitted(conn)? } else { Vec::new() };
    let mine = match &states {
        Some(s) => registry::open_in_states(conn, s)?,
        None => Vec::new(),
    };
    let now = models::now();
    let overdue = registry::in_states(conn, states.as_deref())?.into_iter().filter(|r| r.is_published() && is_overdue(r, now)).collect();
    Ok(WorkList { waiting, mine, overdue, is_reviewer: is_reviewer(who) })
}

/// Mails the focal points of each record not verified for a year, at most once a month per
/// record; the national focal points hear of records in states that have none.
pub fn remind_overdue(conn: &mut DbConn, base_url: &str, now: NaiveDateTime) -> Result<usize, AppError> {
    let stale = registry::overdue(conn, now - Duration::days(VERIFY_EVERY_DAYS), now - Duration::days(30))?;
    if stale.is_empty() {
        return Ok(0);
    }
    let grants = role::focal_points(conn)?;
    let mut sent = 0;
    for rec in stale {
        let mut to: Vec<i64> = grants.iter().filter(|g| g.state == rec.state).map(|g| g.user_id).collect();
        if to.is_empty() {
            to = grants.iter().filter(|g| g.state.is_empty()).map(|g| g.user_id).collect();
        }
        let kind = Kind::from_code(&rec.kind).unwrap_or(Kind::Initiative);
        write_tx(conn, |tx| {
            for uid in &to {
                let u = user::find(tx, *uid)?;
                let url = format!("{base_url}/registry/{}/{}", kind.plural(), rec.slug);
                let since = rec.verified_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
                let m = crate::views::mail::registry_notice(&u.language, &u.name, &rec.title, &format!("not verified since {since}"), "Please check the record and submit it again, changed or not.", &url);
                crate::mail::enqueue(tx, base_url, &u.email, &m.subject, &m.text, &m.html)?;
                sent += 1;
            }
            registry::mark_reminded(tx, rec.id, now)?;
            Ok::<_, AppError>(())
        })?;
    }
    Ok(sent)
}

// ---------------------------------------------------------------------------------------------
// Public browsing

/// Filters of a public list; empty strings mean "any".
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub see_issue: String,
    #[serde(default)]
    pub br_activity: String,
    #[serde(default)]
    pub scheme: String,
    #[serde(default)]
    pub year: String,
    /// Text, as the list's query string is read through a flattened struct.
    #[serde(default)]
    pub page: String,
}

impl Filters {
    pub fn get(&self, name: &str) -> &str {
        match name {
            "state" => &self.state,
            "district" => &self.district,
            "sector" => &self.sector,
            "stage" => &self.stage,
            "see_issue" => &self.see_issue,
            "br_activity" => &self.br_activity,
            "scheme" => &self.scheme,
            "year" => &self.year,
            _ => "",
        }
    }

    /// The query string for another page of the same list.
    pub fn query_page(&self, page: i64) -> String {
        let base = self.query_with("", "");
        if base.is_empty() { format!("page={page}") } else { format!("{base}&page={page}") }
    }

    /// The query string that reproduces these filters (first page), with one of them replaced.
    pub fn query_with(&self, name: &str, value: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for key in ["state", "district", "sector", "stage", "see_issue", "br_activity", "scheme", "year"] {
            let v = if key == name { value } else { self.get(key) };
            if !v.is_empty() {
                q.append_pair(key, v);
            }
        }
        q.finish()
    }
}

pub struct Facet {
    pub name: &'static str,
    pub vocab: &'static str,
    /// (code, label, count), most frequent first.
    pub counts: Vec<(String, String, usize)>,
}

pub struct Browse {
    pub kind: Kind,
    /// This page of the matching records, by title.
    pub records: Vec<registry::Record>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub facets: Vec<Facet>,
    /// Years with at least one record active in them, with counts.
    pub years: Vec<(i32, usize)>,
    pub now: NaiveDateTime,
}

pub const PER_PAGE: i64 = 50;

fn query_of(kind: Kind, filters: &Filters) -> registry::Query {
    let mut tags = Vec::new();
    for (name, value) in [("see_issue", &filters.see_issue), ("br_activity", &filters.br_activity), ("scheme", &filters.scheme)] {
        if !value.is_empty() {
            tags.push((name.to_string(), value.clone()));
        }
    }
    registry::Query {
        kind: kind.code().to_string(),
        state: filters.state.clone(),
        sector: filters.sector.clone(),
        stage: filters.stage.clone(),
        district: filters.district.trim().chars().take(100).collect(),
        year: filters.year.trim().parse().ok(),
        tags,
    }
}

/// Every published record of a kind matching the filters (for exports).
pub fn all_matching(conn: &mut DbConn, kind: Kind, filters: &Filters) -> Result<Vec<registry::Record>, AppError> {
    Ok(registry::find_matching(conn, &query_of(kind, filters), None, 0)?)
}

/// One page of published records matching the filters, with counts for each facet over all
/// matching records. Filtering and counting happen in the database.
pub fn browse(conn: &mut DbConn, kind: Kind, filters: &Filters, hindi: bool) -> Result<Browse, AppError> {
    let q = query_of(kind, filters);
    let total = registry::count_matching(conn, &q)?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page = super::page_number(Some(&filters.page)).min(pages);
    let records = registry::find_matching(conn, &q, Some(PER_PAGE), super::page_offset(page, PER_PAGE))?;
    let vocabs = Vocabs::load(conn)?;
    let tag_vocabs: Vec<&str> = kind.facets().iter().filter(|(n, _)| !matches!(*n, "state" | "sector" | "stage")).map(|(_, v)| *v).collect();
    // Over the whole kind the counts come from an index; under filters, from the tags of the
    // matching records, which the database finds by record.
    let filtered_tags = if q.is_whole_kind() || tag_vocabs.is_empty() {
        None
    } else {
        let ids = registry::matching_ids(conn, &q)?;
        Some(registry::tags_of(conn, &ids, &tag_vocabs)?)
    };
    let mut facets = Vec::new();
    for (name, vocab) in kind.facets() {
        let counts = match (*name, &filtered_tags) {
            ("state" | "sector" | "stage", _) => registry::column_counts(conn, &q, name)?,
            (_, None) => registry::tag_counts_of_kind(conn, &q.kind, vocab)?,
            (_, Some(tags)) => {
                let mut m: BTreeMap<String, i64> = BTreeMap::new();
                for (_, code) in tags.iter().filter(|(v, _)| v == vocab) {
                    *m.entry(code.clone()).or_default() += 1;
                }
                m.into_iter().collect()
            }
        };
        let mut counts: Vec<(String, String, usize)> = counts.into_iter().map(|(c, n)| (c.clone(), vocabs.label(vocab, &c, hindi), n as usize)).collect();
        counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        facets.push(Facet { name, vocab, counts });
    }
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    if matches!(kind, Kind::Initiative | Kind::Practice) {
        for (start, end, n) in registry::year_spans(conn, &q)? {
            let Some(s) = start else { continue };
            for y in s..=end.unwrap_or(s).clamp(s, s + 50) {
                *years.entry(y).or_default() += n as usize;
            }
        }
    }
    Ok(Browse { kind, records, total, page, pages, facets, years: years.into_iter().collect(), now: models::now() })
}

/// The registry's front page: counts per state and kind.
pub struct Overview {
    /// (state, counts in Kind::ALL order).
    pub states: Vec<(String, [usize; 4])>,
    pub totals: [usize; 4],
    pub recent: Vec<registry::Record>,
}

pub fn overview(conn: &mut DbConn) -> Result<Overview, AppError> {
    let all = registry::all_published(conn)?;
    let mut by_state: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    let mut totals = [0; 4];
    for r in &all {
        let i = Kind::ALL.iter().position(|k| k.code() == r.kind).unwrap_or(0);
        by_state.entry(r.state.clone()).or_default()[i] += 1;
        totals[i] += 1;
    }
    let mut recent = all;
    recent.sort_by(|a, b| b.verified_at.cmp(&a.verified_at));
    recent.truncate(8);
    Ok(Overview { states: by_state.into_iter().collect(), totals, recent })
}

/// (path, last change) of every published record, for the sitemap.
pub fn published_paths(conn: &mut DbConn) -> Result<Vec<(String, NaiveDateTime)>, AppError> {
    Ok(registry::all_published(conn)?
        .into_iter()
        .filter_map(|r| Kind::from_code(&r.kind).map(|k| (format!("/registry/{}/{}", k.plural(), r.slug), r.updated_at)))
        .collect())
}

/// Registry records that name a knowledge page, or that the page's text links to.
pub fn for_page(conn: &mut DbConn, page_id: i64, slug: &str) -> Result<Vec<registry::Record>, AppError> {
    let mut out = registry::tagged(conn, "page", slug)?;
    for target in registry::linked_from_page(conn, page_id)? {
        let Some((kind, s)) = link_target(&target) else { continue };
        if let Some(r) = registry::find_by_slug(conn, kind.code(), s)?.filter(|r| r.is_published()) {
            if !out.iter().any(|o| o.id == r.id) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// Registry records that name a thread.
pub fn for_thread(conn: &mut DbConn, thread_id: i64) -> Result<Vec<registry::Record>, AppError> {
    Ok(registry::tagged(conn, "thread", &thread_id.to_string())?)
}

/// The kind and web name in a page link target "registry/KIND/SLUG".
fn link_target(target: &str) -> Option<(Kind, &str)> {
    let mut parts = target.splitn(3, '/').skip(1);
    let (plural, slug) = (parts.next()?, parts.next()?);
    Some((Kind::from_plural(plural)?, slug))
}

/// Does "registry/KIND/SLUG" name a published record? Drafts of any state count as absent,
/// so a page's writer learns nothing about them from the broken-link report.
pub fn link_target_exists(conn: &mut DbConn, target: &str) -> Result<bool, AppError> {
    let Some((kind, slug)) = link_target(target) else { return Ok(false) };
    Ok(registry::find_by_slug(conn, kind.code(), slug)?.is_some_and(|r| r.is_published()))
}

pub fn multi_values(v: &str) -> Vec<&str> {
    split_list(v).collect()
}

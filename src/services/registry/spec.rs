//! The kinds of record and their field specifications: forms, checks, the review diff, CSV
//! and JSON all follow these lists.

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

    /// The path segment of the kind's list: /registry/{plural}, from the one table in paths.
    pub fn plural(self) -> &'static str {
        crate::paths::registry_plural(self.code()).expect("paths::REGISTRY_KINDS names every kind")
    }

    pub fn from_code(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == s)
    }

    /// The locale key of the kind's name for a list ("Best practices").
    pub fn label_key(self) -> &'static str {
        match self {
            Kind::Cluster => "registry-kinds-cluster",
            Kind::Initiative => "registry-kinds-initiative",
            Kind::Practice => "registry-kinds-practice",
            Kind::Agency => "registry-kinds-agency",
        }
    }

    /// The locale key of the kind's name for one record ("Best practice").
    pub fn singular_key(self) -> &'static str {
        match self {
            Kind::Cluster => "registry-kind-cluster",
            Kind::Initiative => "registry-kind-initiative",
            Kind::Practice => "registry-kind-practice",
            Kind::Agency => "registry-kind-agency",
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
    Choice(&'static [Choice]),
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

/// One field of a kind of record. Its label and hint are keys of the locale files
/// (`field-KIND-NAME`, `hint-...`), shown in the reader's language.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    /// A key, or empty for no hint.
    pub hint: &'static str,
}

const fn f(name: &'static str, label: &'static str, input: Input) -> Spec {
    Spec { name, label, input, required: false, hint: "" }
}

const fn req(name: &'static str, label: &'static str, input: Input) -> Spec {
    Spec { name, label, input, required: true, hint: "" }
}

const fn hinted(mut s: Spec, hint: &'static str) -> Spec {
    s.hint = hint;
    s
}

/// A choice's stored value (English, as files and exports carry it) and the locale key of
/// its label, so a reader sees it in their language.
pub type Choice = (&'static str, &'static str);

pub const LEVELS: &[Choice] = &[("Low", "choice-level-low"), ("Moderate", "choice-level-moderate"), ("High", "choice-level-high")];
/// Levels of engagement with an SEE issue (Table 1.4): blind, aware, engaged low/moderate/high.
pub const ENGAGEMENT: &[Choice] = &[
    ("B", "choice-engagement-b"),
    ("A", "choice-engagement-a"),
    ("EL", "choice-engagement-el"),
    ("EM", "choice-engagement-em"),
    ("EH", "choice-engagement-eh"),
];
pub const LOCATION_TYPES: &[Choice] = &[("Urban", "choice-location-urban"), ("Semi-urban", "choice-location-semi-urban"), ("Rural", "choice-location-rural")];
pub const AGENCY_TYPES: &[Choice] = &[
    ("MSME association", "choice-agency-msme-association"),
    ("Field office or institution of a ministry", "choice-agency-field-office"),
    ("State government body", "choice-agency-state-body"),
    ("National or international institution", "choice-agency-national-institution"),
    ("Non-governmental organisation", "choice-agency-ngo"),
    ("Programme management unit", "choice-agency-pmu"),
];


static CLUSTER: &[Spec] = &[
    hinted(req("name", "field-cluster-name", Input::Text(160)), "hint-cluster-name"),
    f("product", "field-cluster-product", Input::Text(200)),
    req("sector", "field-cluster-sector", Input::Term("sector")),
    req("state", "field-cluster-state", Input::Term("state")),
    f("district", "field-cluster-district", Input::Text(160)),
    f("location_type", "field-cluster-location_type", Input::Choice(LOCATION_TYPES)),
    f("units_micro", "field-cluster-units_micro", Input::Count),
    f("units_small", "field-cluster-units_small", Input::Count),
    f("units_medium", "field-cluster-units_medium", Input::Count),
    f("units_large", "field-cluster-units_large", Input::Count),
    f("units_total", "field-cluster-units_total", Input::Count),
    f("employment", "field-cluster-employment", Input::Count),
    hinted(f("turnover_crore", "field-cluster-turnover_crore", Input::Number(10_000_000.0)), "hint-cluster-turnover_crore"),
    f("export_share", "field-cluster-export_share", Input::Number(100.0)),
    f("energy_intensity", "field-cluster-energy_intensity", Input::Choice(LEVELS)),
    f("air", "field-cluster-air", Input::Choice(LEVELS)),
    f("water", "field-cluster-water", Input::Choice(LEVELS)),
    f("solid_waste", "field-cluster-solid_waste", Input::Choice(LEVELS)),
    f("see_issues", "field-cluster-see_issues", Input::Terms("see_issue")),
    hinted(f("br_labour", "field-cluster-br_labour", Input::Choice(ENGAGEMENT)), "hint-cluster-br_labour"),
    f("br_environment", "field-cluster-br_environment", Input::Choice(ENGAGEMENT)),
    f("br_health", "field-cluster-br_health", Input::Choice(ENGAGEMENT)),
    f("br_social", "field-cluster-br_social", Input::Choice(ENGAGEMENT)),
    f("description", "field-cluster-description", Input::Long),
    f("sources", "field-cluster-sources", Input::Long),
    hinted(f("pages", "field-cluster-pages", Input::Pages), "hint-pages"),
    hinted(f("threads", "field-cluster-threads", Input::Threads), "hint-threads"),
];

static INITIATIVE: &[Spec] = &[
    req("title", "field-initiative-title", Input::Text(200)),
    hinted(f("cluster", "field-initiative-cluster", Input::Ref(Kind::Cluster)), "hint-initiative-cluster"),
    req("state", "field-initiative-state", Input::Term("state")),
    f("district", "field-initiative-district", Input::Text(160)),
    f("sector", "field-initiative-sector", Input::Term("sector")),
    hinted(f("agency", "field-initiative-agency", Input::Ref(Kind::Agency)), "hint-initiative-agency"),
    f("cda", "field-initiative-cda", Input::Text(200)),
    f("partners", "field-initiative-partners", Input::Long),
    f("funder", "field-initiative-funder", Input::Text(200)),
    f("funding_scheme", "field-initiative-funding_scheme", Input::Text(200)),
    f("schemes", "field-initiative-schemes", Input::Terms("scheme")),
    f("start_year", "field-initiative-start_year", Input::Year),
    f("end_year", "field-initiative-end_year", Input::Year),
    f("stage", "field-initiative-stage", Input::Term("stage")),
    f("see_issues", "field-initiative-see_issues", Input::Terms("see_issue")),
    f("br_activities", "field-initiative-br_activities", Input::Terms("br_activity")),
    f("nvg_principles", "field-initiative-nvg_principles", Input::Terms("nvg")),
    f("units_covered", "field-initiative-units_covered", Input::Count),
    f("workers_covered", "field-initiative-workers_covered", Input::Count),
    hinted(f("indicators", "field-initiative-indicators", Input::Indicators), "hint-initiative-indicators"),
    f("outcomes", "field-initiative-outcomes", Input::Long),
    f("sources", "field-initiative-sources", Input::Long),
    hinted(f("pages", "field-initiative-pages", Input::Pages), "hint-pages"),
    hinted(f("threads", "field-initiative-threads", Input::Threads), "hint-threads"),
];

static PRACTICE: &[Spec] = &[
    req("title", "field-practice-title", Input::Text(200)),
    f("initiative", "field-practice-initiative", Input::Ref(Kind::Initiative)),
    f("cluster", "field-practice-cluster", Input::Ref(Kind::Cluster)),
    req("state", "field-practice-state", Input::Term("state")),
    f("district", "field-practice-district", Input::Text(160)),
    f("sector", "field-practice-sector", Input::Term("sector")),
    f("see_issues", "field-practice-see_issues", Input::Terms("see_issue")),
    req("problem", "field-practice-problem", Input::Long),
    req("intervention", "field-practice-intervention", Input::Long),
    f("actors", "field-practice-actors", Input::Long),
    f("cost", "field-practice-cost", Input::Text(300)),
    f("start_year", "field-practice-start_year", Input::Year),
    f("end_year", "field-practice-end_year", Input::Year),
    hinted(req("economic_benefit", "field-practice-economic_benefit", Input::Long), "hint-practice-economic_benefit"),
    f("see_benefit", "field-practice-see_benefit", Input::Long),
    f("br_activities", "field-practice-br_activities", Input::Terms("br_activity")),
    f("nvg_principles", "field-practice-nvg_principles", Input::Terms("nvg")),
    f("replication", "field-practice-replication", Input::Long),
    f("awards", "field-practice-awards", Input::Long),
    f("sources", "field-practice-sources", Input::Long),
    hinted(f("pages", "field-practice-pages", Input::Pages), "hint-pages"),
    hinted(f("threads", "field-practice-threads", Input::Threads), "hint-threads"),
];

static AGENCY: &[Spec] = &[
    req("name", "field-agency-name", Input::Text(200)),
    req("agency_type", "field-agency-agency_type", Input::Choice(AGENCY_TYPES)),
    hinted(req("state", "field-agency-state", Input::Term("state")), "hint-agency-state"),
    f("district", "field-agency-district", Input::Text(300)),
    f("website", "field-agency-website", Input::Url),
    f("professionals", "field-agency-professionals", Input::Count),
    f("cd_trained", "field-agency-cd_trained", Input::Count),
    f("years_experience", "field-agency-years_experience", Input::Count),
    f("mandate", "field-agency-mandate", Input::Long),
    f("projects", "field-agency-projects", Input::Long),
    f("see_experience", "field-agency-see_experience", Input::Long),
    f("sources", "field-agency-sources", Input::Long),
    hinted(f("pages", "field-agency-pages", Input::Pages), "hint-pages"),
];

/// Columns an export adds that an import skips.
pub const READ_ONLY_COLUMNS: &[&str] = &["url", "verified_at", "latest_rating"];

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn every_kind_has_its_list_segment() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_plural(k.plural()), Some(k));
        }
    }
}

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

//! One language per page: a visitor who chose हिन्दी reads Hindi labels, states, sectors,
//! themes, statuses and dates on the knowledge, registry and search pages, never the codes the
//! portal stores; acronyms in registry labels carry their expansion, and the glossary explains
//! them in both languages. A real portal over HTTP with the shipped content, on SQLite or
//! PostgreSQL.

mod common;

use common::process::wait_for;
use common::{Client, TestApp};
use diesel::connection::SimpleConnection;

const HINDI_MONTHS: [&str; 12] = ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"];

/// The text a reader sees: tags, scripts and styles dropped, entities left as they are.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        out.push(' ');
        let tail = &rest[start..];
        let skip_to = ["script", "style"].iter().find_map(|t| tail.starts_with(&format!("<{t}")).then(|| format!("</{t}>")));
        let end = match skip_to {
            Some(close) => tail.find(&close).map(|i| i + close.len()),
            None => tail.find('>').map(|i| i + 1),
        };
        rest = &tail[end.unwrap_or(tail.len())..];
    }
    out.push_str(rest);
    out
}

/// Stored codes that are also ordinary English words (a record's own text may use them): they
/// must never be the whole text of an element, as a label would be.
const WORD_CODES: &[&str] = &["hi", "en", "in_review", "initiative", "cluster", "practice", "agency", "draft", "submitted", "returned", "published", "superseded", "withdrawn", "pending", "held", "approved", "rejected"];

/// Codes no text would use as a word: every code of the fixed vocabularies with a hyphen, an
/// underscore or a digit in it, and the themes' slugs.
fn coded_words() -> Vec<String> {
    let mut codes = Vec::new();
    for (vocab, _) in solex::vocab::REGISTRY_VOCABS {
        for (code, _, _) in solex::vocab::registry_seed(vocab) {
            if code.contains(['-', '_']) || code.chars().any(|c| c.is_ascii_digit()) {
                codes.push(code);
            }
        }
    }
    codes.extend(solex::vocab::THEMES.iter().map(|(slug, _, _)| slug.to_string()));
    codes
}

/// Fails, naming them, if raw codes show on the page: a word code as an element's whole text,
/// or a coded word anywhere in the text.
fn assert_no_raw_codes(what: &str, html: &str) {
    let nodes: Vec<&str> = html.split('>').filter_map(|part| part.split('<').next()).map(str::trim).filter(|t| !t.is_empty()).collect();
    let mut found: Vec<String> = nodes.iter().filter(|n| WORD_CODES.contains(n)).map(|n| n.to_string()).collect();
    let text = visible_text(html);
    let codes = coded_words();
    found.extend(text.split(|c: char| c.is_whitespace() || ",.;:()[]·|\"'".contains(c)).filter(|w| codes.iter().any(|c| c == w)).map(str::to_string));
    assert!(found.is_empty(), "{what} shows raw codes {found:?}:\n{text}");
}

fn has_hindi_date(html: &str) -> bool {
    HINDI_MONTHS.iter().any(|m| {
        html.match_indices(m).any(|(i, _)| {
            let after = &html[i + m.len()..];
            after.starts_with(' ') && after[1..].chars().take(4).all(|c| c.is_ascii_digit())
        })
    })
}

fn hindi_reader(app: &TestApp) -> Client {
    let c = app.client();
    assert_eq!(c.get("/lang/hi?next=/").status, 303);
    c
}

#[test]
fn hindi_pages_show_hindi_labels_dates_and_no_codes() {
    let app = TestApp::start_with(|c| c.search_per_minute = 0);
    // A database seeded before the starting lists had Hindi for states, schemes and activities
    // stores those terms without a Hindi label: the pages still name them in Hindi.
    app.conn().batch_execute("UPDATE vocab_terms SET label_hi = '' WHERE vocab IN ('state', 'scheme', 'br_activity')").unwrap();
    let c = hindi_reader(&app);

    // A knowledge page in English, read by a Hindi visitor: its labels are Hindi.
    let page = c.get("/kb/cutting-coke-use-in-cupola-furnaces");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"hi\""), "{}", page.body);
    for label in ["ऊर्जा दक्षता", "धातु और फाउंड्री", "हरियाणा", "22 नवंबर 2026"] {
        assert!(page.body.contains(label), "the knowledge page lacks {label}: {}", page.body);
    }
    assert!(page.body.contains("<time datetime=\"2026-11-22\">"), "{}", page.body);
    assert!(!page.body.contains("2026-11-22<"), "an ISO date shows as text: {}", page.body);
    assert_no_raw_codes("the knowledge page", &page.body);
    // A theme's hub names each page's language by its own name.
    let hub = c.get("/kb/themes/energy-efficiency");
    assert!(hub.body.contains(">English") || hub.body.contains(" English"), "{}", hub.body);
    assert_no_raw_codes("the theme hub", &hub.body);

    // The registry's list and a record: Hindi states, sectors, stages; a Hindi date.
    let list = c.get("/registry/initiatives");
    assert_eq!(list.status, 200);
    for label in ["हरियाणा", "धातु और फाउंड्री", "पहल", "ऊर्जा लेखा-परीक्षा"] {
        assert!(list.body.contains(label), "the registry list lacks {label}: {}", list.body);
    }
    assert_no_raw_codes("the registry list", &list.body);
    let overview = c.get("/registry");
    assert!(overview.body.contains("हरियाणा") && !overview.body.contains(">Haryana<"), "{}", overview.body);
    let record = c.get("/registry/clusters/samalkha-foundry");
    assert_eq!(record.status, 200);
    for label in ["हरियाणा", "धातु और फाउंड्री", "अर्ध-शहरी", "क्लस्टर"] {
        assert!(record.body.contains(label), "the record lacks {label}: {}", record.body);
    }
    assert!(has_hindi_date(&record.body), "no Hindi date on the record: {}", record.body);
    assert_no_raw_codes("the registry record", &record.body);
    let initiative = c.get("/registry/initiatives/samalkha-innovative-cluster");
    assert_eq!(initiative.status, 200);
    assert_no_raw_codes("the initiative", &initiative.body);
    assert!(!initiative.body.contains(">P2 Safe"), "an English NVG label on a Hindi page: {}", initiative.body);

    // Search: facet values in Hindi, languages by name.
    let mut results = String::new();
    wait_for("the shipped content is searchable", 60, || {
        results = c.get("/search?q=foundry").body;
        results.contains(">धातु और फाउंड्री</a>")
    });
    for label in [">हरियाणा</a>", ">English</a>", ">पहल</a>"] {
        assert!(results.contains(label), "search lacks {label}: {results}");
    }
    assert_no_raw_codes("the search page", &results);

    // The same pages in English keep English names.
    let en = app.client();
    let record = en.get("/registry/clusters/samalkha-foundry");
    assert!(record.body.contains("Haryana") && record.body.contains("Metal and foundry") && !record.body.contains("हरियाणा"), "{}", record.body);
}

#[test]
fn acronyms_carry_their_expansion_and_the_glossary_explains_them_in_both_languages() {
    let app = TestApp::start();
    let en = app.client();
    let hi = hindi_reader(&app);

    // Registry labels: SEE and BR marked once each, with the expansion in the reader's language.
    for (c, see, br) in [(&en, "Social, environmental and energy", "Business responsibility"), (&hi, "सामाजिक, पर्यावरणीय और ऊर्जा", "व्यावसायिक उत्तरदायित्व")] {
        let record = c.get("/registry/clusters/samalkha-foundry").body;
        let abbr_see = format!("<abbr title=\"{see}");
        assert!(record.contains(&abbr_see), "SEE is not expanded: {record}");
        assert!(record.contains(&format!("<abbr title=\"{br}")), "BR is not expanded: {record}");
        assert_eq!(record.matches(">SEE</abbr>").count(), 1, "SEE is expanded on its first use only: {record}");
        assert!(record.contains("href=\"/glossary\""), "the record links the glossary: {record}");
        let list = c.get("/registry/initiatives").body;
        assert!(list.contains(&abbr_see) && list.contains("href=\"/glossary\""), "{list}");
    }
    // A knowledge page that uses an acronym leads to the glossary.
    let page = hi.get("/kb/cutting-coke-use-in-cupola-furnaces").body;
    assert!(page.contains(">MSME</abbr>") && page.contains("href=\"/glossary\""), "{page}");

    // The glossary itself, public, in each language.
    let g = en.get("/glossary");
    assert_eq!(g.status, 200);
    assert!(g.body.contains("<html lang=\"en\"") && g.body.contains("Glossary of acronyms"), "{}", g.body);
    for term in ["SEE", "BR", "NVG", "EL", "MSME", "CDE", "ESR", "SPV", "CFC", "BDS"] {
        assert!(g.body.contains(&format!(">{term}</abbr>")), "the glossary lacks {term}");
    }
    assert!(g.body.contains("National Voluntary Guidelines") && g.body.contains("Engaged, low"), "{}", g.body);
    let g = hi.get("/glossary");
    assert_eq!(g.status, 200);
    assert!(g.body.contains("<html lang=\"hi\"") && g.body.contains("संक्षिप्त रूपों की शब्दावली"), "{}", g.body);
    assert!(g.body.contains("राष्ट्रीय स्वैच्छिक दिशानिर्देश") && g.body.contains("कम संलग्न"), "{}", g.body);
    assert_no_raw_codes("the glossary", &g.body);
}

//! Fixed vocabularies the interface offers. The registry feature moves the editable ones into
//! the database; these are the official lists they start from.

/// The 28 states and 8 union territories of India (current official names).
pub const STATES: &[&str] = &[
    "Andhra Pradesh", "Arunachal Pradesh", "Assam", "Bihar", "Chhattisgarh", "Goa", "Gujarat",
    "Haryana", "Himachal Pradesh", "Jharkhand", "Karnataka", "Kerala", "Madhya Pradesh",
    "Maharashtra", "Manipur", "Meghalaya", "Mizoram", "Nagaland", "Odisha", "Punjab", "Rajasthan",
    "Sikkim", "Tamil Nadu", "Telangana", "Tripura", "Uttar Pradesh", "Uttarakhand", "West Bengal",
    "Andaman and Nicobar Islands", "Chandigarh", "Dadra and Nagar Haveli and Daman and Diu",
    "Delhi", "Jammu and Kashmir", "Ladakh", "Lakshadweep", "Puducherry",
];

/// The book's older spellings, accepted on input and stored under the current name.
pub fn canonical_state(input: &str) -> Option<&'static str> {
    let t = input.trim();
    let t = match t.to_lowercase().as_str() {
        "orissa" => "Odisha",
        "andaman & nicobar" | "andaman and nicobar" => "Andaman and Nicobar Islands",
        "pondicherry" => "Puducherry",
        _ => t,
    };
    STATES.iter().copied().find(|s| s.eq_ignore_ascii_case(t))
}

pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("hi", "हिन्दी")];

pub fn is_language(code: &str) -> bool {
    LANGUAGES.iter().any(|(c, _)| *c == code)
}

/// Themes for communities, posts and pages: the book's SEE issue categories as practitioners
/// name them (slug, English, Hindi).
pub const THEMES: &[(&str, &str, &str)] = &[
    ("child-labour", "Child labour", "बाल श्रम"),
    ("occupational-health-safety", "Occupational health and safety", "व्यावसायिक स्वास्थ्य और सुरक्षा"),
    ("wages-working-conditions", "Wages, social security and working conditions", "मज़दूरी, सामाजिक सुरक्षा और कार्य-परिस्थितियाँ"),
    ("skills-training", "Skills and training", "कौशल और प्रशिक्षण"),
    ("women-gender", "Women workers and gender", "महिला कामगार और लैंगिक समानता"),
    ("community-health", "Community health", "सामुदायिक स्वास्थ्य"),
    ("energy-efficiency", "Energy efficiency", "ऊर्जा दक्षता"),
    ("air-pollution", "Air pollution", "वायु प्रदूषण"),
    ("waste-water", "Waste water and effluents", "अपशिष्ट जल और बहिःस्राव"),
    ("solid-waste", "Solid waste", "ठोस अपशिष्ट"),
    ("generic-social", "Generic social issues", "सामान्य सामाजिक मुद्दे"),
    ("finance-schemes", "Finance and schemes", "वित्त और योजनाएँ"),
    ("codes-compliance", "Codes of conduct, ratings and compliance", "आचार संहिता, रेटिंग और अनुपालन"),
];

pub fn is_theme(slug: &str) -> bool {
    THEMES.iter().any(|(s, _, _)| *s == slug)
}

pub fn theme_label(slug: &str, hindi: bool) -> &str {
    THEMES
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map(|(_, en, hi)| if hindi { *hi } else { *en })
        .unwrap_or(slug)
}

/// Broad sectors (the book's proposed first level; products are free text).
pub const SECTORS: &[&str] = &[
    "Metal and foundry", "Textiles and garments", "Handloom", "Handicrafts", "Leather",
    "Food processing", "Chemicals and dyes", "Building materials", "Engineering", "Sports goods",
    "Silk and sericulture", "Services",
];

pub fn canonical_sector(input: &str) -> Option<&'static str> {
    SECTORS.iter().copied().find(|s| s.eq_ignore_ascii_case(input.trim()))
}

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

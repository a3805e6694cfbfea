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

/// The registry's editable vocabularies, each with the book's list it starts from as
/// (code, label, group). Administrators add, relabel and retire terms in the database.
/// Each is (code, locale key of its title).
pub const REGISTRY_VOCABS: &[(&str, &str)] = &[
    ("state", "vocab-state"),
    ("sector", "vocab-sector"),
    ("see_issue", "vocab-see_issue"),
    ("br_activity", "vocab-br_activity"),
    ("scheme", "vocab-scheme"),
    ("nvg", "vocab-nvg"),
    ("stage", "vocab-stage"),
];

/// SEE issues: the book's four categories (Section I) with the sub-issues it names.
pub const SEE_ISSUES: &[(&str, &str, &str)] = &[
    ("child-labour", "Child labour", "Labour-related"),
    ("social-security", "Social security", "Labour-related"),
    ("working-conditions", "Working conditions and wages", "Labour-related"),
    ("occupational-health-safety", "Occupational health and safety", "Labour-related"),
    ("skills", "Skills and training", "Labour-related"),
    ("effluents", "Effluent discharge and water pollution", "Environment and energy"),
    ("air-pollution", "Air pollution", "Environment and energy"),
    ("energy", "Inefficient use of non-renewable energy", "Environment and energy"),
    ("solid-waste", "Solid waste", "Environment and energy"),
    ("natural-environment", "Impact on the natural environment", "Environment and energy"),
    ("community-health", "Health of workforce and community", "Community health"),
    ("health-care-access", "Access to health care", "Community health"),
    ("education-access", "Access to education (workers' children)", "Generic social issues"),
    ("gender", "Gender inequality and women's status", "Generic social issues"),
    ("alcohol-drugs", "Alcoholism and drug abuse", "Generic social issues"),
    ("hiv-aids", "HIV/AIDS", "Generic social issues"),
    ("underprivileged", "Welfare of minorities and underprivileged sections", "Generic social issues"),
];

/// Possible BR activities in clusters (Annex IV), by area.
pub const BR_ACTIVITIES: &[(&str, &str, &str)] = &[
    ("ethical-marketing", "Ethical marketing and after-sales service", "Labour welfare"),
    ("working-conditions", "Better working conditions", "Labour welfare"),
    ("safety-training", "Health and safety training", "Labour welfare"),
    ("fair-wages", "Fair wages", "Labour welfare"),
    ("worker-skills", "Skill upgrading for workers", "Labour welfare"),
    ("women-facilities", "Facilities for women workers", "Labour welfare"),
    ("group-insurance", "Group social security and insurance", "Labour welfare"),
    ("no-gender-discrimination", "Avoiding gender discrimination", "Labour welfare"),
    ("health-awareness", "Health awareness lectures and seminars", "Health care"),
    ("adolescent-health", "Adolescent health education", "Health care"),
    ("health-camps", "Health camps for workers and families", "Health care"),
    ("mobile-clinics", "Mobile diagnosis and treatment", "Health care"),
    ("health-convergence", "Convergence of health organisations", "Health care"),
    ("health-infrastructure", "Health infrastructure", "Health care"),
    ("scholarships", "Scholarships and stipends for workers' children", "Education"),
    ("tuition-centres", "Tuition centres in child-labour-intensive clusters", "Education"),
    ("adult-education", "Non-formal and adult education", "Education"),
    ("vocational-training", "Vocational training", "Education"),
    ("environmental-education", "Environmental orientation in schools", "Education"),
    ("short-stay-homes", "Short-stay homes", "Women and children"),
    ("women-in-difficulty", "Help for women and children in difficulty", "Women and children"),
    ("women-income", "Income generation for women", "Women and children"),
    ("women-empowerment", "Women's empowerment", "Women and children"),
    ("atrocities-prevention", "Preventing atrocities on women", "Women and children"),
    ("women-employment", "Training and employment for women", "Women and children"),
    ("creches", "Crèches", "Women and children"),
    ("early-childhood", "Early childhood education (3-6 years)", "Women and children"),
    ("pollution-control", "Pollution control (air, water, land, noise)", "Environment"),
    ("waste-management", "Waste management (ETPs, landfills, safe disposal)", "Environment"),
    ("resource-use", "Optimum use of natural resources", "Environment"),
    ("rainwater-harvesting", "Rainwater harvesting", "Environment"),
    ("watershed", "Watershed management", "Environment"),
    ("afforestation", "Afforestation", "Environment"),
    ("energy-awareness", "Energy-saving awareness", "Energy"),
    ("energy-audits", "Energy audits", "Energy"),
    ("energy-efficient-technology", "Energy-efficient technologies", "Energy"),
    ("alternative-energy", "Alternative energy", "Energy"),
    ("waste-to-energy", "Converting by-products and waste into energy", "Energy"),
    ("anti-addiction", "Mitigating alcohol and drug abuse", "Generic social issues"),
    ("child-marriage", "Preventing child marriage", "Generic social issues"),
    ("dowry", "Preventing dowry", "Generic social issues"),
    ("human-rights", "Preventing human-rights violations", "Generic social issues"),
    ("disabled-income", "Income generation for the disabled", "Weaker sections"),
    ("disability-action", "Voluntary action for persons with disabilities", "Weaker sections"),
    ("disabled-children", "Education and rehabilitation of disabled children", "Weaker sections"),
    ("elderly-care", "Care for the elderly", "Weaker sections"),
];

/// Social-sector schemes a cluster initiative can dovetail (Annex I), by sponsor.
pub const SCHEMES: &[(&str, &str, &str)] = &[
    ("norad-women-units", "Employment-cum-income generating units for women (NORAD)", "Women and Child Development"),
    ("swayamsidha", "Swayamsidha (integrated women's empowerment)", "Women and Child Development"),
    ("wcd-ngo-grant", "Grant-in-aid to voluntary organisations", "Women and Child Development"),
    ("step", "STEP: training and employment for women", "Women and Child Development"),
    ("working-women-creche-hostel", "Crèche and hostel for working women", "Women and Child Development"),
    ("rashtriya-mahila-kosh", "Rashtriya Mahila Kosh (micro-finance for poor women)", "Women and Child Development"),
    ("early-childhood-education", "Early childhood education through voluntary agencies", "Women and Child Development"),
    ("national-creche-fund", "National Crèche Fund", "Women and Child Development"),
    ("gender-budgeting", "Gender budgeting", "Women and Child Development"),
    ("working-children-welfare", "Welfare of working children in need of care", "Women and Child Development"),
    ("balika-samridhi", "Balika Samridhi Yojana", "Women and Child Development"),
    ("kishori-shakti", "Kishori Shakti Yojana", "Women and Child Development"),
    ("icds", "Integrated Child Development Services", "Women and Child Development"),
    ("working-women-hostel", "Working women's hostels", "Central Social Welfare Board"),
    ("rajiv-gandhi-creche", "Rajiv Gandhi National Crèche Scheme", "Central Social Welfare Board"),
    ("mahila-vikas-nidhi", "Mahila Vikas Nidhi", "SIDBI"),
    ("sidbi-micro-credit", "Micro Credit Scheme", "SIDBI"),
    ("sidbi-energy-saving", "Energy saving in MSMEs (JICA line of credit)", "SIDBI"),
    ("youth-clubs", "Assistance to youth clubs", "Youth Affairs and Sports"),
    ("sc-vo-grant", "Grant-in-aid to voluntary organisations for Scheduled Castes", "Social Justice and Empowerment"),
    ("sc-st-obc-ngo", "Assistance to NGOs working for SC/ST/OBC", "Social Justice and Empowerment"),
    ("alcohol-drug-prevention", "Prevention of alcoholism and substance abuse", "Social Justice and Empowerment"),
    ("disabled-income", "Income generating programmes for the disabled", "Social Justice and Empowerment"),
    ("adip", "Aids and appliances for disabled persons (ADIP)", "Social Justice and Empowerment"),
    ("ddrs", "Deendayal Disabled Rehabilitation Scheme", "Social Justice and Empowerment"),
    ("older-persons", "Integrated programme for older persons", "Social Justice and Empowerment"),
    ("disabled-children-education", "Integrated education for disabled children", "Human Resource Development"),
    ("adult-education-skills", "Adult education and skill development", "Human Resource Development"),
    ("environmental-orientation", "Environmental orientation to school education", "Human Resource Development"),
    ("non-formal-education", "Non-formal education (including NCLP centres)", "Human Resource Development"),
    ("ner-capacity-building", "Capacity building and technical assistance", "Development of North Eastern Region"),
    ("nmdfc-education-loan", "Educational loans for minorities", "NMDFC"),
    ("pollution-abatement", "Industrial pollution abatement through preventive strategies", "Environment and Forests"),
    ("cetp", "Common effluent treatment plants", "Environment and Forests"),
    ("clean-technologies", "Clean technologies", "Environment and Forests"),
    ("greening-india", "Grant-in-aid for greening India", "Environment and Forests"),
];

/// The National Voluntary Guidelines' principles. The book prints eight; the ninth is in the
/// official 2011 guidelines.
pub const NVG_PRINCIPLES: &[(&str, &str, &str)] = &[
    ("p1", "P1 Ethics, transparency and accountability", ""),
    ("p2", "P2 Safe and sustainable goods and services", ""),
    ("p3", "P3 Well-being of employees", ""),
    ("p4", "P4 Responsiveness to stakeholders, especially the disadvantaged", ""),
    ("p5", "P5 Human rights", ""),
    ("p6", "P6 Protecting and restoring the environment", ""),
    ("p7", "P7 Responsible policy advocacy", ""),
    ("p8", "P8 Inclusive growth and equitable development", ""),
    ("p9", "P9 Responsible engagement with customers", ""),
];

/// Stages of a cluster development programme, in order.
pub const STAGES: &[(&str, &str, &str)] = &[
    ("selection", "Cluster selection", ""),
    ("diagnostic", "Diagnostic study", ""),
    ("trust-building", "Trust building", ""),
    ("action-plan", "Visioning and action plan", ""),
    ("implementation", "Implementation", ""),
    ("monitoring", "Monitoring and evaluation", ""),
    ("exit", "Exit and sustained by local actors", ""),
];

/// The starting terms of one registry vocabulary.
pub fn registry_seed(vocab: &str) -> Vec<(String, String, String)> {
    let own = |list: &[(&str, &str, &str)]| list.iter().map(|(c, l, g)| (c.to_string(), l.to_string(), g.to_string())).collect();
    match vocab {
        "state" => STATES.iter().map(|s| (s.to_string(), s.to_string(), String::new())).collect(),
        "sector" => SECTORS.iter().map(|s| (s.to_string(), s.to_string(), String::new())).collect(),
        "see_issue" => own(SEE_ISSUES),
        "br_activity" => own(BR_ACTIVITIES),
        "scheme" => own(SCHEMES),
        "nvg" => own(NVG_PRINCIPLES),
        "stage" => own(STAGES),
        _ => Vec::new(),
    }
}

/// Hindi labels the registry's vocabularies start with: (vocabulary, code, label).
pub const REGISTRY_HINDI: &[(&str, &str, &str)] = &[
    ("sector", "Metal and foundry", "धातु और फाउंड्री"),
    ("sector", "Textiles and garments", "वस्त्र और परिधान"),
    ("sector", "Handloom", "हथकरघा"),
    ("sector", "Handicrafts", "हस्तशिल्प"),
    ("sector", "Leather", "चमड़ा"),
    ("sector", "Food processing", "खाद्य प्रसंस्करण"),
    ("sector", "Chemicals and dyes", "रसायन और रंग"),
    ("sector", "Building materials", "निर्माण सामग्री"),
    ("sector", "Engineering", "इंजीनियरिंग"),
    ("sector", "Sports goods", "खेल सामान"),
    ("sector", "Silk and sericulture", "रेशम और रेशम-कीट पालन"),
    ("sector", "Services", "सेवाएँ"),
    ("see_issue", "child-labour", "बाल श्रम"),
    ("see_issue", "social-security", "सामाजिक सुरक्षा"),
    ("see_issue", "working-conditions", "कार्य-परिस्थितियाँ और मज़दूरी"),
    ("see_issue", "occupational-health-safety", "व्यावसायिक स्वास्थ्य और सुरक्षा"),
    ("see_issue", "skills", "कौशल और प्रशिक्षण"),
    ("see_issue", "effluents", "बहिःस्राव और जल प्रदूषण"),
    ("see_issue", "air-pollution", "वायु प्रदूषण"),
    ("see_issue", "energy", "अनवीकरणीय ऊर्जा का अकुशल उपयोग"),
    ("see_issue", "solid-waste", "ठोस अपशिष्ट"),
    ("see_issue", "natural-environment", "प्राकृतिक पर्यावरण पर प्रभाव"),
    ("see_issue", "community-health", "कामगारों और समुदाय का स्वास्थ्य"),
    ("see_issue", "health-care-access", "स्वास्थ्य सेवा तक पहुँच"),
    ("see_issue", "education-access", "शिक्षा तक पहुँच (कामगारों के बच्चे)"),
    ("see_issue", "gender", "लैंगिक असमानता और महिलाओं की स्थिति"),
    ("see_issue", "alcohol-drugs", "शराब और नशे की लत"),
    ("see_issue", "hiv-aids", "एचआईवी/एड्स"),
    ("see_issue", "underprivileged", "अल्पसंख्यकों और वंचित वर्गों का कल्याण"),
    ("nvg", "p1", "P1 शासन में नैतिकता, पारदर्शिता और जवाबदेही"),
    ("nvg", "p2", "P2 सुरक्षित और टिकाऊ वस्तुएँ और सेवाएँ"),
    ("nvg", "p3", "P3 कर्मचारियों का कल्याण"),
    ("nvg", "p4", "P4 हितधारकों, विशेषकर वंचितों, के प्रति संवेदनशीलता"),
    ("nvg", "p5", "P5 मानवाधिकार"),
    ("nvg", "p6", "P6 पर्यावरण की रक्षा और पुनर्स्थापना"),
    ("nvg", "p7", "P7 ज़िम्मेदार नीति-पैरवी"),
    ("nvg", "p8", "P8 समावेशी और न्यायसंगत विकास"),
    ("nvg", "p9", "P9 ग्राहकों के साथ ज़िम्मेदार व्यवहार"),
    ("stage", "selection", "क्लस्टर चयन"),
    ("stage", "diagnostic", "नैदानिक अध्ययन"),
    ("stage", "trust-building", "विश्वास निर्माण"),
    ("stage", "action-plan", "दृष्टि और कार्य योजना"),
    ("stage", "implementation", "कार्यान्वयन"),
    ("stage", "monitoring", "निगरानी और मूल्यांकन"),
    ("stage", "exit", "निकास: स्थानीय संस्थाएँ आगे बढ़ाती हैं"),
];

pub fn registry_hindi(vocab: &str, code: &str) -> &'static str {
    REGISTRY_HINDI.iter().find(|(v, c, _)| *v == vocab && *c == code).map(|(_, _, h)| *h).unwrap_or("")
}

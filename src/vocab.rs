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

/// The same states and union territories in Hindi, in the order of `STATES`.
pub const STATES_HI: &[&str] = &[
    "आंध्र प्रदेश", "अरुणाचल प्रदेश", "असम", "बिहार", "छत्तीसगढ़", "गोवा", "गुजरात",
    "हरियाणा", "हिमाचल प्रदेश", "झारखंड", "कर्नाटक", "केरल", "मध्य प्रदेश",
    "महाराष्ट्र", "मणिपुर", "मेघालय", "मिज़ोरम", "नागालैंड", "ओडिशा", "पंजाब", "राजस्थान",
    "सिक्किम", "तमिलनाडु", "तेलंगाना", "त्रिपुरा", "उत्तर प्रदेश", "उत्तराखंड", "पश्चिम बंगाल",
    "अंडमान और निकोबार द्वीपसमूह", "चंडीगढ़", "दादरा और नगर हवेली और दमन और दीव",
    "दिल्ली", "जम्मू और कश्मीर", "लद्दाख", "लक्षद्वीप", "पुदुचेरी",
];

/// A state or union territory (stored by its English name) in the reader's language; a name
/// the list does not know shows as stored.
pub fn state_label(name: &str, hindi: bool) -> &str {
    match STATES.iter().position(|s| *s == name) {
        Some(i) if hindi => STATES_HI[i],
        _ => name,
    }
}

pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("hi", "हिन्दी")];

/// A language code's own name ("hi" is shown as हिन्दी); an unknown code as it is.
pub fn language_name(code: &str) -> &str {
    LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n).unwrap_or(code)
}

pub fn is_language(code: &str) -> bool {
    LANGUAGES.iter().any(|(c, _)| *c == code)
}

/// The themes the `theme` vocabulary starts with (communities, posts, pages and experts carry
/// their codes; administrators add, relabel and retire themes in the database): the book's SEE
/// issue categories as practitioners name them (slug, English, Hindi).
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

/// Broad sectors the `sector` vocabulary starts with (the book's proposed first level;
/// products are free text).
pub const SECTORS: &[&str] = &[
    "Metal and foundry", "Textiles and garments", "Handloom", "Handicrafts", "Leather",
    "Food processing", "Chemicals and dyes", "Building materials", "Engineering", "Sports goods",
    "Silk and sericulture", "Services",
];

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
    ("theme", "vocab-theme"),
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
        "theme" => THEMES.iter().map(|(c, l, _)| (c.to_string(), l.to_string(), String::new())).collect(),
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
    ("br_activity", "ethical-marketing", "नैतिक विपणन और बिक्री-पश्चात सेवा"),
    ("br_activity", "working-conditions", "बेहतर कार्य-परिस्थितियाँ"),
    ("br_activity", "safety-training", "स्वास्थ्य और सुरक्षा प्रशिक्षण"),
    ("br_activity", "fair-wages", "उचित मज़दूरी"),
    ("br_activity", "worker-skills", "कामगारों का कौशल उन्नयन"),
    ("br_activity", "women-facilities", "महिला कामगारों के लिए सुविधाएँ"),
    ("br_activity", "group-insurance", "सामूहिक सामाजिक सुरक्षा और बीमा"),
    ("br_activity", "no-gender-discrimination", "लैंगिक भेदभाव से बचाव"),
    ("br_activity", "health-awareness", "स्वास्थ्य जागरूकता व्याख्यान और संगोष्ठियाँ"),
    ("br_activity", "adolescent-health", "किशोर स्वास्थ्य शिक्षा"),
    ("br_activity", "health-camps", "कामगारों और परिवारों के लिए स्वास्थ्य शिविर"),
    ("br_activity", "mobile-clinics", "चलती-फिरती जाँच और उपचार (mobile clinic)"),
    ("br_activity", "health-convergence", "स्वास्थ्य संगठनों का अभिसरण (convergence)"),
    ("br_activity", "health-infrastructure", "स्वास्थ्य अवसंरचना"),
    ("br_activity", "scholarships", "कामगारों के बच्चों के लिए छात्रवृत्ति और वज़ीफ़ा"),
    ("br_activity", "tuition-centres", "बाल-श्रम-बहुल क्लस्टरों में ट्यूशन केंद्र"),
    ("br_activity", "adult-education", "अनौपचारिक और प्रौढ़ शिक्षा"),
    ("br_activity", "vocational-training", "व्यावसायिक प्रशिक्षण"),
    ("br_activity", "environmental-education", "स्कूलों में पर्यावरण अभिमुखीकरण"),
    ("br_activity", "short-stay-homes", "अल्पावास गृह (short-stay home)"),
    ("br_activity", "women-in-difficulty", "संकट में महिलाओं और बच्चों की सहायता"),
    ("br_activity", "women-income", "महिलाओं के लिए आय सृजन"),
    ("br_activity", "women-empowerment", "महिला सशक्तिकरण"),
    ("br_activity", "atrocities-prevention", "महिलाओं पर अत्याचार की रोकथाम"),
    ("br_activity", "women-employment", "महिलाओं के लिए प्रशिक्षण और रोज़गार"),
    ("br_activity", "creches", "शिशुगृह (crèche)"),
    ("br_activity", "early-childhood", "प्रारंभिक बाल्यावस्था शिक्षा (3-6 वर्ष)"),
    ("br_activity", "pollution-control", "प्रदूषण नियंत्रण (वायु, जल, भूमि, शोर)"),
    ("br_activity", "waste-management", "अपशिष्ट प्रबंधन (ETP, लैंडफ़िल, सुरक्षित निपटान)"),
    ("br_activity", "resource-use", "प्राकृतिक संसाधनों का इष्टतम उपयोग"),
    ("br_activity", "rainwater-harvesting", "वर्षा जल संचयन"),
    ("br_activity", "watershed", "जलागम प्रबंधन (watershed)"),
    ("br_activity", "afforestation", "वनरोपण"),
    ("br_activity", "energy-awareness", "ऊर्जा बचत जागरूकता"),
    ("br_activity", "energy-audits", "ऊर्जा लेखा-परीक्षा (energy audit)"),
    ("br_activity", "energy-efficient-technology", "ऊर्जा-दक्ष प्रौद्योगिकियाँ"),
    ("br_activity", "alternative-energy", "वैकल्पिक ऊर्जा"),
    ("br_activity", "waste-to-energy", "उप-उत्पादों और अपशिष्ट से ऊर्जा"),
    ("br_activity", "anti-addiction", "शराब और नशे की लत में कमी"),
    ("br_activity", "child-marriage", "बाल विवाह की रोकथाम"),
    ("br_activity", "dowry", "दहेज की रोकथाम"),
    ("br_activity", "human-rights", "मानवाधिकार उल्लंघन की रोकथाम"),
    ("br_activity", "disabled-income", "दिव्यांगजनों के लिए आय सृजन"),
    ("br_activity", "disability-action", "दिव्यांगजनों के लिए स्वैच्छिक कार्य"),
    ("br_activity", "disabled-children", "दिव्यांग बच्चों की शिक्षा और पुनर्वास"),
    ("br_activity", "elderly-care", "बुज़ुर्गों की देखभाल"),
    ("scheme", "norad-women-units", "महिलाओं के लिए रोज़गार-सह-आय सृजन इकाइयाँ (NORAD)"),
    ("scheme", "swayamsidha", "स्वयंसिद्धा (एकीकृत महिला सशक्तिकरण)"),
    ("scheme", "wcd-ngo-grant", "स्वैच्छिक संगठनों को सहायता-अनुदान"),
    ("scheme", "step", "स्टेप (STEP): महिलाओं के लिए प्रशिक्षण और रोज़गार"),
    ("scheme", "working-women-creche-hostel", "कामकाजी महिलाओं के लिए शिशुगृह और छात्रावास"),
    ("scheme", "rashtriya-mahila-kosh", "राष्ट्रीय महिला कोष (गरीब महिलाओं के लिए सूक्ष्म वित्त)"),
    ("scheme", "early-childhood-education", "स्वैच्छिक संस्थाओं के माध्यम से प्रारंभिक बाल्यावस्था शिक्षा"),
    ("scheme", "national-creche-fund", "राष्ट्रीय शिशुगृह कोष (National Crèche Fund)"),
    ("scheme", "gender-budgeting", "जेंडर बजटिंग (gender budgeting)"),
    ("scheme", "working-children-welfare", "देखभाल की ज़रूरत वाले कामकाजी बच्चों का कल्याण"),
    ("scheme", "balika-samridhi", "बालिका समृद्धि योजना"),
    ("scheme", "kishori-shakti", "किशोरी शक्ति योजना"),
    ("scheme", "icds", "समेकित बाल विकास सेवाएँ (ICDS)"),
    ("scheme", "working-women-hostel", "कामकाजी महिला छात्रावास"),
    ("scheme", "rajiv-gandhi-creche", "राजीव गांधी राष्ट्रीय शिशुगृह योजना"),
    ("scheme", "mahila-vikas-nidhi", "महिला विकास निधि"),
    ("scheme", "sidbi-micro-credit", "सूक्ष्म ऋण योजना (micro credit scheme)"),
    ("scheme", "sidbi-energy-saving", "MSME में ऊर्जा बचत (JICA ऋण-सहायता)"),
    ("scheme", "youth-clubs", "युवा क्लबों को सहायता"),
    ("scheme", "sc-vo-grant", "अनुसूचित जातियों के लिए स्वैच्छिक संगठनों को सहायता-अनुदान"),
    ("scheme", "sc-st-obc-ngo", "अनुसूचित जाति, जनजाति और अन्य पिछड़े वर्गों के लिए काम करने वाले NGO को सहायता"),
    ("scheme", "alcohol-drug-prevention", "शराब और मादक द्रव्य सेवन की रोकथाम"),
    ("scheme", "disabled-income", "दिव्यांगजनों के लिए आय सृजन कार्यक्रम"),
    ("scheme", "adip", "दिव्यांगजनों के लिए सहायक उपकरण (ADIP)"),
    ("scheme", "ddrs", "दीनदयाल दिव्यांग पुनर्वास योजना (DDRS)"),
    ("scheme", "older-persons", "वृद्धजनों के लिए एकीकृत कार्यक्रम"),
    ("scheme", "disabled-children-education", "दिव्यांग बच्चों के लिए समेकित शिक्षा"),
    ("scheme", "adult-education-skills", "प्रौढ़ शिक्षा और कौशल विकास"),
    ("scheme", "environmental-orientation", "स्कूली शिक्षा में पर्यावरण अभिमुखीकरण"),
    ("scheme", "non-formal-education", "अनौपचारिक शिक्षा (NCLP केंद्रों सहित)"),
    ("scheme", "ner-capacity-building", "क्षमता निर्माण और तकनीकी सहायता"),
    ("scheme", "nmdfc-education-loan", "अल्पसंख्यकों के लिए शिक्षा ऋण"),
    ("scheme", "pollution-abatement", "निवारक रणनीतियों से औद्योगिक प्रदूषण में कमी"),
    ("scheme", "cetp", "साझा बहिःस्राव उपचार संयंत्र (CETP)"),
    ("scheme", "clean-technologies", "स्वच्छ प्रौद्योगिकियाँ"),
    ("scheme", "greening-india", "हरित भारत के लिए सहायता-अनुदान"),
];

pub fn registry_hindi(vocab: &str, code: &str) -> &'static str {
    if vocab == "state" {
        return STATES.iter().position(|s| *s == code).map(|i| STATES_HI[i]).unwrap_or("");
    }
    if vocab == "theme" {
        return THEMES.iter().find(|(c, _, _)| *c == code).map(|(_, _, hi)| *hi).unwrap_or("");
    }
    REGISTRY_HINDI.iter().find(|(v, c, _)| *v == vocab && *c == code).map(|(_, _, h)| *h).unwrap_or("")
}

/// The groups the registry's starting terms are listed under, in Hindi.
pub const GROUPS_HINDI: &[(&str, &str)] = &[
    ("Labour-related", "श्रम-संबंधी"),
    ("Environment and energy", "पर्यावरण और ऊर्जा"),
    ("Community health", "सामुदायिक स्वास्थ्य"),
    ("Generic social issues", "सामान्य सामाजिक मुद्दे"),
    ("Labour welfare", "श्रमिक कल्याण"),
    ("Health care", "स्वास्थ्य सेवा"),
    ("Education", "शिक्षा"),
    ("Women and children", "महिलाएँ और बच्चे"),
    ("Environment", "पर्यावरण"),
    ("Energy", "ऊर्जा"),
    ("Weaker sections", "कमज़ोर वर्ग"),
    ("Women and Child Development", "महिला एवं बाल विकास"),
    ("Central Social Welfare Board", "केंद्रीय समाज कल्याण बोर्ड"),
    ("SIDBI", "भारतीय लघु उद्योग विकास बैंक (SIDBI)"),
    ("Youth Affairs and Sports", "युवा कार्यक्रम और खेल"),
    ("Social Justice and Empowerment", "सामाजिक न्याय और अधिकारिता"),
    ("Human Resource Development", "मानव संसाधन विकास"),
    ("Development of North Eastern Region", "पूर्वोत्तर क्षेत्र विकास"),
    ("NMDFC", "राष्ट्रीय अल्पसंख्यक विकास एवं वित्त निगम (NMDFC)"),
    ("Environment and Forests", "पर्यावरण और वन"),
];

/// A term's group in the reader's language; a group an administrator typed shows as stored.
pub fn group_label(grp: &str, hindi: bool) -> &str {
    match GROUPS_HINDI.iter().find(|(en, _)| *en == grp) {
        Some((_, hi)) if hindi => hi,
        _ => grp,
    }
}

/// The acronyms the portal's labels and the book use: (acronym, English, Hindi expansion with
/// what it means). `views::glossary` marks them with `<abbr>` and lists them on /glossary.
pub const ACRONYMS: &[(&str, &str, &str)] = &[
    ("BDS", "Business development services", "व्यावसायिक विकास सेवाएँ (business development services)"),
    ("BMO", "Business membership organisation (industry association)", "व्यावसायिक सदस्यता संगठन, यानी उद्योग संघ (business membership organisation)"),
    ("BR", "Business responsibility", "व्यावसायिक उत्तरदायित्व (business responsibility)"),
    ("CD", "Cluster development", "क्लस्टर विकास (cluster development)"),
    ("CDA", "Cluster development agent", "क्लस्टर विकास एजेंट (cluster development agent)"),
    ("CDE", "Cluster development executive", "क्लस्टर विकास अधिकारी (cluster development executive)"),
    ("CETP", "Common effluent treatment plant", "साझा बहिःस्राव उपचार संयंत्र (common effluent treatment plant)"),
    ("CFC", "Common facility centre", "साझा सुविधा केंद्र (common facility centre)"),
    ("CFP", "Cluster focal point", "क्लस्टर फ़ोकल पॉइंट (cluster focal point)"),
    ("CSR", "Corporate social responsibility", "कॉर्पोरेट सामाजिक उत्तरदायित्व (corporate social responsibility)"),
    ("EH", "Engaged, high: initiatives on most critical SEE issues", "अधिक संलग्न: अधिकांश गंभीर SEE मुद्दों पर पहल (engaged, high)"),
    ("EL", "Engaged, low: a few isolated initiatives", "कम संलग्न: कुछ इक्की-दुक्की पहल (engaged, low)"),
    ("EM", "Engaged, moderate: sustained initiatives on a few SEE issues", "मध्यम संलग्न: कुछ SEE मुद्दों पर निरंतर पहल (engaged, moderate)"),
    ("ESR", "Enterprise social responsibility", "उद्यम सामाजिक उत्तरदायित्व (enterprise social responsibility)"),
    ("ETP", "Effluent treatment plant", "बहिःस्राव उपचार संयंत्र (effluent treatment plant)"),
    ("ICDS", "Integrated Child Development Services", "समेकित बाल विकास सेवाएँ (Integrated Child Development Services)"),
    ("IA", "Implementing agency", "कार्यान्वयन एजेंसी (implementing agency)"),
    ("JICA", "Japan International Cooperation Agency", "जापान अंतरराष्ट्रीय सहयोग एजेंसी (Japan International Cooperation Agency)"),
    ("M&E", "Monitoring and evaluation", "निगरानी और मूल्यांकन (monitoring and evaluation)"),
    ("MSME", "Micro, small and medium enterprises", "सूक्ष्म, लघु और मध्यम उद्यम (micro, small and medium enterprises)"),
    ("NCLP", "National Child Labour Project", "राष्ट्रीय बाल श्रम परियोजना (National Child Labour Project)"),
    ("NFP", "National focal point", "राष्ट्रीय फ़ोकल पॉइंट (national focal point)"),
    ("NGO", "Non-governmental organisation", "ग़ैर-सरकारी संगठन (non-governmental organisation)"),
    ("NVG", "National Voluntary Guidelines on the social, environmental and economic responsibilities of business (2011)", "व्यवसाय के सामाजिक, पर्यावरणीय और आर्थिक उत्तरदायित्वों पर राष्ट्रीय स्वैच्छिक दिशानिर्देश, 2011 (National Voluntary Guidelines)"),
    ("OHS", "Occupational health and safety", "व्यावसायिक स्वास्थ्य और सुरक्षा (occupational health and safety)"),
    ("PMU", "Programme management unit", "कार्यक्रम प्रबंधन इकाई (programme management unit)"),
    ("SEE", "Social, environmental and energy (issues)", "सामाजिक, पर्यावरणीय और ऊर्जा (मुद्दे) (social, environmental and energy)"),
    ("SFP", "State focal point", "राज्य फ़ोकल पॉइंट (state focal point)"),
    ("SHG", "Self-help group", "स्वयं सहायता समूह (self-help group)"),
    ("SIDBI", "Small Industries Development Bank of India", "भारतीय लघु उद्योग विकास बैंक (SIDBI)"),
    ("SPV", "Special purpose vehicle (a company the cluster's firms set up for a shared facility)", "विशेष प्रयोजन संस्था: साझा सुविधा के लिए क्लस्टर की इकाइयों की बनाई कंपनी (special purpose vehicle)"),
];

/// Languages an expert may say they work in: code and the language's own name (shown as is in
/// every interface language).
pub const EXPERT_LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"), ("hi", "हिन्दी"), ("bn", "বাংলা"), ("mr", "मराठी"), ("te", "తెలుగు"),
    ("ta", "தமிழ்"), ("gu", "ગુજરાતી"), ("ur", "اردو"), ("kn", "ಕನ್ನಡ"), ("or", "ଓଡ଼ିଆ"),
    ("ml", "മലയാളം"), ("pa", "ਪੰਜਾਬੀ"), ("as", "অসমীয়া"),
];

/// An expert's language by its code, in its own name; an unknown code as it is.
pub fn expert_language_name(code: &str) -> &str {
    EXPERT_LANGUAGES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n).unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devanagari(s: &str) -> bool {
        s.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
    }

    /// Every value a reader can meet in a vocabulary has a Hindi label, written in Devanagari:
    /// states, sectors, themes, languages, each registry vocabulary's starting terms and their
    /// groups, and the acronyms' expansions.
    #[test]
    fn every_vocabulary_value_has_a_hindi_label() {
        assert_eq!(STATES.len(), STATES_HI.len());
        let mut missing = Vec::new();
        for s in STATES {
            if !devanagari(state_label(s, true)) { missing.push(format!("state {s}")); }
            assert_eq!(state_label(s, false), *s);
        }
        if !devanagari(language_name("hi")) { missing.push("language hi".into()); }
        for (vocab, _) in REGISTRY_VOCABS {
            let seed = registry_seed(vocab);
            assert!(!seed.is_empty(), "{vocab} has no starting terms");
            for (code, _, grp) in seed {
                if !devanagari(registry_hindi(vocab, &code)) { missing.push(format!("{vocab} {code}")); }
                if !grp.is_empty() && !devanagari(group_label(&grp, true)) { missing.push(format!("{vocab} group {grp}")); }
            }
        }
        for (a, en, hi) in ACRONYMS {
            if en.is_empty() || !devanagari(hi) { missing.push(format!("acronym {a}")); }
        }
        assert!(missing.is_empty(), "no Hindi label for: {missing:#?}");
        // No Hindi label names a term of another vocabulary by mistake: each (vocabulary, code) once.
        let mut seen = std::collections::BTreeSet::new();
        for (v, c, _) in REGISTRY_HINDI {
            assert!(seen.insert((v, c)), "{v} {c} twice in REGISTRY_HINDI");
            assert!(registry_seed(v).iter().any(|(code, _, _)| code == c), "{v} {c} is not a starting term");
        }
    }
}

/// How a community's theme reads in the registry, for the "From the registry" section of its
/// digests: (community theme, registry vocabulary, term code). A record carrying any of its
/// theme's tags matches; an empty code stands for any term of that vocabulary (a community
/// about finance and schemes hears of every record that dovetails a scheme, one about codes
/// and compliance of every record naming an NVG principle). Clusters, initiatives and best
/// practices carry SEE issues and BR activities; agencies carry neither, so they never match.
pub const THEME_REGISTRY_TAGS: &[(&str, &str, &str)] = &[
    ("child-labour", "see_issue", "child-labour"),
    ("child-labour", "br_activity", "tuition-centres"),
    ("child-labour", "br_activity", "scholarships"),
    ("occupational-health-safety", "see_issue", "occupational-health-safety"),
    ("occupational-health-safety", "br_activity", "safety-training"),
    ("wages-working-conditions", "see_issue", "working-conditions"),
    ("wages-working-conditions", "see_issue", "social-security"),
    ("wages-working-conditions", "br_activity", "working-conditions"),
    ("wages-working-conditions", "br_activity", "fair-wages"),
    ("wages-working-conditions", "br_activity", "group-insurance"),
    ("skills-training", "see_issue", "skills"),
    ("skills-training", "br_activity", "worker-skills"),
    ("skills-training", "br_activity", "vocational-training"),
    ("skills-training", "br_activity", "adult-education"),
    ("women-gender", "see_issue", "gender"),
    ("women-gender", "br_activity", "women-facilities"),
    ("women-gender", "br_activity", "no-gender-discrimination"),
    ("women-gender", "br_activity", "women-income"),
    ("women-gender", "br_activity", "women-empowerment"),
    ("women-gender", "br_activity", "women-employment"),
    ("women-gender", "br_activity", "creches"),
    ("community-health", "see_issue", "community-health"),
    ("community-health", "see_issue", "health-care-access"),
    ("community-health", "br_activity", "health-camps"),
    ("community-health", "br_activity", "health-awareness"),
    ("energy-efficiency", "see_issue", "energy"),
    ("energy-efficiency", "br_activity", "energy-audits"),
    ("energy-efficiency", "br_activity", "energy-efficient-technology"),
    ("energy-efficiency", "br_activity", "energy-awareness"),
    ("air-pollution", "see_issue", "air-pollution"),
    ("air-pollution", "br_activity", "pollution-control"),
    ("waste-water", "see_issue", "effluents"),
    ("waste-water", "br_activity", "waste-management"),
    ("solid-waste", "see_issue", "solid-waste"),
    ("solid-waste", "br_activity", "waste-management"),
    ("generic-social", "see_issue", "education-access"),
    ("generic-social", "see_issue", "alcohol-drugs"),
    ("generic-social", "see_issue", "hiv-aids"),
    ("generic-social", "see_issue", "underprivileged"),
    ("generic-social", "br_activity", "disabled-children"),
    ("generic-social", "br_activity", "elderly-care"),
    ("generic-social", "br_activity", "anti-addiction"),
    ("generic-social", "br_activity", "child-marriage"),
    ("generic-social", "br_activity", "human-rights"),
    ("finance-schemes", "scheme", ""),
    ("codes-compliance", "nvg", ""),
];

/// The registry tags (vocabulary, code) that a community's themes match.
pub fn registry_tags_of_themes(themes: &[&str]) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for (theme, vocab, code) in THEME_REGISTRY_TAGS {
        if themes.contains(theme) && !out.contains(&(*vocab, *code)) {
            out.push((*vocab, *code));
        }
    }
    out
}

#[cfg(test)]
mod theme_registry_tags {
    use super::*;

    #[test]
    fn every_theme_reads_in_the_registry_by_terms_that_exist() {
        for (theme, _, _) in THEMES {
            assert!(!registry_tags_of_themes(&[theme]).is_empty(), "{theme} matches nothing in the registry");
        }
        for (theme, vocab, code) in THEME_REGISTRY_TAGS {
            assert!(THEMES.iter().any(|(s, _, _)| s == theme), "{theme}");
            assert!(REGISTRY_VOCABS.iter().any(|(v, _)| v == vocab), "{vocab}");
            assert!(code.is_empty() || registry_seed(vocab).iter().any(|(c, _, _)| c == code), "{vocab}/{code}");
        }
        assert_eq!(registry_tags_of_themes(&["energy-efficiency", "waste-water"]).len(), 6);
        assert_eq!(registry_tags_of_themes(&["waste-water", "solid-waste"]).len(), 3, "a shared tag is asked once");
    }
}

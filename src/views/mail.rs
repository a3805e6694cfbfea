//! Bodies of the account mails, plain text and HTML, in the member's language.

use maud::{html, DOCTYPE};

pub struct MailBody {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn build(subject: &str, greeting: &str, lines: &[&str], link: &str, action: &str, footer: &str) -> MailBody {
    let mut text = format!("{greeting}\n\n");
    for l in lines {
        text.push_str(l);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{link}\n\n-- \n{footer}\n"));
    let html = html! {
        (DOCTYPE)
        html {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family: sans-serif; line-height: 1.5; max-width: 36em" {
                p { (greeting) }
                @for l in lines { p { (l) } }
                p { a href=(link) { (action) } }
                p style="color:#555; font-size: 0.9em" { (link) }
                hr;
                p style="color:#555; font-size: 0.9em" { (footer) }
            }
        }
    }
    .into_string();
    MailBody { subject: subject.to_string(), text, html }
}

pub fn verify_email(lang: &str, name: &str, link: &str) -> MailBody {
    if lang == "hi" {
        let g = format!("नमस्ते {name},");
        build(
            "solex: अपना ईमेल पता पक्का करें",
            &g,
            &["solex से जुड़ने के लिए धन्यवाद। अपना ईमेल पता पक्का करने के लिए नीचे दिया लिंक खोलें। यह 48 घंटे तक काम करेगा।", "यदि आपने solex पर खाता नहीं बनाया, तो इस ईमेल को अनदेखा करें।"],
            link,
            "ईमेल पता पक्का करें",
            "solex — एमएसएमई क्लस्टर विकास के लिए ज्ञान का आदान-प्रदान",
        )
    } else {
        let g = format!("Hello {name},");
        build(
            "solex: confirm your email address",
            &g,
            &["Thank you for joining solex. Open the link below to confirm your email address. It works for 48 hours.", "If you did not create an account on solex, ignore this message."],
            link,
            "Confirm my email address",
            "solex — knowledge exchange for MSME cluster development",
        )
    }
}

pub fn reset_password(lang: &str, name: &str, link: &str) -> MailBody {
    if lang == "hi" {
        let g = format!("नमस्ते {name},");
        build(
            "solex: नया पासवर्ड चुनें",
            &g,
            &["किसी ने आपके solex खाते का पासवर्ड बदलने का अनुरोध किया है। नया पासवर्ड चुनने के लिए नीचे दिया लिंक खोलें। यह 2 घंटे तक और केवल एक बार काम करेगा।", "यदि यह अनुरोध आपने नहीं किया, तो इस ईमेल को अनदेखा करें; आपका पासवर्ड नहीं बदलेगा।"],
            link,
            "नया पासवर्ड चुनें",
            "solex — एमएसएमई क्लस्टर विकास के लिए ज्ञान का आदान-प्रदान",
        )
    } else {
        let g = format!("Hello {name},");
        build(
            "solex: choose a new password",
            &g,
            &["Someone asked to reset the password of your solex account. Open the link below to choose a new one. It works once, for 2 hours.", "If you did not ask for this, ignore this message; your password stays as it is."],
            link,
            "Choose a new password",
            "solex — knowledge exchange for MSME cluster development",
        )
    }
}

//! Dates and times in the reader's language, inside `<time datetime=...>` so machines still read
//! them. English keeps the unambiguous ISO form ("2026-12-04"); Hindi names the month
//! ("4 दिसंबर 2026").

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use maud::{html, Markup};

use super::{Ctx, Lang};

const MONTHS_HI: [&str; 12] = ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"];

/// A day as text in `lang`.
pub fn day_text(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::En => d.format("%Y-%m-%d").to_string(),
        Lang::Hi => format!("{} {} {}", d.day(), MONTHS_HI[d.month0() as usize], d.year()),
    }
}

/// A moment (UTC) as text in `lang`.
pub fn time_text(lang: Lang, t: &NaiveDateTime) -> String {
    match lang {
        Lang::En => super::format_time(t),
        Lang::Hi => format!("{}, {} UTC", day_text(lang, t.date()), t.format("%H:%M")),
    }
}

/// The day of a moment, as a `<time>` element.
pub fn day(ctx: &Ctx, t: &NaiveDateTime) -> Markup {
    html! { time datetime=(t.format("%Y-%m-%d")) { (day_text(ctx.lang, t.date())) } }
}

/// A moment, as a `<time>` element.
pub fn when(ctx: &Ctx, t: &NaiveDateTime) -> Markup {
    html! { time datetime=(t.format("%Y-%m-%dT%H:%MZ")) { (time_text(ctx.lang, t)) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hindi_names_the_month_and_english_stays_iso() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(day_text(Lang::Hi, d), "4 दिसंबर 2026");
        assert_eq!(day_text(Lang::En, d), "2026-12-04");
        let t = d.and_hms_opt(14, 5, 0).unwrap();
        assert_eq!(time_text(Lang::Hi, &t), "4 दिसंबर 2026, 14:05 UTC");
        assert_eq!(day_text(Lang::Hi, NaiveDate::from_ymd_opt(2027, 2, 28).unwrap()), "28 फ़रवरी 2027");
    }
}

//! The registry's pictures, drawn on the server as inline SVG: the tile-grid map of states and
//! union territories, the charts of initiatives by stage, and an initiative's indicators. Each
//! picture is an image with a name (`role="img"` and a `<title>`; the map, whose squares are
//! links, keeps svg's own role, named by its `<title>`, since an image's content is never read
//! out); a table beside it carries
//! the same numbers for screen readers and anyone who would rather read. Colours come from
//! classes in static/style.css; numbers are printed on the pictures, so nothing is told by
//! colour alone.

use maud::{html, Markup};

use super::crumbs;
use crate::paths;
use crate::services::registry::{Indicator, Kind, Overview, StageCharts, StageRow};
use crate::views::charts::{num, rects_path, scale, shade, shade_ranges, stack};
use crate::views::{layout, urlencode, Ctx};

/// One square per state and union territory: (name as stored, short code, column, row),
/// placed roughly where it lies, north at the top; the islands stand apart.
pub const TILES: &[(&str, &str, u8, u8)] = &[
    ("Jammu and Kashmir", "JK", 2, 0),
    ("Ladakh", "LA", 3, 0),
    ("Punjab", "PB", 1, 1),
    ("Chandigarh", "CH", 2, 1),
    ("Himachal Pradesh", "HP", 3, 1),
    ("Uttarakhand", "UK", 4, 1),
    ("Sikkim", "SK", 6, 1),
    ("Arunachal Pradesh", "AR", 8, 1),
    ("Rajasthan", "RJ", 1, 2),
    ("Haryana", "HR", 2, 2),
    ("Delhi", "DL", 3, 2),
    ("Uttar Pradesh", "UP", 4, 2),
    ("Bihar", "BR", 5, 2),
    ("Assam", "AS", 7, 2),
    ("Nagaland", "NL", 8, 2),
    ("Gujarat", "GJ", 1, 3),
    ("Madhya Pradesh", "MP", 2, 3),
    ("Chhattisgarh", "CG", 3, 3),
    ("Jharkhand", "JH", 4, 3),
    ("West Bengal", "WB", 5, 3),
    ("Meghalaya", "ML", 7, 3),
    ("Manipur", "MN", 8, 3),
    ("Dadra and Nagar Haveli and Daman and Diu", "DH", 1, 4),
    ("Maharashtra", "MH", 2, 4),
    ("Telangana", "TS", 3, 4),
    ("Odisha", "OD", 4, 4),
    ("Tripura", "TR", 7, 4),
    ("Mizoram", "MZ", 8, 4),
    ("Goa", "GA", 1, 5),
    ("Karnataka", "KA", 2, 5),
    ("Andhra Pradesh", "AP", 3, 5),
    ("Lakshadweep", "LD", 0, 6),
    ("Kerala", "KL", 2, 6),
    ("Tamil Nadu", "TN", 3, 6),
    ("Puducherry", "PY", 4, 6),
    ("Andaman and Nicobar Islands", "AN", 6, 6),
];

const STEP: u32 = 48;
const TILE: u32 = 44;
const SHADES: usize = 4;

/// The map's kind from the address (`?map=clusters`), initiatives when none or unknown.
pub fn map_kind(plural: &str) -> Kind {
    Kind::from_plural(plural).unwrap_or(Kind::Initiative)
}

/// The tile-grid map of `kind` by state, with its kind switch and legend. The table of the
/// same counts follows it on the registry's front page.
pub fn state_map(ctx: &Ctx, ov: &Overview, kind: Kind) -> Markup {
    let t = ctx.t();
    let kind_label = t.get(kind.label_key());
    let counts: Vec<usize> = TILES.iter().map(|(name, ..)| ov.count(name, kind)).collect();
    let max = counts.iter().copied().max().unwrap_or(0);
    let cols = TILES.iter().map(|x| x.2 as u32).max().unwrap_or(0) + 1;
    let rows = TILES.iter().map(|x| x.3 as u32).max().unwrap_or(0) + 1;
    html! {
        section.registry-map aria-labelledby="map-h" {
            h2 #map-h { (t.registry_map_heading) }
            ul.tabs aria-label=(t.registry_map_show) {
                @for k in Kind::ALL {
                    li {
                        a href={ (paths::registry_map(k.plural())) "#map-h" } aria-current=[(k == kind).then_some("true")] { (t.get(k.label_key())) }
                    }
                }
            }
            figure.tilemap {
                svg.tilemap viewBox={ "0 0 " (cols * STEP) " " (rows * STEP) } aria-labelledby="map-t" {
                    title #map-t { (t.fmt("registry-map-label", &[("kind", kind_label.into())])) }
                    @for ((name, code, col, row), n) in TILES.iter().zip(&counts) {
                        @let (x, y) = (*col as u32 * STEP, *row as u32 * STEP);
                        a href={ (paths::registry_list(kind.plural())) "?state=" (urlencode(name)) } {
                            title { (name) ": " (n) }
                            rect x=(x) y=(y) width=(TILE) height=(TILE) rx="3" class={ "m" (shade(*n, max, SHADES)) } {}
                            text.code x=(x + TILE / 2) y=(y + 18) { (code) }
                            text.n x=(x + TILE / 2) y=(y + 36) { (n) }
                        }
                    }
                }
                figcaption {
                    p { (t.registry_map_note) }
                    ul.legend {
                        li { span.sw.m0 {} " 0" }
                        @for (k, lo, hi) in shade_ranges(max, SHADES) {
                            li { span class={ "sw m" (k) } {} " " (lo) @if hi > lo { "–" (hi) } }
                        }
                    }
                }
            }
        }
    }
}

/// The class of a stage's colour: a ramp from the first stage to the last; "gx" for none given.
fn stage_class(i: usize, code: &str) -> String {
    if code.is_empty() { "gx".to_string() } else { format!("g{}", i.min(7)) }
}

fn stage_label<'a>(ctx: &'a Ctx, label: &'a str) -> &'a str {
    if label.is_empty() { ctx.t().registry_stage_unstated } else { label }
}

const BAR: f64 = 340.0;
const ROW: u32 = 38;

/// What differs between the chart per state and the chart per sector.
struct ChartOf<'a> {
    /// The prefix of the chart's ids.
    id: &'a str,
    heading: &'a str,
    /// The picture's accessible name and the table's caption.
    name: &'a str,
    /// The list filter a row's label links to.
    filter: &'a str,
    /// The label of the row with no value given.
    unstated: &'a str,
}

/// A stacked horizontal bar per row (a state or a sector), split by stage, with its table.
fn stage_chart(ctx: &Ctx, c: &StageCharts, rows: &[StageRow], of: ChartOf) -> Markup {
    let t = ctx.t();
    let ChartOf { id, heading, name, filter, unstated } = of;
    let max = rows.iter().map(StageRow::total).max().unwrap_or(0);
    let label = |r: &StageRow| -> String { if r.code.is_empty() { unstated.to_string() } else { r.label.clone() } };
    // Every stage's bars in one path: one element per colour, however many rows.
    let mut paths: Vec<Vec<(f64, f64, f64, f64)>> = vec![Vec::new(); c.stages.len()];
    for (j, r) in rows.iter().enumerate() {
        let y = (j as u32 * ROW + 18) as f64;
        for (i, x, w) in stack(&r.counts, max, BAR) {
            paths[i].push((x, y, w, 14.0));
        }
    }
    html! {
        section aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } { (heading) }
            figure.chart {
                svg.bars viewBox={ "0 0 400 " (rows.len() as u32 * ROW + 4) } role="img" aria-labelledby={ (id) "-t" } {
                    title id={ (id) "-t" } { (name) }
                    @for (i, (code, _)) in c.stages.iter().enumerate() {
                        @let d = rects_path(&paths[i]);
                        @if !d.is_empty() { path class=(stage_class(i, code)) d=(d) {} }
                    }
                    @for (j, r) in rows.iter().enumerate() {
                        @let y = j as u32 * ROW;
                        text x="0" y=(y + 13) { (label(r)) }
                        text.n x=(num(scale(r.total() as f64, max as f64, BAR) + 4.0)) y=(y + 29) { (r.total()) }
                    }
                }
            }
            div.table-wrap {
                table.chart-data {
                    caption { (name) }
                    thead {
                        tr {
                            th scope="col" { (heading) }
                            @for (_, l) in &c.stages { th scope="col" { (stage_label(ctx, l)) } }
                            th scope="col" { (t.registry_total) }
                        }
                    }
                    tbody {
                        @for r in rows {
                            tr {
                                th scope="row" {
                                    @if r.code.is_empty() { (label(r)) } @else {
                                        a href={ (paths::registry_list(Kind::Initiative.plural())) "?" (filter) "=" (urlencode(&r.code)) } { (label(r)) }
                                    }
                                }
                                @for n in &r.counts { td { (n) } }
                                td { (r.total()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The page of initiatives by stage, per state and per sector.
pub fn stage_charts(ctx: &Ctx, c: &StageCharts) -> Markup {
    let t = ctx.t();
    layout(ctx, t.registry_charts_title, html! {
        (crumbs(ctx, None))
        h1 { (t.registry_charts_title) }
        p.lead { (t.registry_charts_intro) }
        @if c.total == 0 {
            p { (t.registry_charts_none) }
        } @else {
            ul.legend aria-label=(t.registry_facet_stage) {
                @for (i, (code, l)) in c.stages.iter().enumerate() {
                    li { span class={ "sw " (stage_class(i, code)) } {} " " (stage_label(ctx, l)) }
                }
            }
            (stage_chart(ctx, c, &c.by_state, ChartOf { id: "by-state", heading: t.registry_charts_by_state, name: t.registry_chart_state_label, filter: "state", unstated: t.registry_not_given }))
            (stage_chart(ctx, c, &c.by_sector, ChartOf { id: "by-sector", heading: t.registry_charts_by_sector, name: t.registry_chart_sector_label, filter: "sector", unstated: t.registry_sector_unstated }))
        }
    })
}

/// Each indicator from its baseline to its latest value: two bars on one scale, numbers and
/// unit printed. The table of the same values follows.
pub fn indicator_charts(ctx: &Ctx, items: &[Indicator]) -> Markup {
    let t = ctx.t();
    let shown = |ind: &Indicator, v: &str| -> String {
        if v.is_empty() {
            t.registry_not_given.to_string()
        } else if ind.unit.is_empty() {
            v.to_string()
        } else {
            format!("{v} {}", ind.unit)
        }
    };
    html! {
        @for (n, ind) in items.iter().enumerate() {
            @let max = ind.baseline.unwrap_or(0.0).abs().max(ind.latest.unwrap_or(0.0).abs());
            @let (baseline, latest) = (shown(ind, &ind.baseline_text), shown(ind, &ind.latest_text));
            figure.indicator {
                figcaption { (ind.name) }
                svg.indicator viewBox="0 0 320 62" role="img" aria-labelledby={ "ind-" (n + 1) } {
                    title id={ "ind-" (n + 1) } {
                        (t.fmt("registry-indicator-chart-label", &[("name", ind.name.as_str().into()), ("baseline", baseline.as_str().into()), ("latest", latest.as_str().into())]))
                    }
                    text x="0" y="12" { (t.registry_baseline) ": " (baseline) }
                    rect.base x="0" y="17" height="12" width=(num(scale(ind.baseline.map_or(0.0, f64::abs), max, 320.0))) {}
                    text x="0" y="45" { (t.registry_latest) ": " (latest) }
                    rect.latest x="0" y="50" height="12" width=(num(scale(ind.latest.map_or(0.0, f64::abs), max, 320.0))) {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_union_territory_has_one_tile_of_its_own() {
        for s in crate::vocab::STATES {
            assert_eq!(TILES.iter().filter(|(name, ..)| name == s).count(), 1, "{s}");
        }
        assert_eq!(TILES.len(), crate::vocab::STATES.len());
        let mut places: Vec<(u8, u8)> = TILES.iter().map(|x| (x.2, x.3)).collect();
        places.sort();
        places.dedup();
        assert_eq!(places.len(), TILES.len(), "no two tiles on one square");
        let mut codes: Vec<&str> = TILES.iter().map(|x| x.1).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), TILES.len(), "codes are unique");
        // Roughly by geography: Ladakh north of Kerala, Assam east of Gujarat.
        let at = |code: &str| TILES.iter().find(|x| x.1 == code).map(|x| (x.2, x.3)).unwrap();
        assert!(at("LA").1 < at("KL").1 && at("JK").1 < at("TN").1);
        assert!(at("AS").0 > at("GJ").0 && at("MN").0 > at("WB").0);
    }
}

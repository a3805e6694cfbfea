//! Geometry for the pictures drawn on the server as inline SVG (the registry's map and bar
//! charts): scales, shades and stacked segments. Pure arithmetic, safe on empty data: no
//! division by zero, no NaN or infinity ever reaches an attribute. Styling lives in
//! static/style.css (classes and presentation attributes, never `style=`, which the CSP blocks).

/// The length of a bar for `value` on a scale where `max` fills `length`; zero for nothing to
/// draw (a zero, negative or non-finite value or maximum).
pub fn scale(value: f64, max: f64, length: f64) -> f64 {
    if !(max > 0.0) || !max.is_finite() || !value.is_finite() || !length.is_finite() || length <= 0.0 {
        return 0.0;
    }
    (value.max(0.0) / max * length).clamp(0.0, length)
}

/// Which of `shades` shades a count gets, 0 for none and 1..=shades by its share of `max`:
/// the shade k holds the counts above (k-1)/shades of the maximum, up to k/shades of it.
pub fn shade(count: usize, max: usize, shades: usize) -> usize {
    if count == 0 || max == 0 || shades == 0 {
        return 0;
    }
    let count = count.min(max);
    count.saturating_mul(shades).div_ceil(max).clamp(1, shades)
}

/// The legend of `shade`: (shade, lowest count, highest count) of every shade some count
/// from 1 to `max` falls in, lightest first.
pub fn shade_ranges(max: usize, shades: usize) -> Vec<(usize, usize, usize)> {
    (1..=shades)
        .filter_map(|k| {
            let lo = (k - 1) * max / shades + 1;
            let hi = k * max / shades;
            (lo <= hi).then_some((k, lo, hi))
        })
        .collect()
}

/// A stacked bar: (index, start, length) of each non-zero count laid end to end, on a scale
/// where `max` fills `length`.
pub fn stack(counts: &[usize], max: usize, length: f64) -> Vec<(usize, f64, f64)> {
    let mut at = 0.0;
    let mut out = Vec::new();
    for (i, n) in counts.iter().enumerate() {
        let w = scale(*n as f64, max as f64, length);
        if *n > 0 && w > 0.0 {
            out.push((i, at, w));
            at += w;
        }
    }
    out
}

/// A coordinate as an attribute: at most one decimal, finite, never "-0".
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".to_string()
    } else if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A path of rectangles ("M x y h w v h h -w z" each), for many bars of one colour in one element.
pub fn rects_path(rects: &[(f64, f64, f64, f64)]) -> String {
    let mut d = String::new();
    for (x, y, w, h) in rects {
        if *w <= 0.0 || *h <= 0.0 {
            continue;
        }
        d.push_str(&format!("M{} {}h{}v{}h-{}z", num(*x), num(*y), num(*w), num(*h), num(*w)));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_fills_its_length_at_the_maximum_and_never_yields_nan() {
        assert_eq!(scale(5.0, 10.0, 200.0), 100.0);
        assert_eq!(scale(10.0, 10.0, 200.0), 200.0);
        assert_eq!(scale(20.0, 10.0, 200.0), 200.0, "clamped to the length");
        assert_eq!(scale(-3.0, 10.0, 200.0), 0.0);
        for (v, m) in [(0.0, 0.0), (5.0, 0.0), (f64::NAN, 1.0), (1.0, f64::NAN), (1.0, f64::INFINITY), (f64::INFINITY, 1.0), (1.0, -1.0)] {
            let s = scale(v, m, 100.0);
            assert!(s.is_finite() && s == 0.0 || (s > 0.0 && s <= 100.0), "{v} / {m} -> {s}");
        }
        assert_eq!(scale(0.0, 0.0, 100.0), 0.0);
    }

    #[test]
    fn shades_split_the_range_and_zero_stays_unshaded() {
        assert_eq!(shade(0, 10, 4), 0);
        assert_eq!(shade(0, 0, 4), 0);
        assert_eq!(shade(3, 0, 4), 0, "no maximum, nothing shaded, no division by zero");
        assert_eq!(shade(1, 100, 4), 1);
        assert_eq!(shade(25, 100, 4), 1);
        assert_eq!(shade(26, 100, 4), 2);
        assert_eq!(shade(100, 100, 4), 4);
        assert_eq!(shade(500, 100, 4), 4);
        assert_eq!(shade(1, 1, 4), 4, "a single record is the darkest when it is the most");
        // Every count from 1 to max falls in exactly the range its shade's legend gives.
        for max in [1, 2, 3, 4, 5, 7, 13, 100] {
            let ranges = shade_ranges(max, 4);
            for n in 1..=max {
                let k = shade(n, max, 4);
                let (_, lo, hi) = ranges.iter().find(|(s, _, _)| *s == k).unwrap_or_else(|| panic!("shade {k} of {n}/{max} missing from {ranges:?}"));
                assert!(*lo <= n && n <= *hi, "{n} of {max}: shade {k} {lo}..{hi}");
            }
        }
        assert!(shade_ranges(0, 4).is_empty());
        assert_eq!(shade_ranges(2, 4), vec![(2, 1, 1), (4, 2, 2)]);
    }

    #[test]
    fn stacked_segments_follow_each_other_and_skip_zeros() {
        assert_eq!(stack(&[2, 0, 3], 10, 100.0), vec![(0, 0.0, 20.0), (2, 20.0, 30.0)]);
        assert!(stack(&[0, 0], 0, 100.0).is_empty());
        assert!(stack(&[], 5, 100.0).is_empty());
        let full = stack(&[1, 1, 1], 3, 90.0);
        assert_eq!(full.last().map(|(_, x, w)| x + w), Some(90.0));
    }

    #[test]
    fn coordinates_print_short_and_finite() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
        assert_eq!(rects_path(&[(0.0, 2.0, 10.5, 4.0), (1.0, 1.0, 0.0, 4.0)]), "M0 2h10.5v4h-10.5z");
    }
}

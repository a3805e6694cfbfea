//! The one encoding of a list kept in a text column (a page's themes, contributors, sources
//! and source threads, a post's themes, a registry record's terms, pages and threads): one
//! value a line. Commas and semicolons are left to values (a source's title, an organisation),
//! and a list is read back the same on both backends and in SQL. Forms, CSV cells, content
//! files and URLs keep their own formats; only what is stored goes through here.

use diesel::dsl::{AsExprOf, Concat};
use diesel::expression::AsExpression;
use diesel::prelude::*;
use diesel::sql_types::Text;

/// What separates the values of a stored list.
pub const SEPARATOR: char = '\n';

/// One value as it may be stored: a line break inside it would split it in two, so it
/// becomes a space; surrounding blanks go.
fn line(value: &str) -> String {
    value.replace(['\r', '\n'], " ").trim().to_string()
}

/// Stores values one a line, in order; empty values are dropped.
pub fn encode<I, S>(values: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let lines: Vec<String> = values.into_iter().map(|v| line(v.as_ref())).filter(|v| !v.is_empty()).collect();
    lines.join("\n")
}

/// The values of a stored list, trimmed, without empty lines.
pub fn decode(stored: &str) -> impl Iterator<Item = &str> {
    stored.lines().map(str::trim).filter(|v| !v.is_empty())
}

/// Does the stored list hold this value?
pub fn holds(stored: &str, value: &str) -> bool {
    decode(stored).any(|v| v == value)
}

diesel::define_sql_function!(fn replace(text: Text, from: Text, to: Text) -> Text);

type Lines<C> = Concat<Concat<AsExprOf<&'static str, Text>, C>, AsExprOf<&'static str, Text>>;

fn lines_of<C: Expression<SqlType = Text>>(column: C) -> Lines<C> {
    let nl = || AsExpression::<Text>::as_expression("\n");
    nl().concat(column).concat(nl())
}

/// SQL: the list in `column` holds `value` as a whole line. Written with `replace`, which both
/// backends have and which compares exactly: no LIKE wildcards to escape, and no case folding
/// (SQLite's LIKE ignores ASCII case). An empty value matches nothing.
#[allow(clippy::type_complexity)]
pub fn sql_holds<C>(column: C, value: &str) -> diesel::dsl::Ne<replace<Lines<C>, AsExprOf<String, Text>, AsExprOf<&'static str, Text>>, Lines<C>>
where
    C: Expression<SqlType = Text> + Clone,
{
    // A value no list can hold (empty, padded, or with a line break) is looked for as three
    // line breaks, which no wrapped list holds (an empty list wraps to two), so it finds nothing.
    let storable = !value.is_empty() && line(value) == value;
    let needle = if storable { format!("\n{value}\n") } else { "\n\n\n".to_string() };
    replace(lines_of(column.clone()), AsExpression::<Text>::as_expression(needle), AsExpression::<Text>::as_expression("")).ne(lines_of(column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_commas_and_semicolons_round_trip() {
        let values = ["Ravi Kumar | Foundry Owners' Association, Samalkha", "Vol. I; Box 1.6", "energy"];
        let stored = encode(values);
        assert_eq!(stored, "Ravi Kumar | Foundry Owners' Association, Samalkha\nVol. I; Box 1.6\nenergy");
        assert_eq!(decode(&stored).collect::<Vec<_>>(), values);
        assert!(holds(&stored, "energy") && !holds(&stored, "energ"));
    }

    #[test]
    fn line_breaks_inside_a_value_and_empty_values_are_not_stored() {
        assert_eq!(encode(["a\r\nb", "  ", "", " c "]), "a  b\nc");
        assert_eq!(encode(Vec::<String>::new()), "");
        assert_eq!(decode(" a \n\n\r\nb\r\n").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(decode("").count(), 0);
    }
}

//! Closed sets of words (statuses, actions, delivery modes, kinds) kept in portable TEXT
//! columns. Both databases store the word itself, so no migration or native enum type is needed,
//! and a word the program does not know reads as a clear error, never a panic.

/// Declares an enum whose variants are stored as words in a TEXT column.
///
/// strum gives the words (`as_str`, `FromStr`, `Display`, `iter()`), snake_case unless a
/// variant says `#[strum(serialize = "...")]`; this macro adds the one diesel `ToSql`/`FromSql`
/// for `Text` on any backend whose `str`/`String` are text (PostgreSQL, SQLite and `DbConn`'s
/// MultiBackend), and serde as the same word.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            strum::IntoStaticStr, strum::EnumString, strum::EnumIter, strum::Display,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[strum(serialize_all = "snake_case")]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The word stored in the database and used in forms and URLs.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Every variant, in declaration order.
            pub fn all() -> impl Iterator<Item = $name> {
                <$name as strum::IntoEnumIterator>::iter()
            }
        }

        impl<DB: diesel::backend::Backend> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.as_str(), out)
            }
        }

        impl<DB: diesel::backend::Backend> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let word = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                word.parse().map_err(|_| $crate::db::text_enum::UnknownWord::new(concat!(module_path!(), "::", stringify!($name)), &word).into())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = String::deserialize(d)?;
                word.parse().map_err(|_| serde::de::Error::custom($crate::db::text_enum::UnknownWord::new(concat!(module_path!(), "::", stringify!($name)), &word)))
            }
        }
    };
}

/// A word in the database that the enum it should be does not know (written by a newer
/// version, or by hand).
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} `{word}` in the database")]
pub struct UnknownWord {
    pub what: &'static str,
    pub word: String,
}

impl UnknownWord {
    pub fn new(what: &'static str, word: &str) -> UnknownWord {
        UnknownWord { what, word: word.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    // The db layer imports no model, so the test declares its own set of words.
    mod post {
        crate::text_enum! {
            pub enum Status {
                ChangesRequested,
                Approved,
            }
        }
    }

    #[test]
    fn a_known_word_reads_back_and_an_unknown_one_is_a_clear_error() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let known: post::Status = diesel::select(diesel::dsl::sql::<Text>("'changes_requested'")).get_result(&mut conn).unwrap();
        assert_eq!(known, post::Status::ChangesRequested);
        let stored: String = diesel::select(post::Status::Approved.into_sql::<Text>()).get_result(&mut conn).unwrap();
        assert_eq!(stored, "approved");
        let err = diesel::select(diesel::dsl::sql::<Text>("'archived'")).get_result::<post::Status>(&mut conn).unwrap_err();
        // diesel names the field; the cause names the enum and the word.
        let cause = std::error::Error::source(&err).map(|e| e.to_string()).unwrap_or_default();
        assert!(cause.contains("unknown solex::db::text_enum::tests::post::Status `archived`"), "{err}: {cause}");
    }
}

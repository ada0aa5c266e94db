//! Redis URLs: pointing one at a logical database, and printing one
//! without its password.

use url::Url;

/// Returns `url` rewritten to select logical database `db`.
///
/// TCP URLs (`redis://`, `rediss://`) carry the database in the path; Unix
/// socket URLs (`redis+unix://`, `unix://`) carry it in the `db` query
/// parameter, as the redis crate reads them.
pub(crate) fn with_database(url: &str, db: u32) -> Result<String, String> {
    let mut parsed = Url::parse(url).map_err(|err| format!("invalid redis url: {err}"))?;

    match parsed.scheme() {
        "redis" | "rediss" => parsed.set_path(&format!("/{db}")),
        "redis+unix" | "unix" => set_db_query(&mut parsed, db),
        other => return Err(format!("unsupported redis url scheme {other:?}")),
    }

    Ok(parsed.into())
}

/// Returns `url` with any password replaced, fit for logs and errors.
pub(crate) fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot carry credentials at all.
            let _ = parsed.set_password(Some("***"));
            parsed.into()
        }
        Ok(parsed) => parsed.into(),
        Err(_) => "<unparsable redis url>".to_owned(),
    }
}

fn set_db_query(parsed: &mut Url, db: u32) {
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(key, _)| key != "db")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();

    let mut query = parsed.query_pairs_mut();
    query.clear();
    query.extend_pairs(kept);
    query.append_pair("db", &db.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_url_gets_database_in_path() {
        let url = with_database("redis://127.0.0.1:6379/0", 7).unwrap();

        assert_eq!(url, "redis://127.0.0.1:6379/7");
    }

    #[test]
    fn unix_url_gets_database_in_query() {
        let url = with_database("redis+unix:///tmp/r.sock?db=2&protocol=resp3", 5).unwrap();

        assert_eq!(url, "redis+unix:///tmp/r.sock?protocol=resp3&db=5");
    }

    #[test]
    fn unknown_scheme_is_refused() {
        assert!(with_database("http://example.com", 1).is_err());
    }

    #[test]
    fn password_never_survives_redaction() {
        let shown = redact("redis://user:hunter2@db.example:6379/3");

        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("db.example:6379/3"));
    }
}

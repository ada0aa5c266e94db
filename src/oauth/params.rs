//! Form and query parameters as OAuth reads them: each at most once.
//!
//! RFC 6749 section 3.1 forbids repeating a parameter; a plain map would
//! silently keep one of the values, so duplicates are an error here.

use std::collections::HashMap;

use super::error::OAuthError;

/// Parameters of one request, by name.
#[derive(Debug, Default, Clone)]
pub struct Params(HashMap<String, String>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` text; refuses repeats.
    pub fn parse(text: &str) -> Result<Self, OAuthError> {
        let mut params = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(text.as_bytes()) {
            if params
                .insert(name.to_string(), value.into_owned())
                .is_some()
            {
                return Err(OAuthError::invalid_request(format!(
                    "parameter {name} is repeated"
                )));
            }
        }
        Ok(Self(params))
    }

    /// A parameter, treating an empty value as absent (RFC 6749 3.1).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    /// A parameter that must be present.
    pub fn require(&self, name: &'static str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("parameter {name} is missing")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_parameter_once() {
        let params = Params::parse("a=1&b=x%20y&c=").unwrap();

        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), Some("x y"));
        assert_eq!(params.get("c"), None);
        assert!(params.require("d").is_err());
    }

    #[test]
    fn refuses_repeated_parameters() {
        let error = Params::parse("a=1&a=2").unwrap_err();

        assert!(error.description.contains("repeated"), "{error}");
    }
}

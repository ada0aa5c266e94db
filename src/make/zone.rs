//! Make.com zones: each one is a separate deployment with its own host, its
//! own API tokens and its own health, so the client keys breakers by zone.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

/// A Make.com zone (data centre).
///
/// API tokens are issued per zone, so a credential always names one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Zone {
    /// `eu1.make.com`
    Eu1,
    /// `eu2.make.com`
    Eu2,
    /// `us1.make.com`
    Us1,
    /// `us2.make.com`
    Us2,
    /// `eu1.make.celonis.com`
    CelonisEu1,
    /// `us1.make.celonis.com`
    CelonisUs1,
}

/// A zone name that is not one of the known zones.
#[derive(Debug, thiserror::Error)]
#[error("unknown make.com zone {0:?}: expected eu1, eu2, us1, us2, celonis-eu1 or celonis-us1")]
pub struct UnknownZone(pub String);

impl Zone {
    /// Every zone, for status reports that list them all.
    pub const ALL: [Zone; 6] = [
        Zone::Eu1,
        Zone::Eu2,
        Zone::Us1,
        Zone::Us2,
        Zone::CelonisEu1,
        Zone::CelonisUs1,
    ];

    /// The zone's host name, as Make.com publishes it.
    pub fn host(self) -> &'static str {
        match self {
            Zone::Eu1 => "eu1.make.com",
            Zone::Eu2 => "eu2.make.com",
            Zone::Us1 => "us1.make.com",
            Zone::Us2 => "us2.make.com",
            Zone::CelonisEu1 => "eu1.make.celonis.com",
            Zone::CelonisUs1 => "us1.make.celonis.com",
        }
    }

    /// The short name used in configuration and in serialized credentials.
    pub fn name(self) -> &'static str {
        match self {
            Zone::Eu1 => "eu1",
            Zone::Eu2 => "eu2",
            Zone::Us1 => "us1",
            Zone::Us2 => "us2",
            Zone::CelonisEu1 => "celonis-eu1",
            Zone::CelonisUs1 => "celonis-us1",
        }
    }

    /// The API v2 base URL of the zone, `https://<host>/api/v2`.
    pub fn base_url(self) -> Url {
        let text = format!("https://{}/api/v2", self.host());

        // The hosts are constants, so this parse cannot fail at run time.
        Url::parse(&text).expect("zone hosts are valid URLs")
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Zone {
    type Err = UnknownZone;

    /// Accepts the short name (`eu1`, `celonis-us1`) or the host name
    /// (`eu1.make.com`, `us1.make.celonis.com`), since users copy either.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase();

        Zone::ALL
            .into_iter()
            .find(|zone| zone.name() == wanted || zone.host() == wanted)
            .ok_or_else(|| UnknownZone(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_names_and_hosts() {
        assert_eq!("eu2".parse::<Zone>().unwrap(), Zone::Eu2);
        assert_eq!(
            "us1.make.celonis.com".parse::<Zone>().unwrap(),
            Zone::CelonisUs1
        );
        assert!("eu3".parse::<Zone>().is_err());
    }

    #[test]
    fn base_url_is_api_v2_on_the_zone_host() {
        assert_eq!(Zone::Us2.base_url().as_str(), "https://us2.make.com/api/v2");
    }
}

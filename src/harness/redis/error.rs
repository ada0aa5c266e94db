//! The one error a caller sees when no way of finding Redis worked.

use super::RedisSource;

/// No way of finding Redis worked.
///
/// The message names all three ways, why each failed or was not tried, and
/// what to install or set so the next run finds one.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct RedisUnavailable {
    image: String,
    url: String,
    container: String,
    child: String,
}

impl RedisUnavailable {
    /// Starts an error for a run that asks for `image`; every way reads
    /// "not tried" until [`RedisUnavailable::record`] says otherwise.
    pub(crate) fn new(image: &str) -> RedisUnavailable {
        RedisUnavailable {
            image: image.to_owned(),
            url: "not tried".to_owned(),
            container: "not tried".to_owned(),
            child: "not tried".to_owned(),
        }
    }

    /// Records why `source` did not give a Redis.
    pub(crate) fn record(&mut self, source: RedisSource, reason: impl Into<String>) {
        *self.slot(source) = reason.into();
    }

    /// Why `source` did not give a Redis, as recorded.
    pub fn reason(&self, source: RedisSource) -> &str {
        match source {
            RedisSource::Url => &self.url,
            RedisSource::Container => &self.container,
            RedisSource::ChildProcess => &self.child,
        }
    }

    fn slot(&mut self, source: RedisSource) -> &mut String {
        match source {
            RedisSource::Url => &mut self.url,
            RedisSource::Container => &mut self.container,
            RedisSource::ChildProcess => &mut self.child,
        }
    }

    fn render(&self) -> String {
        format!(
            "no redis for tests and benches:\n  \
             - {}: {}\n  \
             - {} (image {}): {}\n  \
             - {}: {}\n\
             fix one of them: install redis-server (`sudo apt-get install redis-server`, \
             or set MCP_PERF_REDIS_SERVER to its path); or start Docker and run \
             scripts/build-redis-image.sh (or let Docker pull {}); or set \
             MCP_PERF_REDIS_URL=redis://host:port to use a running Redis",
            RedisSource::Url,
            self.url,
            RedisSource::Container,
            self.image,
            self.container,
            RedisSource::ChildProcess,
            self.child,
            self.image,
        )
    }
}

//! What the client has learned about who owns what: the organization of a
//! team, the team of a scenario. Make.com counts requests per organization,
//! but most calls name only a team or a scenario; the limiter needs the
//! organization, so the client remembers it from earlier answers.

use std::collections::HashMap;
use std::sync::RwLock;

use super::request::RateKey;
use super::zone::Zone;

/// Entries kept per map before it is cleared: a bound on memory, since ids
/// come from users. Clearing only sends some calls to the zone's shared bucket
/// until the ids are seen again.
const MAX_ENTRIES: usize = 100_000;

/// Learned ownership, per zone (ids are only unique within a zone).
#[derive(Debug, Default)]
pub struct Directory {
    team_org: RwLock<HashMap<(Zone, u64), u64>>,
    scenario_team: RwLock<HashMap<(Zone, u64), u64>>,
}

impl Directory {
    /// Remembers that a team belongs to an organization.
    pub fn learn_team(&self, zone: Zone, team: u64, organization: u64) {
        remember(&self.team_org, (zone, team), organization);
    }

    /// Remembers that a scenario belongs to a team.
    pub fn learn_scenario(&self, zone: Zone, scenario: u64, team: u64) {
        remember(&self.scenario_team, (zone, scenario), team);
    }

    /// The bucket for a call about a team.
    pub fn team_key(&self, zone: Zone, team: u64) -> RateKey {
        match recall(&self.team_org, (zone, team)) {
            Some(org) => RateKey::Organization(zone, org),
            None => RateKey::Unscoped(zone),
        }
    }

    /// The bucket for a call about a scenario.
    pub fn scenario_key(&self, zone: Zone, scenario: u64) -> RateKey {
        match recall(&self.scenario_team, (zone, scenario)) {
            Some(team) => self.team_key(zone, team),
            None => RateKey::Unscoped(zone),
        }
    }
}

fn remember(map: &RwLock<HashMap<(Zone, u64), u64>>, key: (Zone, u64), value: u64) {
    let mut map = map.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
        map.clear();
    }
    map.insert(key, value);
}

fn recall(map: &RwLock<HashMap<(Zone, u64), u64>>, key: (Zone, u64)) -> Option<u64> {
    let map = map.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    map.get(&key).copied()
}

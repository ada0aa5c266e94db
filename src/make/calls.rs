//! The Make.com endpoints the MCP tools use, one method each. Every method
//! picks its rate-limit bucket and learns ownership from what it reads.

use reqwest::Method;

use super::client::{Call, MakeClient, page_query};
use super::credential::MakeCredential;
use super::error::MakeError;
use super::models::{
    AuthUser, AuthUserEnvelope, ConnectionList, HookList, Organization, OrganizationEnvelope,
    OrganizationList, PageRequest, RunOutcome, RunScenario, Scenario, ScenarioEnvelope,
    ScenarioList, ScenarioLogList, ScenarioScope, TeamList,
};
use super::request::RateKey;

impl MakeClient {
    /// `GET /scenarios`: one page of a team's or an organization's scenarios.
    pub async fn list_scenarios(
        &self,
        credential: &MakeCredential,
        scope: ScenarioScope,
        page: &PageRequest,
    ) -> Result<ScenarioList, MakeError> {
        let zone = credential.zone;
        let (rate_key, scope_pair) = match scope {
            ScenarioScope::Team(team) => (
                self.directory().team_key(zone, team),
                ("teamId", team.to_string()),
            ),
            ScenarioScope::Organization(org) => (
                RateKey::Organization(zone, org),
                ("organizationId", org.to_string()),
            ),
        };
        let mut query = vec![scope_pair];
        query.extend(page_query(page));

        let list: ScenarioList = self
            .send(credential, get(&["scenarios"], query, rate_key))
            .await?;

        for scenario in &list.scenarios {
            self.learn_scenario(credential, scenario);
            if let ScenarioScope::Organization(org) = scope {
                self.directory().learn_team(zone, scenario.team_id, org);
            }
        }
        Ok(list)
    }

    /// `GET /scenarios/{id}`.
    pub async fn get_scenario(
        &self,
        credential: &MakeCredential,
        scenario_id: u64,
    ) -> Result<Scenario, MakeError> {
        let id = scenario_id.to_string();
        let rate_key = self.directory().scenario_key(credential.zone, scenario_id);

        let envelope: ScenarioEnvelope = self
            .send(credential, get(&["scenarios", &id], Vec::new(), rate_key))
            .await?;

        self.learn_scenario(credential, &envelope.scenario);
        Ok(envelope.scenario)
    }

    /// `POST /scenarios/{id}/run`. Never retried once Make.com may have
    /// received it, so a scenario does not run twice.
    pub async fn run_scenario(
        &self,
        credential: &MakeCredential,
        scenario_id: u64,
        run: &RunScenario,
    ) -> Result<RunOutcome, MakeError> {
        let id = scenario_id.to_string();
        let body = serde_json::to_vec(run).map_err(|source| MakeError::Decode {
            endpoint: format!("scenarios/{id}/run"),
            source,
        })?;

        let call = Call {
            method: Method::POST,
            path: &["scenarios", &id, "run"],
            query: Vec::new(),
            body: Some(body.into()),
            rate_key: self.directory().scenario_key(credential.zone, scenario_id),
            idempotent: false,
        };
        self.send(credential, call).await
    }

    /// `GET /scenarios/{id}/logs`.
    pub async fn scenario_logs(
        &self,
        credential: &MakeCredential,
        scenario_id: u64,
        page: &PageRequest,
    ) -> Result<ScenarioLogList, MakeError> {
        let id = scenario_id.to_string();
        let rate_key = self.directory().scenario_key(credential.zone, scenario_id);

        let path = ["scenarios", &id, "logs"];
        self.send(credential, get(&path, page_query(page), rate_key))
            .await
    }

    /// `GET /organizations`: the organizations the user belongs to.
    pub async fn list_organizations(
        &self,
        credential: &MakeCredential,
        page: &PageRequest,
    ) -> Result<OrganizationList, MakeError> {
        let rate_key = RateKey::Unscoped(credential.zone);

        let list: OrganizationList = self
            .send(
                credential,
                get(&["organizations"], page_query(page), rate_key),
            )
            .await?;

        list.organizations
            .iter()
            .for_each(|org| self.learn_limit(credential, org));
        Ok(list)
    }

    /// `GET /organizations/{id}`; its `license.apiLimit` becomes the
    /// organization's rate limit.
    pub async fn get_organization(
        &self,
        credential: &MakeCredential,
        organization_id: u64,
    ) -> Result<Organization, MakeError> {
        let id = organization_id.to_string();
        let rate_key = RateKey::Organization(credential.zone, organization_id);

        let envelope: OrganizationEnvelope = self
            .send(
                credential,
                get(&["organizations", &id], Vec::new(), rate_key),
            )
            .await?;

        self.learn_limit(credential, &envelope.organization);
        Ok(envelope.organization)
    }

    /// `GET /teams?organizationId=`.
    pub async fn list_teams(
        &self,
        credential: &MakeCredential,
        organization_id: u64,
        page: &PageRequest,
    ) -> Result<TeamList, MakeError> {
        let rate_key = RateKey::Organization(credential.zone, organization_id);
        let mut query = vec![("organizationId", organization_id.to_string())];
        query.extend(page_query(page));

        let list: TeamList = self
            .send(credential, get(&["teams"], query, rate_key))
            .await?;

        for team in &list.teams {
            let zone = credential.zone;
            self.directory()
                .learn_team(zone, team.id, team.organization_id);
        }
        Ok(list)
    }

    /// `GET /connections?teamId=`.
    pub async fn list_connections(
        &self,
        credential: &MakeCredential,
        team_id: u64,
        page: &PageRequest,
    ) -> Result<ConnectionList, MakeError> {
        let (query, rate_key) = self.team_query(credential, team_id, page);

        self.send(credential, get(&["connections"], query, rate_key))
            .await
    }

    /// `GET /hooks?teamId=`.
    pub async fn list_hooks(
        &self,
        credential: &MakeCredential,
        team_id: u64,
        page: &PageRequest,
    ) -> Result<HookList, MakeError> {
        let (query, rate_key) = self.team_query(credential, team_id, page);

        self.send(credential, get(&["hooks"], query, rate_key))
            .await
    }

    /// `GET /users/me`: who the credential belongs to.
    pub async fn me(&self, credential: &MakeCredential) -> Result<AuthUser, MakeError> {
        let rate_key = RateKey::Unscoped(credential.zone);

        let envelope: AuthUserEnvelope = self
            .send(credential, get(&["users", "me"], Vec::new(), rate_key))
            .await?;

        Ok(envelope.auth_user)
    }

    /// The query and bucket of a listing scoped to a team.
    fn team_query(
        &self,
        credential: &MakeCredential,
        team_id: u64,
        page: &PageRequest,
    ) -> (Vec<(&'static str, String)>, RateKey) {
        let mut query = vec![("teamId", team_id.to_string())];
        query.extend(page_query(page));

        (query, self.directory().team_key(credential.zone, team_id))
    }

    fn learn_scenario(&self, credential: &MakeCredential, scenario: &Scenario) {
        self.directory()
            .learn_scenario(credential.zone, scenario.id, scenario.team_id);
    }

    fn learn_limit(&self, credential: &MakeCredential, organization: &Organization) {
        let limit = organization.license.as_ref().and_then(|l| l.api_limit);

        if let Some(limit) = limit {
            self.set_org_limit(credential.zone, organization.id, limit);
        }
    }
}

/// An idempotent GET.
fn get<'a>(path: &'a [&'a str], query: Vec<(&'static str, String)>, rate_key: RateKey) -> Call<'a> {
    Call {
        method: Method::GET,
        path,
        query,
        body: None,
        rate_key,
        idempotent: true,
    }
}

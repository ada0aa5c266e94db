//! The grants: a consent becomes a code, a code becomes a token family, a
//! refresh token rotates, and any token can be revoked.
//!
//! Round trips to Redis, per call: consent 1 (store the code); code
//! exchange 3 (redeem, save the session, create the family); refresh 3
//! (look up, save the session, swap); a revocation 2 or more.

use serde::Serialize;

use super::authorization_server::AuthorizationServer;
use super::authorize_request::AuthorizeRequest;
use super::code::{CodeGrant, Redemption};
use super::error::{ErrorCode, OAuthError};
use super::family::{FamilyGrant, IssuedPair, RefreshLookup, Rotation};
use super::opaque::OpaqueToken;
use super::params::Params;
use crate::make::MakeCredential;
use crate::session::{Session, TokenHash, unix_now};

/// A successful token response (RFC 6749 5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// The refresh token.
    pub refresh_token: String,
    /// Granted scopes, space separated.
    pub scope: String,
}

impl TokenResponse {
    fn from_pair(pair: &IssuedPair) -> Self {
        Self {
            access_token: pair.access_token.clone(),
            token_type: "Bearer",
            expires_in: pair.access_expires_at.saturating_sub(unix_now()),
            refresh_token: pair.refresh_token.clone(),
            scope: pair.scope.clone(),
        }
    }
}

/// A stable, non-secret user id for a Make.com credential: the same token
/// in the same zone is the same user, so `revoke_user` finds all of them.
///
/// A plain SHA-256 is enough while Make.com tokens are long random strings;
/// should short or guessable secrets appear, this must become an HMAC with
/// a server key so the id cannot be used to test guesses.
pub fn user_id_of(credential: &MakeCredential) -> String {
    let zone = serde_json::to_string(&credential.zone).unwrap_or_default();
    let digest = TokenHash::of(&format!("{zone}:{}", credential.secret.expose()));
    format!("make-{}", &digest.to_hex()[..24])
}

impl AuthorizationServer {
    /// Issues a code for a checked request the user approved.
    pub async fn approve(
        &self,
        request: &AuthorizeRequest,
        credential: MakeCredential,
    ) -> Result<OpaqueToken, OAuthError> {
        let ttl = self.settings().effective_code_ttl();
        let grant = CodeGrant {
            client_id: request.client.client_id.clone(),
            redirect_uri: request.redirect_uri.clone(),
            challenge: request.challenge.clone(),
            scopes: request.scopes.clone(),
            resource: request.resource.clone(),
            user_id: user_id_of(&credential),
            credential,
            expires_at: unix_now() + ttl.as_secs(),
        };
        Ok(self.grants().issue_code(&grant, ttl).await?)
    }

    /// `grant_type=authorization_code`.
    ///
    /// Requests that are malformed fail before the code is touched; once
    /// redeemed, the code is gone whatever the outcome, so a code is never
    /// tried twice (a wrong verifier burns it).
    pub async fn exchange_code(&self, params: &Params) -> Result<TokenResponse, OAuthError> {
        let client_id = self.known_client(params).await?;
        let code = OpaqueToken::from_wire(params.require("code")?);
        let redirect_uri = params.require("redirect_uri")?;
        let verifier = params.require("code_verifier")?;

        let family = OpaqueToken::generate();
        let grant = match self.grants().redeem_code(&code, family.expose()).await? {
            Redemption::Fresh(grant) => grant,
            Redemption::Reused { family } => {
                self.revoke_family(&family).await?;
                return Err(OAuthError::invalid_grant(
                    "the code was already used; the tokens issued from it are revoked",
                ));
            }
            Redemption::Unknown => {
                return Err(OAuthError::invalid_grant("the code is unknown or expired"));
            }
        };

        check_code_binding(&grant, &client_id, redirect_uri)?;
        grant
            .challenge
            .verify(verifier)
            .map_err(|error| OAuthError::invalid_grant(error.to_string()))?;
        self.check_same_resource(params.get("resource"), &grant.resource)?;

        self.start_family(family.expose(), grant).await
    }

    /// Saves the first access token and creates its family.
    async fn start_family(
        &self,
        family: &str,
        grant: CodeGrant,
    ) -> Result<TokenResponse, OAuthError> {
        let now = unix_now();
        let family_grant = FamilyGrant {
            client_id: grant.client_id,
            user_id: grant.user_id,
            scopes: grant.scopes,
            resource: grant.resource,
            credential: grant.credential,
            expires_at: now + self.settings().refresh_ttl.as_secs(),
        };
        let (pair, access, refresh) = self
            .save_new_pair(&family_grant, &family_grant.scopes)
            .await?;

        let created = self
            .grants()
            .create_family(
                family,
                &family_grant,
                &refresh,
                &access,
                self.settings().refresh_ttl,
            )
            .await?;
        if !created {
            self.delete_access(&access).await?;
            return Err(OAuthError::invalid_grant(
                "the code was already used; the tokens issued from it are revoked",
            ));
        }
        Ok(TokenResponse::from_pair(&pair))
    }

    /// `grant_type=refresh_token`, rotating the refresh token.
    pub async fn refresh(&self, params: &Params) -> Result<TokenResponse, OAuthError> {
        let client_id = self.known_client(params).await?;
        let old = OpaqueToken::from_wire(params.require("refresh_token")?).hash();

        let (family, grant) = match self.grants().lookup_refresh(&old).await? {
            RefreshLookup::Current { family, grant } => (family, grant),
            RefreshLookup::InGrace(pair) if pair.client_id == client_id => {
                return Ok(TokenResponse::from_pair(&pair));
            }
            RefreshLookup::Replayed { family } => {
                self.revoke_family(&family).await?;
                return Err(OAuthError::invalid_grant(
                    "the refresh token was already used; its family is revoked",
                ));
            }
            RefreshLookup::InGrace(_) | RefreshLookup::Unknown => {
                return Err(OAuthError::invalid_grant(
                    "the refresh token is unknown, expired or revoked",
                ));
            }
        };

        let now = unix_now();
        if grant.client_id != client_id || grant.expires_at <= now {
            return Err(OAuthError::invalid_grant(
                "the refresh token is unknown, expired or revoked",
            ));
        }
        self.check_same_resource(params.get("resource"), &grant.resource)?;
        let scopes = self.narrowed_scopes(params.get("scope"), &grant.scopes)?;

        self.rotate(&family, &old, &grant, &scopes).await
    }

    /// Issues the next pair and swaps it in, or returns the pair a
    /// concurrent refresh of the same token swapped in first.
    async fn rotate(
        &self,
        family: &str,
        old: &TokenHash,
        grant: &FamilyGrant,
        scopes: &[String],
    ) -> Result<TokenResponse, OAuthError> {
        let (pair, access, _) = self.save_new_pair(grant, scopes).await?;
        let family_ttl =
            std::time::Duration::from_secs(grant.expires_at.saturating_sub(unix_now()));
        let grace = self.settings().refresh_grace;

        match self
            .grants()
            .rotate(family, old, &pair, grace, family_ttl)
            .await?
        {
            Rotation::Rotated => Ok(TokenResponse::from_pair(&pair)),
            Rotation::LostTo(winner) => {
                self.delete_access(&access).await?;
                Ok(TokenResponse::from_pair(&winner))
            }
            Rotation::Gone => {
                self.delete_access(&access).await?;
                Err(OAuthError::invalid_grant(
                    "the refresh token is unknown, expired or revoked",
                ))
            }
        }
    }

    /// Mints a pair and saves its access token as a session.
    async fn save_new_pair(
        &self,
        grant: &FamilyGrant,
        scopes: &[String],
    ) -> Result<(IssuedPair, TokenHash, TokenHash), OAuthError> {
        let now = unix_now();
        let access = OpaqueToken::generate();
        let refresh = OpaqueToken::generate();
        let access_expires_at = (now + self.settings().access_ttl.as_secs()).min(grant.expires_at);

        let session = Session {
            user_id: grant.user_id.clone(),
            client_id: grant.client_id.clone(),
            scopes: scopes.to_vec(),
            audience: grant.resource.clone(),
            credential: grant.credential.clone(),
            created_at: now,
            expires_at: access_expires_at,
            last_activity: now,
            metadata: std::iter::once(("client".to_string(), grant.client_id.clone())).collect(),
        };
        let access_hash = access.hash();
        self.sessions().save(&access_hash, &session).await?;

        let pair = IssuedPair {
            access_token: access.expose().to_string(),
            refresh_token: refresh.expose().to_string(),
            access_expires_at,
            scope: scopes.join(" "),
            client_id: grant.client_id.clone(),
        };
        Ok((pair, access_hash, refresh.hash()))
    }

    /// RFC 7009: revokes a refresh token (with its family) or an access
    /// token of this client; unknown tokens are not an error.
    pub async fn revoke(&self, params: &Params) -> Result<(), OAuthError> {
        let client_id = self.known_client(params).await?;
        let hash = OpaqueToken::from_wire(params.require("token")?).hash();

        if let RefreshLookup::Current { family, grant } =
            self.grants().lookup_refresh(&hash).await?
        {
            if grant.client_id == client_id {
                self.revoke_family(&family).await?;
            }
            return Ok(());
        }
        if let Some(session) = self.sessions().load(&hash).await?
            && session.client_id == client_id
        {
            self.delete_access(&hash).await?;
        }
        Ok(())
    }

    /// The `client_id` parameter, naming a known client.
    async fn known_client(&self, params: &Params) -> Result<String, OAuthError> {
        let client_id = params.require("client_id")?;
        match self.clients().get(client_id).await? {
            Some(_) => Ok(client_id.to_string()),
            None => Err(OAuthError::new(
                ErrorCode::InvalidClient,
                "the client is not registered",
            )),
        }
    }

    fn check_same_resource(&self, named: Option<&str>, granted: &str) -> Result<(), OAuthError> {
        match named {
            Some(named) if self.check_resource(Some(named)).ok().as_deref() != Some(granted) => {
                Err(OAuthError::new(
                    ErrorCode::InvalidTarget,
                    "the resource differs from the grant's",
                ))
            }
            _ => Ok(()),
        }
    }

    /// A refresh may ask for fewer scopes than granted, never more.
    fn narrowed_scopes(
        &self,
        scope: Option<&str>,
        granted: &[String],
    ) -> Result<Vec<String>, OAuthError> {
        let Some(scope) = scope else {
            return Ok(granted.to_vec());
        };
        let asked = self.check_scopes(Some(scope))?;
        if asked.iter().all(|name| granted.contains(name)) {
            Ok(asked)
        } else {
            Err(OAuthError::new(
                ErrorCode::InvalidScope,
                "a refresh cannot widen the granted scopes",
            ))
        }
    }
}

fn check_code_binding(
    grant: &CodeGrant,
    client_id: &str,
    redirect_uri: &str,
) -> Result<(), OAuthError> {
    if grant.expires_at <= unix_now() {
        return Err(OAuthError::invalid_grant("the code is unknown or expired"));
    }
    if grant.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            "the code was issued to another client",
        ));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "redirect_uri differs from the authorization request's",
        ));
    }
    Ok(())
}

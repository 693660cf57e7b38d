//! Tokens: issued from a client's app_key and app_secret, two hours on the tenant
//! clock; static tokens from the scenario never expire.

use super::*;
use crate::providers::opcard::error::OpError;
use crate::providers::opcard::state::Token;
use crate::tenant::World;

/// Issues a token for a client, valid for two hours on the tenant clock.
pub fn issue_token(world: &mut World, app_key: &str, app_secret: &str) -> Result<String, OpError> {
    settings(world)?;
    let client = world
        .opcard
        .clients
        .iter()
        .find(|c| c.app_key == app_key)
        .ok_or_else(|| OpError::unauthorized(format!("unknown app_key {app_key:?}")))?;
    if client.app_secret != app_secret {
        return Err(OpError::unauthorized(
            "app_secret does not match the app_key",
        ));
    }
    let token = world.ids.hex(32);
    let expires_at = world.now().plus_secs(TOKEN_SECONDS);
    world.opcard.tokens.insert(
        token.clone(),
        Token {
            app_key: app_key.to_owned(),
            expires_at,
        },
    );
    Ok(token)
}

/// Accepts a static token of the scenario or an issued one that has not expired.
pub fn check_token(world: &World, token: &str) -> Result<(), OpError> {
    settings(world)?;
    if world
        .opcard
        .clients
        .iter()
        .any(|c| c.static_token.as_deref() == Some(token))
    {
        return Ok(());
    }
    match world.opcard.tokens.get(token) {
        Some(t) if t.expires_at > world.now() => Ok(()),
        Some(_) => Err(OpError::unauthorized(
            "the token has expired; get a new one from POST /card-api/v1/auth/token",
        )),
        None => Err(OpError::unauthorized(
            "unknown token; send Authorization: <token> from POST /card-api/v1/auth/token",
        )),
    }
}

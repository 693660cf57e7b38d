//! Tokens: issued from a client's app_key and app_secret, two hours on the clock the
//! tenant authenticates on (`Clock::auth`: the wall clock unless the scenario says
//! `clock.auth: tenant`); static tokens from the scenario never expire.

use super::*;
use crate::providers::opcard::error::OpError;
use crate::providers::opcard::state::Token;
use crate::tenant::World;

/// Issues a token for a client, valid for two hours.
pub(crate) fn issue_token(
    world: &mut World,
    app_key: &str,
    app_secret: &str,
) -> Result<String, OpError> {
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
    let now = world.now();
    // Expired tokens go an hour after expiry (a late caller still hears "expired"), and
    // the oldest go first beyond the tenant's credential limit.
    let clock = &world.clock;
    let swept = world
        .opcard
        .tokens
        .sweep(|t| clock.has_lapsed(t.expires_at, t.wall_expires_at, 3600));
    world.opcard.retired.extend(swept);
    let token = world.secret(32);
    let expires_at = now.plus_secs(TOKEN_SECONDS);
    let wall_expires_at = world.clock.wall_expiry(TOKEN_SECONDS);
    let dropped = world.opcard.tokens.insert(
        token.clone(),
        Token {
            app_key: app_key.to_owned(),
            expires_at,
            wall_expires_at,
        },
    );
    world.opcard.retired.extend(dropped);
    Ok(token)
}

/// Accepts a static token of the scenario or an issued one that has not expired.
pub(crate) fn check_token(world: &World, token: &str) -> Result<(), OpError> {
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
        Some(t) if !world.clock.has_lapsed(t.expires_at, t.wall_expires_at, 0) => Ok(()),
        Some(_) => Err(OpError::unauthorized(
            "the token has expired; get a new one from POST /card-api/v1/auth/token",
        )),
        None => Err(OpError::unauthorized(
            "unknown token; send Authorization: <token> from POST /card-api/v1/auth/token",
        )),
    }
}

//! OAuth: single-use codes (5 minutes), access tokens (86400 s) and single-use refresh
//! tokens. Lifetimes count on the clock the tenant authenticates on (`Clock::auth`:
//! the wall clock unless the scenario says `clock.auth: tenant`). Each kind keeps at most the tenant's credential limit
//! (oldest dropped first); expired codes and tokens are swept an hour after they
//! expire (so a late caller still hears "expired"), when new ones are issued.

use super::*;
use crate::providers::interlace::error::IlError;
use crate::providers::interlace::state::{AccessToken, AuthCode};
use crate::tenant::World;

/// `oauth/authorize`: a single-use code valid for five minutes.
pub(crate) fn authorize(world: &mut World, client_id: &str) -> Result<String, IlError> {
    enabled(world)?;
    if !world
        .interlace
        .clients
        .iter()
        .any(|c| c.client_id == client_id)
    {
        return Err(IlError::unauthorized(format!(
            "unknown clientId {client_id:?}"
        )));
    }
    let now = world.now();
    let clock = &world.clock;
    world
        .interlace
        .codes
        .sweep(|c| clock.has_lapsed(c.expires_at, c.wall_expires_at, SWEEP_GRACE_SECONDS));
    let code = world.secret(32);
    let expires_at = now.plus_secs(CODE_SECONDS);
    let wall_expires_at = world.clock.wall_expiry(CODE_SECONDS);
    world.interlace.codes.insert(
        code.clone(),
        AuthCode {
            client_id: client_id.to_owned(),
            expires_at,
            wall_expires_at,
            used: false,
        },
    );
    Ok(code)
}

/// How long after expiry a code or token is still known (and answers "expired").
const SWEEP_GRACE_SECONDS: i64 = 3600;

fn issue(world: &mut World, client_id: &str) -> (String, String) {
    let now = world.now();
    let clock = &world.clock;
    let swept = world
        .interlace
        .tokens
        .sweep(|t| clock.has_lapsed(t.expires_at, t.wall_expires_at, SWEEP_GRACE_SECONDS));
    world.interlace.retired.extend(swept);
    let access = world.secret(40);
    let refresh = world.secret(64);
    let expires_at = now.plus_secs(TOKEN_SECONDS);
    let wall_expires_at = world.clock.wall_expiry(TOKEN_SECONDS);
    let dropped = world.interlace.tokens.insert(
        access.clone(),
        AccessToken {
            client_id: client_id.to_owned(),
            expires_at,
            wall_expires_at,
        },
    );
    world.interlace.retired.extend(dropped);
    world
        .interlace
        .refresh_tokens
        .insert(refresh.clone(), client_id.to_owned());
    (access, refresh)
}

/// `oauth/access-token`: exchanges a fresh code and the client's secret for tokens.
pub(crate) fn access_token(
    world: &mut World,
    client_id: &str,
    client_secret: &str,
    code: &str,
) -> Result<(String, String), IlError> {
    enabled(world)?;
    let client = world
        .interlace
        .clients
        .iter()
        .find(|c| c.client_id == client_id)
        .ok_or_else(|| IlError::unauthorized(format!("unknown clientId {client_id:?}")))?;
    if client.client_secret != client_secret {
        return Err(IlError::unauthorized(
            "clientSecret does not match the clientId",
        ));
    }
    let clock = world.clock.clone();
    match world.interlace.codes.get_mut(code) {
        Some(c)
            if c.client_id == client_id
                && !c.used
                && !clock.has_lapsed(c.expires_at, c.wall_expires_at, 0) =>
        {
            c.used = true
        }
        Some(c) if c.used => {
            return Err(IlError::unauthorized(
                "the code was used already; get a new one from oauth/authorize",
            ));
        }
        Some(c) if c.client_id == client_id => {
            return Err(IlError::unauthorized(
                "the code has expired (codes last 5 minutes); get a new one",
            ));
        }
        _ => {
            return Err(IlError::unauthorized(
                "unknown code; get one from oauth/authorize",
            ));
        }
    }
    Ok(issue(world, client_id))
}

/// `oauth/refresh-token`: a new token pair for a refresh token (which is used up).
pub(crate) fn refresh(
    world: &mut World,
    client_id: &str,
    refresh_token: &str,
) -> Result<(String, String), IlError> {
    enabled(world)?;
    match world.interlace.refresh_tokens.get(refresh_token) {
        Some(owner) if owner == client_id => {}
        _ => {
            return Err(IlError::unauthorized(
                "unknown refreshToken for this clientId",
            ));
        }
    }
    world.interlace.refresh_tokens.remove(refresh_token);
    Ok(issue(world, client_id))
}

/// Accepts an access token that exists and has not lapsed (on the clock the tenant
/// authenticates on).
pub(crate) fn check_token(world: &World, token: &str) -> Result<(), IlError> {
    enabled(world)?;
    match world.interlace.tokens.get(token) {
        Some(t) if !world.clock.has_lapsed(t.expires_at, t.wall_expires_at, 0) => Ok(()),
        Some(_) => Err(IlError::unauthorized(
            "the access token has expired; get a new one (oauth/access-token or oauth/refresh-token)",
        )),
        None => Err(IlError::unauthorized(
            "unknown access token; send x-access-token from oauth/access-token",
        )),
    }
}

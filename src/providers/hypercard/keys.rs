//! The sandbox's published HyperCard test keys (`scenarios/keys/`), built into the
//! binary: the platform pair the sandbox signs push notifications with (merchants verify
//! them with the public half), and the merchant pair the default scenario trusts.
//! Test keys only: they are public, so nothing real may ever trust them.

/// What merchants verify the sandbox's push signatures with.
pub const PLATFORM_PUBLIC_KEY_PEM: &str =
    include_str!("../../../scenarios/keys/hypercard-platform.pub.pem");
/// What the sandbox signs push notifications with.
pub const PLATFORM_PRIVATE_KEY_PEM: &str =
    include_str!("../../../scenarios/keys/hypercard-platform.pem");
/// The default scenario's merchant key pair.
pub const MERCHANT_PUBLIC_KEY_PEM: &str =
    include_str!("../../../scenarios/keys/hypercard-merchant.pub.pem");
pub const MERCHANT_PRIVATE_KEY_PEM: &str =
    include_str!("../../../scenarios/keys/hypercard-merchant.pem");

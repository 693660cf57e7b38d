//! What generated card spend looks like: merchant categories with their merchants and
//! the amounts they charge, the cities merchants are in, subscriptions, and cardholder
//! names. Plain data; the generators draw from it with the tenant's seeded RNG.

use rust_decimal::Decimal;

use crate::tenant::World;

/// A merchant category: its MCC, the merchants that sell in it and what one purchase
/// costs, in USD cents (`low`..=`high`, most purchases at or below `typical`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Category {
    pub(crate) mcc: &'static str,
    pub(crate) merchants: &'static [&'static str],
    pub(crate) low: i64,
    pub(crate) typical: i64,
    pub(crate) high: i64,
    /// How often this category is drawn, relative to the others.
    pub(crate) weight: i64,
}

/// Everyday categories, weighted by how often a card is used in them.
pub(crate) const CATEGORIES: [Category; 12] = [
    Category {
        mcc: "5814",
        merchants: &[
            "CORNER COFFEE CO",
            "DAILY GRIND CAFE",
            "BURGER BARN",
            "NOODLE EXPRESS",
            "BAGEL STOP",
            "TACO STAND",
        ],
        low: 250,
        typical: 900,
        high: 3_500,
        weight: 22,
    },
    Category {
        mcc: "5411",
        merchants: &[
            "FRESH MARKET",
            "GREEN GROCER",
            "CITY SUPERMARKET",
            "FAMILY FOODS",
            "ORCHARD FARM STORE",
        ],
        low: 400,
        typical: 4_500,
        high: 22_000,
        weight: 18,
    },
    Category {
        mcc: "5812",
        merchants: &[
            "THE OLIVE TREE",
            "HARBOUR BISTRO",
            "SAKURA SUSHI",
            "LA TRATTORIA",
            "SPICE ROUTE KITCHEN",
        ],
        low: 1_500,
        typical: 5_500,
        high: 25_000,
        weight: 12,
    },
    Category {
        mcc: "4121",
        merchants: &["METRO TAXI", "CITYCAB", "RIDESHARE TRIP", "AIRPORT SHUTTLE"],
        low: 600,
        typical: 1_800,
        high: 9_000,
        weight: 10,
    },
    Category {
        mcc: "5999",
        merchants: &["GENERAL STORE", "HOME AND GARDEN", "PHARMACY PLUS"],
        low: 300,
        typical: 2_500,
        high: 15_000,
        weight: 8,
    },
    Category {
        mcc: "5817",
        merchants: &["APP STORE", "GAME SHOP ONLINE", "EBOOK STORE"],
        low: 99,
        typical: 999,
        high: 6_000,
        weight: 8,
    },
    Category {
        mcc: "5691",
        merchants: &["URBAN OUTFITTERS LTD", "DENIM AND CO", "SHOE GALLERY"],
        low: 1_500,
        typical: 6_000,
        high: 30_000,
        weight: 6,
    },
    Category {
        mcc: "4814",
        merchants: &["MOBILE TOP-UP", "TELECOM ONLINE"],
        low: 500,
        typical: 2_500,
        high: 8_000,
        weight: 5,
    },
    Category {
        mcc: "5942",
        merchants: &["PAGE TURNER BOOKS", "CORNER BOOKSHOP"],
        low: 600,
        typical: 1_800,
        high: 7_000,
        weight: 4,
    },
    Category {
        mcc: "5732",
        merchants: &["ELECTRO WORLD", "GADGET HUB", "COMPUTER CENTRE"],
        low: 1_500,
        typical: 9_000,
        high: 120_000,
        weight: 3,
    },
    Category {
        mcc: "7011",
        merchants: &["GRAND CENTRAL HOTEL", "HARBOURVIEW INN", "CITY LODGE"],
        low: 8_000,
        typical: 18_000,
        high: 90_000,
        weight: 2,
    },
    Category {
        mcc: "4511",
        merchants: &["SKYWAYS AIRLINES", "BLUE JET AIR", "EUROFLY"],
        low: 6_000,
        typical: 25_000,
        high: 150_000,
        weight: 2,
    },
];

/// Monthly subscriptions: merchant, MCC, price in USD cents.
pub(crate) const SUBSCRIPTIONS: [(&str, &str, i64); 8] = [
    ("STREAMFLIX.COM", "4899", 1_549),
    ("MUSICBOX PREMIUM", "5815", 1_099),
    ("CLOUDDRIVE STORAGE", "5817", 299),
    ("CODEHOST PRO", "5817", 400),
    ("DESIGNKIT TEAM", "5734", 1_500),
    ("NEWS DAILY DIGITAL", "5994", 1_200),
    ("FITCLUB MEMBERSHIP", "7997", 3_999),
    ("VPN SHIELD", "5817", 999),
];

/// Cities merchants are in: city, ISO alpha-3 country, the local currency and how many
/// units of it one USD buys (a fixed table: generated history needs no live rates).
pub(crate) const CITIES: [(&str, &str, &str, &str); 14] = [
    ("NEW YORK", "USA", "USD", "1"),
    ("SAN FRANCISCO", "USA", "USD", "1"),
    ("CHICAGO", "USA", "USD", "1"),
    ("AUSTIN", "USA", "USD", "1"),
    ("SEATTLE", "USA", "USD", "1"),
    ("MIAMI", "USA", "USD", "1"),
    ("LONDON", "GBR", "GBP", "0.79"),
    ("MANCHESTER", "GBR", "GBP", "0.79"),
    ("PARIS", "FRA", "EUR", "0.92"),
    ("BERLIN", "DEU", "EUR", "0.92"),
    ("AMSTERDAM", "NLD", "EUR", "0.92"),
    ("SINGAPORE", "SGP", "SGD", "1.34"),
    ("HONG KONG", "HKG", "HKD", "7.8"),
    ("TOKYO", "JPN", "JPY", "150"),
];

/// The first six cities are home cities (US); the rest are where travel takes a card.
pub(crate) const HOME_CITIES: usize = 6;

/// First and last names cardholder names are drawn from.
pub(crate) const FIRST_NAMES: [&str; 16] = [
    "Olivia", "Liam", "Amelia", "Noah", "Sofia", "Mateo", "Priya", "Wei", "Hannah", "Omar",
    "Chloe", "Lucas", "Aisha", "Daniel", "Mei", "Jonas",
];
pub(crate) const LAST_NAMES: [&str; 16] = [
    "Carter", "Nguyen", "Okafor", "Schmidt", "Rossi", "Tanaka", "Patel", "Garcia", "Kowalski",
    "Haddad", "Silva", "Brennan", "Larsen", "Chen", "Dubois", "Moreau",
];

/// A category drawn by weight.
pub(crate) fn category(world: &mut World) -> &'static Category {
    let total: i64 = CATEGORIES.iter().map(|c| c.weight).sum();
    let mut roll = world.rng.int_between(1, total);
    for c in &CATEGORIES {
        if roll <= c.weight {
            return c;
        }
        roll -= c.weight;
    }
    &CATEGORIES[0]
}

/// A purchase amount in USD for `category`: most near its typical price, a few up to
/// its highest (the larger of two draws from a triangle around the typical price).
pub(crate) fn amount(world: &mut World, category: &Category) -> Decimal {
    let below = world.rng.int_between(category.low, category.typical);
    let above = world.rng.int_between(category.typical, category.high);
    let cents = if world.rng.chance(0.8) { below } else { above };
    Decimal::new(cents, 2)
}

/// A category of big purchases (electronics, hotels, airlines): what a card short of
/// money is declined for.
pub(crate) fn big_ticket(world: &mut World) -> &'static Category {
    let big: Vec<&'static Category> = CATEGORIES.iter().filter(|c| c.high >= 90_000).collect();
    world.rng.pick(&big).copied().unwrap_or(&CATEGORIES[0])
}

/// A merchant name drawn from `category`.
pub(crate) fn merchant(world: &mut World, category: &Category) -> &'static str {
    world
        .rng
        .pick(category.merchants)
        .copied()
        .unwrap_or("GENERAL STORE")
}

/// A cardholder's name, "First Last".
pub(crate) fn person(world: &mut World) -> String {
    let first = world.rng.pick(&FIRST_NAMES).copied().unwrap_or("Alex");
    let last = world.rng.pick(&LAST_NAMES).copied().unwrap_or("Morgan");
    format!("{first} {last}")
}

/// A city index: the card's `home` mostly, another home city at times, abroad rarely
/// (`abroad` is the chance).
pub(crate) fn city(world: &mut World, home: usize, abroad: f64) -> usize {
    if world.rng.chance(abroad) {
        let i = world
            .rng
            .int_between(HOME_CITIES as i64, CITIES.len() as i64 - 1);
        return usize::try_from(i).unwrap_or(0);
    }
    if world.rng.chance(0.8) {
        return home;
    }
    usize::try_from(world.rng.int_between(0, HOME_CITIES as i64 - 1)).unwrap_or(0)
}

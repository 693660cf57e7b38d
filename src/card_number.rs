//! Card numbers every provider hands out: the Luhn check, and the one digit that makes a
//! number pass it. Provider-neutral, so each provider's card details share it.

/// The Luhn check over a string of digits (false for an empty or non-digit string).
pub fn luhn_valid(number: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in number.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !number.is_empty() && sum.is_multiple_of(10)
}

/// `head` + one digit + `tail`, the digit chosen so the whole passes Luhn.
pub fn with_check_digit(head: &str, tail: &str) -> String {
    (b'0'..=b'9')
        .map(|d| format!("{head}{}{tail}", char::from(d)))
        .find(|n| luhn_valid(n))
        .unwrap_or_else(|| format!("{head}0{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_digit_anywhere_makes_the_number_pass() {
        assert!(luhn_valid("4111111111111111"));
        assert!(!luhn_valid("4111111111111112"));
        assert!(!luhn_valid(""));
        for (head, tail) in [
            ("53199312345", "6789"),
            ("4931930", "00001111"),
            ("", "1234"),
        ] {
            let n = with_check_digit(head, tail);
            assert!(
                luhn_valid(&n) && n.starts_with(head) && n.ends_with(tail),
                "{n}"
            );
        }
    }
}

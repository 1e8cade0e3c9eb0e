//! Masking personal data before a question is stored in the query log: e-mail addresses, phone
//! numbers (international, Chinese mobile and landline, North American), payment-card-like digit
//! runs and Chinese resident ID numbers. Masks keep the kind of data visible (`[email]`) so
//! analytics stay readable.

use std::sync::OnceLock;

use regex::Regex;

struct Masks {
    rules: Vec<(Regex, &'static str)>,
}

fn masks() -> &'static Masks {
    static MASKS: OnceLock<Masks> = OnceLock::new();
    MASKS.get_or_init(|| {
        let rule = |pattern: &str, mask: &'static str| {
            (Regex::new(pattern).expect("masking patterns are valid"), mask)
        };
        Masks {
            rules: vec![
                rule(r"(?i)[\p{L}\p{N}._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}", "[email]"),
                // International numbers first (+86 138 1234 5678), before their digits look like a card.
                // A `00` prefix counts only where a number starts — not after a digit, nor after a
                // digit group and a separator: inside a card or ID number it would mask a
                // phone-shaped tail and leave the leading digits.
                rule(
                    r"(?:\+|(?P<before>^|[^\d \-]|(?:^|[^\d])[ \-])00)\d{1,3}[ \-]?(?:\(?\d{1,4}\)?[ \-]?)?\d{3,4}[ \-]?\d{3,4}(?:[ \-]?\d{1,4})?",
                    "${before}[phone]",
                ),
                // Chinese resident ID: 17 digits and a digit or X.
                rule(r"(?-u:\b)\d{17}[\dXx](?-u:\b)", "[id-number]"),
                // Card-like: 13 to 19 digits, optionally grouped by spaces or dashes.
                rule(r"(?-u:\b)\d(?:[ \-]?\d){12,18}(?-u:\b)", "[card]"),
                // Chinese mobiles, landlines and (555) 123-4567.
                rule(r"(?-u:\b)1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}(?-u:\b)", "[phone]"),
                rule(r"\(?(?-u:\b)\d{3,4}\)?[ \-.]\d{3,4}[ \-.]\d{4}(?-u:\b)", "[phone]"),
            ],
        }
    })
}

/// The text with personal data replaced by masks.
pub fn mask(text: &str) -> String {
    let mut out = text.to_owned();
    for (pattern, replacement) in &masks().rules {
        out = pattern.replace_all(&out, *replacement).into_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    fn check(input: &str, expected: &str) {
        assert_eq!(mask(input), expected, "masking {input:?}");
    }

    #[test]
    fn masks_personal_data_in_english_and_chinese() {
        check(
            "mail me at jo.doe+x@example.co.uk please",
            "mail me at [email] please",
        );
        check("我的邮箱是 王小明@qq.com 吗", "我的邮箱是 [email] 吗");
        check("call +86 138 1234 5678 now", "call [phone] now");
        check("电话13812345678谢谢", "电话[phone]谢谢");
        check("+8613812345678", "[phone]");
        check("my number is (555) 123-4567", "my number is [phone]");
        check("office 010-6552 1234", "office [phone]");
        check(
            "card 4111 1111 1111 1111 was charged",
            "card [card] was charged",
        );
        check("卡号4111111111111111", "卡号[card]");
        check("身份证 11010519491231002X 丢了", "身份证 [id-number] 丢了");
        check(
            "how much is the X200 with 2 year warranty",
            "how much is the X200 with 2 year warranty",
        );
        check("error E42 on order 1234", "error E42 on order 1234");
        check("call 0086 138 1234 5678", "call [phone]");
    }

    #[test]
    fn zeros_inside_card_and_id_numbers_are_not_phone_prefixes() {
        // Found by `personal_data_in_any_text_is_masked`: "3000000000000" became "3[phone]".
        check(" 3000000000000 ", " [card] ");
        check("card 4000 0012 3456 7899 ok", "card [card] ok");
        check("3000 0000 0000 000", "[card]");
        check("tel:0086-138-1234-5678", "tel:[phone]");
        check("身份证 110100199001011234", "身份证 [id-number]");
    }

    mod properties {
        use proptest::prelude::*;

        use super::mask;

        /// Text around personal data: any characters but digits and the ones that can belong to
        /// an address or a number (`@`, `+`, `.`, `-`, `(`), so what the mask leaves is checkable.
        fn surroundings() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-zA-Z ,!?:;]{0,30}",
                proptest::collection::vec(any::<char>(), 0..30).prop_map(|chars| chars
                    .into_iter()
                    .filter(|c| !c.is_numeric() && !"@+.-()".contains(*c))
                    .collect()),
                proptest::collection::vec(proptest::char::range('\u{4e00}', '\u{9fff}'), 0..10)
                    .prop_map(|chars| chars.into_iter().collect()),
            ]
        }

        fn grouped(digits: &str, sep: &str, size: usize) -> String {
            digits
                .as_bytes()
                .chunks(size)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(sep)
        }

        /// E-mail addresses, phone numbers (Chinese mobiles, +86 and 0086, landlines, North
        /// American), payment cards and Chinese resident ID numbers, in their usual spellings.
        fn personal_data() -> impl Strategy<Value = String> {
            let sep = prop::sample::select(vec!["", " ", "-"]);
            let mobile = ("1[3-9][0-9]", "[0-9]{4}", "[0-9]{4}");
            prop_oneof![
                "[a-z0-9][a-z0-9._%+-]{0,15}@[a-z0-9-]{1,10}(\\.[a-z0-9-]{1,8}){0,2}\\.[a-z]{2,6}",
                (mobile, sep.clone()).prop_map(|((a, b, c), s)| format!("{a}{s}{b}{s}{c}")),
                (
                    prop::sample::select(vec!["+86", "+86 ", "+86-", "0086 ", "+1 "]),
                    mobile,
                    sep.clone()
                )
                    .prop_map(|(p, (a, b, c), s)| format!("{p}{a}{s}{b}{s}{c}")),
                ("0[1-9][0-9]{1,2}", "[1-9][0-9]{3}", "[0-9]{4}")
                    .prop_map(|(a, b, c)| format!("{a}-{b} {c}")),
                ("[2-9][0-9]{2}", "[2-9][0-9]{2}", "[0-9]{4}")
                    .prop_map(|(a, b, c)| format!("({a}) {b}-{c}")),
                ("[3-6][0-9]{12,18}", sep).prop_map(|(d, s)| grouped(&d, s, 4)),
                "[1-8][0-9]{16}[0-9X]",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(10_000))]

            #[test]
            fn masking_takes_any_text(text in proptest::collection::vec(any::<char>(), 0..300)) {
                let text: String = text.into_iter().collect();
                mask(&text);
            }

            #[test]
            fn personal_data_in_any_text_is_masked(
                before in surroundings(),
                data in personal_data(),
                after in surroundings(),
            ) {
                let text = format!("{before} {data} {after}");
                let masked = mask(&text);
                prop_assert!(
                    !masked.chars().any(|c| c.is_ascii_digit()) && !masked.contains('@'),
                    "{text:?} masked as {masked:?}"
                );
            }
        }
    }
}

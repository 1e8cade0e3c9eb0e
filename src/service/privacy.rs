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
                rule(
                    r"(?:\+|00)\d{1,3}[ \-]?(?:\(?\d{1,4}\)?[ \-]?)?\d{3,4}[ \-]?\d{3,4}(?:[ \-]?\d{1,4})?",
                    "[phone]",
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
    }
}

//! Word tokens: the unit both similarity signals are built from.

/// The words of one text, in scratch space reused from text to text: building a
/// 200,000-product catalog allocates per text at most, never per word.
///
/// A word is a maximal run of characters for which [`char::is_alphanumeric`] holds
/// (Unicode `Alphabetic` or `Numeric`); everything else separates words. Each word is
/// lowercased as [`str::to_lowercase`] does. This is the one place the rule is written.
///
/// # Examples
/// ```
/// let mut words = shop_recs::tokens::WordBuffer::default();
/// words.fill("Red-Lipstick, 2 PACK! red");
/// assert_eq!(words.iter().collect::<Vec<_>>(), ["red", "lipstick", "2", "pack", "red"]);
/// words.sort_dedup();
/// assert_eq!(words.iter().collect::<Vec<_>>(), ["2", "lipstick", "pack", "red"]);
/// ```
#[derive(Debug, Default)]
pub struct WordBuffer {
    /// The lowercased words, end to end.
    text: String,
    /// `(start, end)` byte range of each word within `text`, and its [`prefix_key`].
    spans: Vec<(usize, usize, u64)>,
}

impl WordBuffer {
    /// Replaces the contents with the words of `text`, in order of appearance.
    pub fn fill(&mut self, text: &str) {
        self.text.clear();
        self.spans.clear();
        self.push(text);
    }

    /// Appends the words of `text` after those already held.
    pub fn push(&mut self, text: &str) {
        if text.is_ascii() {
            self.push_ascii(text.as_bytes());
            return;
        }
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let start = self.text.len();
            if word.is_ascii() {
                self.text
                    .extend(word.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                // str::to_lowercase, not per-char: it knows the final-sigma rule.
                self.text.push_str(&word.to_lowercase());
            }
            self.spans.push((
                start,
                self.text.len(),
                prefix_key(&self.text.as_bytes()[start..]),
            ));
        }
    }

    /// [`WordBuffer::push`] for ASCII text, byte by byte: for ASCII, alphanumeric and
    /// lowercase are the ASCII rules, so the result is the same.
    fn push_ascii(&mut self, bytes: &[u8]) {
        let mut out = std::mem::take(&mut self.text).into_bytes();
        let mut i = 0;
        while i < bytes.len() {
            while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if start < i {
                let from = out.len();
                out.extend(bytes[start..i].iter().map(u8::to_ascii_lowercase));
                self.spans.push((from, out.len(), prefix_key(&out[from..])));
            }
        }
        // Only ASCII bytes were added to UTF-8 text.
        self.text = String::from_utf8(out).unwrap_or_default();
    }

    /// Keeps one copy of each word and sorts them by their bytes.
    pub fn sort_dedup(&mut self) {
        let text = self.text.as_bytes();
        // The first 8 bytes, big-endian, order most pairs without a byte comparison.
        self.spans.sort_unstable_by(|a, b| {
            a.2.cmp(&b.2)
                .then_with(|| text[a.0..a.1].cmp(&text[b.0..b.1]))
        });
        self.spans
            .dedup_by(|a, b| a.2 == b.2 && text[a.0..a.1] == text[b.0..b.1]);
    }

    /// The words held, in their current order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(start, end, _)| &self.text[start..end])
    }
}

/// A word's first 8 bytes as a big-endian number, zero-padded: comparing two keys
/// orders the words as their bytes do, except when the keys are equal (then the words
/// share their first 8 bytes, or one is the other followed by zero bytes) and the bytes
/// decide.
fn prefix_key(word: &[u8]) -> u64 {
    let mut key = [0u8; 8];
    let n = word.len().min(8);
    key[..n].copy_from_slice(&word[..n]);
    u64::from_be_bytes(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule written the plain way, as the reference the buffer is held to.
    fn naive_words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    fn words(text: &str) -> Vec<String> {
        let mut buffer = WordBuffer::default();
        buffer.fill(text);
        buffer.iter().map(str::to_string).collect()
    }

    fn word_set(text: &str) -> Vec<String> {
        let mut buffer = WordBuffer::default();
        buffer.fill(text);
        buffer.sort_dedup();
        buffer.iter().map(str::to_string).collect()
    }

    #[test]
    fn splits_on_non_alphanumerics_and_lowercases() {
        assert_eq!(
            words("Hello, WORLD! it's 4K-ready"),
            ["hello", "world", "it", "s", "4k", "ready"]
        );
    }

    #[test]
    fn keeps_unicode_letters_and_digits() {
        assert_eq!(
            words("Ärger über Café ١٢٣ 東京タワー"),
            ["ärger", "über", "café", "١٢٣", "東京タワー"]
        );
    }

    #[test]
    fn punctuation_and_emoji_only_gives_no_words() {
        assert!(words("!!! 🎉🎉 ... --- ???").is_empty());
        assert!(word_set("").is_empty());
    }

    #[test]
    fn word_buffer_matches_the_plain_rule_including_non_ascii() {
        let text = "ΟΔΟΣ Straße İstanbul ÉTÉ abc ABC";
        let mut buffer = WordBuffer::default();
        buffer.fill("left over from before");
        buffer.fill(text);
        let expected = naive_words(text);
        assert_eq!(buffer.iter().collect::<Vec<_>>(), expected);
        buffer.sort_dedup();
        let mut sorted = expected.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(buffer.iter().collect::<Vec<_>>(), sorted);
    }

    #[test]
    fn word_set_is_sorted_and_distinct() {
        assert_eq!(word_set("b a B c a"), ["a", "b", "c"]);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Both paths (all-ASCII texts, and texts with any character) against the plain
        /// rule, and the sort by prefix keys against a plain sort of the words.
        #[test]
        fn any_text_splits_and_sorts_as_the_plain_rule(
            ascii in "[ -~]{0,80}",
            any in "[a-zA-Z0-9 .,éÉΣσß東İ\u{10000}-]{0,60}",
            prefix in "[a-c]{8,9}",
        ) {
            for text in [ascii.as_str(), any.as_str(), &format!("{prefix} {prefix}a {prefix}\u{0} {ascii}")] {
                let expected = naive_words(text);
                proptest::prop_assert_eq!(words(text), expected.clone());
                let mut sorted = expected;
                sorted.sort();
                sorted.dedup();
                proptest::prop_assert_eq!(word_set(text), sorted);
            }
        }
    }
}

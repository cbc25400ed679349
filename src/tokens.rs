//! Word tokens: the unit both similarity signals are built from.

/// Splits `text` into lowercased words: maximal runs of Unicode alphanumeric characters.
///
/// A character belongs to a word when [`char::is_alphanumeric`] holds for it (Unicode
/// `Alphabetic` or `Numeric`); everything else separates words. Each word is lowercased
/// with [`str::to_lowercase`]. Words are yielded in order of appearance, repeats
/// included; callers that want a set sort and dedup.
///
/// # Examples
/// ```
/// let words: Vec<String> = shop_recs::tokens::words("Red-Lipstick, 2 PACK!").collect();
/// assert_eq!(words, ["red", "lipstick", "2", "pack"]);
/// ```
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// Returns the distinct words of `text`, sorted by their bytes.
///
/// Sorting makes the set's representation canonical, so two products with the same
/// words hold byte-identical token lists.
pub fn word_set(text: &str) -> Vec<String> {
    let mut buffer = WordBuffer::default();
    buffer.fill(text);
    buffer.sort_dedup();
    buffer.iter().map(str::to_string).collect()
}

/// Reusable scratch space that holds the words of one text without allocating per word.
///
/// Holds exactly the words [`words`] yields for the last text given to
/// [`WordBuffer::fill`]; building a 200,000-product catalog allocates per text at most.
#[derive(Debug, Default)]
pub struct WordBuffer {
    /// The lowercased words, end to end.
    text: String,
    /// `(start, end)` byte range of each word within `text`.
    spans: Vec<(usize, usize)>,
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
            self.spans.push((start, self.text.len()));
        }
    }

    /// Keeps one copy of each word and sorts them by their bytes.
    pub fn sort_dedup(&mut self) {
        let text = &self.text;
        self.spans
            .sort_unstable_by(|a, b| text[a.0..a.1].cmp(&text[b.0..b.1]));
        self.spans.dedup_by(|a, b| text[a.0..a.1] == text[b.0..b.1]);
    }

    /// The words held, in their current order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans
            .iter()
            .map(|&(start, end)| &self.text[start..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_non_alphanumerics_and_lowercases() {
        let got: Vec<String> = words("Hello, WORLD! it's 4K-ready").collect();
        assert_eq!(got, ["hello", "world", "it", "s", "4k", "ready"]);
    }

    #[test]
    fn keeps_unicode_letters_and_digits() {
        let got: Vec<String> = words("Ärger über Café ١٢٣ 東京タワー").collect();
        assert_eq!(got, ["ärger", "über", "café", "١٢٣", "東京タワー"]);
    }

    #[test]
    fn punctuation_and_emoji_only_gives_no_words() {
        assert_eq!(words("!!! 🎉🎉 ... --- ???").count(), 0);
        assert!(word_set("").is_empty());
    }

    #[test]
    fn word_buffer_matches_words_including_non_ascii() {
        let text = "ΟΔΟΣ Straße İstanbul ÉTÉ abc ABC";
        let mut buffer = WordBuffer::default();
        buffer.fill("left over from before");
        buffer.fill(text);
        let expected: Vec<String> = words(text).collect();
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
}

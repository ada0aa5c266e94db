//! Glob patterns over benchmark ids, for per-benchmark thresholds.
//!
//! Ids are short and patterns few, so a hand-written matcher beats a
//! dependency: `*` matches any run of characters (slashes included, since
//! ids are not paths), `?` matches one character, everything else matches
//! itself.

/// Whether `id` matches `pattern` in full.
pub fn matches(pattern: &str, id: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let id: Vec<char> = id.chars().collect();

    // Greedy matching with one backtrack point: the last `*` seen, and the
    // position in `id` it currently stands for. Linear in practice.
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < id.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == id[i]) {
            p += 1;
            i += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, i));
            p += 1;
        } else if let Some((star_p, star_i)) = star {
            p = star_p + 1;
            i = star_i + 1;
            star = Some((star_p, star_i + 1));
        } else {
            return false;
        }
    }

    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn literal_star_and_question_mark() {
        assert!(matches("crypto/aes", "crypto/aes"));
        assert!(!matches("crypto/aes", "crypto/aes2"));
        assert!(matches("crypto/*", "crypto/aes/1024"));
        assert!(matches("*/1024", "crypto/aes/1024"));
        assert!(matches("crypto/*/10?4", "crypto/aes/1024"));
        assert!(!matches("crypto/*/10?4", "crypto/aes/104"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "aXXbYYbc"));
        assert!(!matches("a*b*c", "aXXbYY"));
    }
}

//! Character classes every free-text rule shares (names, addresses,
//! notes, hearing fields): one table each, so a fix reaches all of them.

/// The Unicode bidirectional formatting characters: the Arabic letter
/// mark, the left-to-right and right-to-left marks, the embeddings and
/// overrides (U+202A–U+202E) and the isolates (U+2066–U+2069). Invisible
/// themselves, they reorder how the text around them is displayed, so a
/// record could read differently on screen than it does in the data.
pub(crate) fn is_bidi_control(character: char) -> bool {
    matches!(
        character,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties,
/// stable since Unicode 6): characters a renderer shows as nothing. Written
/// out because no general category captures it — U+3164 HANGUL FILLER is a
/// letter, the variation selectors are marks.
pub(crate) fn is_default_ignorable(character: char) -> bool {
    matches!(
        character,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Text that came from the network (a portal's explanation of a
/// refusal), made safe to store and show: controls, bidi controls and
/// invisible characters dropped, runs of whitespace (newlines included)
/// made one space, and cut to `max_chars` characters with "…". Never
/// trusted as anything but words for a person.
pub(crate) fn display_safe(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_control() || is_default_ignorable(c) || is_bidi_control(c) {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let needed = usize::from(pending_space) + 1;
        if count + needed > max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(c);
        count += 1;
    }
    out
}

/// Whether `code` looks like one of the API's stable codes: 1 to 64
/// lower-case ASCII letters, digits and underscores.
pub(crate) fn is_stable_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_text_is_made_safe_to_show() {
        assert_eq!(
            display_safe("line one\n\tline\u{202E} two\x1b[31m", 100),
            "line one line two[31m"
        );
        assert_eq!(display_safe("  \u{200B}\r\n", 100), "");
        assert_eq!(display_safe("abcdef", 3), "abc…");
        assert_eq!(display_safe(&"é".repeat(10_000), 5).chars().count(), 6);
        assert!(is_stable_code("binding_revoked"));
        for bad in ["", "Binding", "a-b", "x\u{202E}", &"a".repeat(65)] {
            assert!(!is_stable_code(bad), "{bad:?}");
        }
    }

    #[test]
    fn every_bidi_control_is_also_ignorable_except_none() {
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}',
        ] {
            assert!(
                is_bidi_control(c) && is_default_ignorable(c),
                "{:X}",
                u32::from(c)
            );
        }
        for c in ['a', 'ñ', ' ', '\u{0301}', '\u{3000}'] {
            assert!(!is_bidi_control(c) && !is_default_ignorable(c));
        }
        assert!(is_default_ignorable('\u{3164}') && !is_bidi_control('\u{3164}'));
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

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

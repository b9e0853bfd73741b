//! docket-core's frame scanner on generated camera frames (issue 3): a
//! sample of every class decodes to exactly its text, and no frame ever
//! yields a text other than the one in it. The full comparison with other
//! decoders is the benchmark (tests/scanner/run-bench), not a test.

use docket_core::qr::GrayFrame;
use docket_core::qr::scan::{ScanMode, scan};
use scanner_lab::{Resolution, classes, sample};

fn read(class: &str, index: u32, resolution: Resolution) -> (Vec<String>, String) {
    let s = sample(class, index, resolution);
    let frame = GrayFrame::new(s.width, s.height, s.width, &s.pixels).unwrap();
    let texts = scan(&frame, ScanMode::Sc1)
        .into_iter()
        .map(|c| c.text)
        .collect();
    (texts, s.expected_text)
}

#[test]
fn a_sample_of_every_realistic_class_decodes() {
    for class in classes().iter().filter(|c| **c != "combined_worst") {
        for (index, resolution) in [(3, Resolution::R640x480), (4, Resolution::R1280x720)] {
            let (texts, expected) = read(class, index, resolution);
            assert_eq!(texts, [expected], "{class} {} #{index}", resolution.name());
        }
    }
}

#[test]
fn the_hardest_frames_yield_the_right_text_or_nothing() {
    let mut read_some = 0;
    for index in 0..6 {
        let (texts, expected) = read("combined_worst", index, Resolution::R640x480);
        assert!(
            texts.iter().all(|t| *t == expected),
            "combined_worst #{index}: {texts:?}"
        );
        read_some += texts.len();
    }
    assert!(read_some > 0, "not one of six worst-case frames read");
}

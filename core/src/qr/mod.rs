//! QR codes: the module matrix a presentation is drawn from, renderers for
//! files and terminals, and reading codes back from grayscale images.
//!
//! SC1 text is all QR-alphanumeric characters, so it is encoded as one
//! alphanumeric segment at error correction level M. Its bit length then
//! depends only on its character count, which is fixed for a given card,
//! so every live code a wallet rotates through has the same version and
//! size on screen.

mod frame;
mod matrix;
mod render;
pub mod scan;

pub use frame::{FrameError, GrayFrame, MAX_FRAME_PIXELS, MAX_FRAME_SIDE, luma_from_rgba};
pub use matrix::{QrError, QrMatrix, smallest_alphanumeric_version};
pub use render::{RenderOptions, TerminalStyle, to_gray, to_png, to_svg, to_terminal};

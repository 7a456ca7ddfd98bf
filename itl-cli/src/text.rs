//! Terminal text for the commands the CLI words itself (`compare`, `phone`,
//! `audit`, signed files): text from a file made safe to print, and fitting text
//! to a width, with itl-core's functions (the renderers of `show`, `verify` and
//! `hash` use the same ones).

pub use itl_core::{printable, truncate_text as truncate, wrap_text as wrap};

/// A common terminal width (in characters).
pub const MAX_WIDTH: usize = 100;
/// The narrowest width output is fitted to; narrower terminals get this.
pub const MIN_WIDTH_FITTED: usize = 40;

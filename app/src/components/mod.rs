//! Small reusable pieces of the UI.

mod copy_button;
mod status_badge;

pub use copy_button::CopyButton;
pub use status_badge::{KindBadge, StatusBadge};
